// Config validation: every error names the key, the value and the expected form, and is a ConfigError (exit 2).
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/errors/errors.ts";
import { defaultConfig } from "../../src/config/config.ts";
import { loadConfig, parseConfig } from "../../src/config/load.ts";

const invalid: readonly { name: string; value: unknown; mentions: readonly string[] }[] = [
  { name: "unknown top-level key", value: { minFreeIps: 3 }, mentions: ['"minFreeIps"', "unknown"] },
  {
    name: "wrong type",
    value: { minFreeApiServerIps: "4" },
    mentions: ['"minFreeApiServerIps"', '"4"', "integer"],
  },
  {
    name: "negative threshold",
    value: { minFreeApiServerIps: -1 },
    mentions: ['"minFreeApiServerIps"', "-1"],
  },
  { name: "ratio above 1", value: { nodeSubnetWarnRatio: 1.5 }, mentions: ['"nodeSubnetWarnRatio"', "1.5"] },
  { name: "bad gaDate", value: { gaDate: "June 2025" }, mentions: ['"gaDate"', '"June 2025"', "ISO date"] },
  {
    name: "suppression without owner",
    value: { suppressions: [{ rule: "x", resource: "y", reason: "z" }] },
    mentions: ['"suppressions[0].owner"', "required"],
  },
  {
    name: "unknown key inside a suppression",
    value: { suppressions: [{ rule: "x", resource: "y", reason: "z", owner: "o", until: "2026-01-01" }] },
    mentions: ['"suppressions[0].until"', "unknown"],
  },
  {
    name: "bad tenant id",
    value: { tenants: [{ tenantId: "contoso" }] },
    mentions: ['"tenants[0].tenantId"', '"contoso"', "GUID"],
  },
  {
    name: "bad auth mode",
    value: { tenants: [{ tenantId: "11111111-1111-1111-1111-111111111111", auth: "password" }] },
    mentions: ['"tenants[0].auth"', '"client-secret"'],
  },
  { name: "not an object", value: [1, 2], mentions: ["expected object"] },
  {
    name: "unknown notification format",
    value: { notify: { webhooks: ["https://hooks.example/x"], format: "discord" } },
    mentions: ['"notify.format"', '"discord"', '"teams"'],
  },
  {
    name: "a secret in the file",
    value: { email: { to: ["a@example.com"], smtpPassword: "hunter2" } },
    mentions: ['"email.smtpPassword"', "environment"],
  },
  {
    name: "a client secret in a tenant",
    value: { tenants: [{ tenantId: "11111111-1111-1111-1111-111111111111", clientSecret: "x" }] },
    mentions: ['"tenants[0].clientSecret"', "secret"],
  },
];

describe("parseConfig", () => {
  for (const testCase of invalid) {
    it(`rejects ${testCase.name}`, () => {
      assert.throws(
        () => parseConfig(testCase.value, "audit.json"),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, "a ConfigError");
          assert.equal(error.exitCode, 2);
          assert.ok(error.message.startsWith("config audit.json: "), error.message);
          assert.ok(!error.message.includes("\n"), "one line");
          for (const part of testCase.mentions)
            assert.ok(error.message.includes(part), `${error.message} names ${part}`);
          if (testCase.name.includes("secret"))
            assert.ok(!error.message.includes("hunter2"), "never echoes a secret");
          return true;
        },
      );
    });
  }

  it("fills defaults for keys left out", () => {
    const config = parseConfig({ minFreeApiServerIps: 6 }, "audit.json");
    assert.equal(config.minFreeApiServerIps, 6);
    assert.equal(config.nodeSubnetWarnRatio, defaultConfig.nodeSubnetWarnRatio);
    assert.equal(config.gaDate, "2025-06-17");
    assert.deepEqual(config.suppressions, []);
  });

  it("reads suppressions, attestations, tenants and email", () => {
    const config = parseConfig(
      {
        suppressions: [
          { rule: "r", resource: "/subscriptions/*/x", reason: "why", owner: "me", expires: "2027-01-01" },
        ],
        attestations: [{ cluster: "/x", restartedAt: "2025-07-01T10:00:00Z", by: "ops", ticket: "CHG-1" }],
        tenants: [{ tenantId: "11111111-1111-1111-1111-111111111111", auth: "cli" }],
        email: { to: ["platform@example.com"] },
      },
      "audit.json",
    );
    assert.equal(config.suppressions[0]?.expires, "2027-01-01");
    assert.equal(config.attestations[0]?.enabledAt, undefined);
    assert.equal(config.attestations[0]?.restartedAt, "2025-07-01T10:00:00Z");
    assert.equal(config.tenants[0]?.auth, "cli");
    assert.equal(config.email?.maxBodyBytes, 1_000_000);
  });

  it("reads the notification settings, leaving the missing ones undefined", () => {
    const config = parseConfig({ notify: { webhooks: ["https://hooks.example/x"] } }, "audit.json");
    assert.deepEqual(config.notify, {
      webhooks: ["https://hooks.example/x"],
      format: undefined,
      reportUrl: undefined,
    });
  });
});

describe("loadConfig", () => {
  it("returns the defaults without a file", async () => {
    assert.equal(await loadConfig(undefined), defaultConfig);
  });

  it("names the file when it is missing or not JSON", async () => {
    const folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-config-"));
    const broken = join(folder, "broken.json");
    await writeFile(broken, "{ minFree: ");
    await assert.rejects(loadConfig(join(folder, "missing.json")), /config .*missing\.json: cannot read/);
    await assert.rejects(loadConfig(broken), /config .*broken\.json: not valid JSON/);
  });
});
