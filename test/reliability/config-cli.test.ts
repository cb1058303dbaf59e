// A bad config through the CLI: exit 2, one line on stderr naming the key, the value and the expected form,
// and a config that holds a secret is refused without echoing the secret.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { goodRows } from "./fleet.ts";
import { runCli, tempFolder } from "./cli.ts";

const secretValue = "hunter2-very-secret-value";

const badConfigs: readonly { name: string; text: string; mentions: readonly string[] }[] = [
  { name: "an unknown key", text: JSON.stringify({ minFreeIps: 3 }), mentions: ['"minFreeIps"', "unknown"] },
  {
    name: "a number given as a string",
    text: JSON.stringify({ minFreeApiServerIps: "4" }),
    mentions: ['"minFreeApiServerIps"', '"4"', "integer"],
  },
  {
    name: "a tenant id that is not a GUID",
    text: JSON.stringify({ tenants: [{ tenantId: "contoso" }] }),
    mentions: ['"tenants[0].tenantId"', '"contoso"', "GUID"],
  },
  { name: "a file that is not JSON", text: "minFreeApiServerIps: 4\n", mentions: ["not valid JSON"] },
  {
    name: "a secret pasted unquoted, so the file is not JSON",
    text: `{ "minFreeApiServerIps": 4, "note": ${secretValue} }`,
    mentions: ["not valid JSON", "Unexpected token"],
  },
  {
    name: "an SMTP password in the file",
    text: JSON.stringify({ email: { to: ["team@example.com"], smtpPassword: secretValue } }),
    mentions: ['"email.smtpPassword"', "environment"],
  },
  {
    name: "a client secret in a tenant",
    text: JSON.stringify({
      tenants: [{ tenantId: "11111111-1111-1111-1111-111111111111", clientSecret: secretValue }],
    }),
    mentions: ['"tenants[0].clientSecret"', "environment"],
  },
];

describe("scan --config with a bad config", { concurrency: 3 }, () => {
  for (const bad of badConfigs) {
    it(`${bad.name}: exit 2, one line naming ${bad.mentions.join(", ")}`, async () => {
      const folder = await tempFolder("config");
      const config = join(folder, "config.json");
      const input = join(folder, "fleet.json");
      await writeFile(config, bad.text);
      await writeFile(input, JSON.stringify(goodRows));
      const out = join(folder, "out");
      const { status, stdout, stderr } = await runCli([
        "scan",
        "--input",
        input,
        "--config",
        config,
        "--out",
        out,
        "--state-dir",
        out,
        "--quiet",
      ]);
      assert.equal(status, 2, stderr);
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
      assert.ok(stderr.includes(config), `stderr names the file: ${stderr}`);
      for (const mention of bad.mentions)
        assert.ok(stderr.includes(mention), `stderr mentions ${mention}: ${stderr}`);
      assert.equal(
        `${stdout}${stderr}`.includes(secretValue.slice(0, 8)),
        false,
        "no part of the secret is echoed",
      );
    });
  }

  it("a missing config file: exit 2, one line naming the path", async () => {
    const folder = await tempFolder("config");
    const config = join(folder, "absent.json");
    const input = join(folder, "fleet.json");
    await writeFile(input, JSON.stringify(goodRows));
    const { status, stderr } = await runCli([
      "scan",
      "--input",
      input,
      "--config",
      config,
      "--out",
      folder,
      "--quiet",
    ]);
    assert.equal(status, 2, stderr);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    assert.match(stderr, /absent\.json.*--config/);
  });
});
