// `scan --email-to` end to end: a real SMTP server on loopback receives the demo report; a dead relay is exit 3.
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { header, leafParts, parseMime } from "../deliver/mime.ts";
import { closedPort, startSmtpServer } from "../deliver/smtp-server.ts";
import { runCli } from "./run-cli.ts";

describe("scan --email-to", () => {
  it("mails the demo report with findings.csv attached, byte for byte", async () => {
    const server = await startSmtpServer({ authOptional: true, disabledCommands: ["STARTTLS"] });
    try {
      const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-mail-"));
      const { status, stdout, stderr } = await runCli(
        ["scan", "--demo", "--out", out, "--format", "html,json", "--email-to", "platform@contoso.example"],
        { SMTP_URL: `smtp://127.0.0.1:${server.port}`, MAIL_FROM: "audit@contoso.example" },
      );
      assert.equal(status, 0, stderr);
      assert.match(stdout, /Emailed the report to 1 recipient/);
      assert.ok((await readdir(out)).includes("findings.csv"), "mailing forces the CSV the mail attaches");
      const [message] = server.received;
      assert.ok(message, "one message arrived");
      assert.deepEqual(message.to, ["platform@contoso.example"]);
      const mail = parseMime(message.raw);
      const findings = JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as {
        summary: { clusters: number; bySeverity: Record<string, number> };
      };
      const { critical, high } = findings.summary.bySeverity;
      assert.match(header(mail, "subject") ?? "", new RegExp(`${critical} critical, ${high} high`));
      const html = leafParts(mail).find((part) =>
        (header(part, "content-type") ?? "").startsWith("text/html"),
      );
      assert.ok(html?.body.toString("utf8").includes(String(findings.summary.clusters)));
      const csv = leafParts(mail).find((part) => (header(part, "content-type") ?? "").startsWith("text/csv"));
      assert.deepEqual(csv?.body, await readFile(join(out, "findings.csv")));
    } finally {
      await server.close();
    }
  });

  it("keeps the reports and exits 3 when the relay cannot be reached", async () => {
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-mail-"));
    const port = await closedPort();
    const { status, stderr } = await runCli(
      ["scan", "--demo", "--out", out, "--quiet", "--email-to", "platform@contoso.example"],
      { SMTP_URL: `smtp://mailer:s3cret-pass@127.0.0.1:${port}`, MAIL_FROM: "audit@contoso.example" },
    );
    assert.equal(status, 3);
    assert.match(stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(!stderr.includes("s3cret-pass"), "the password never reaches the output");
    assert.ok((await readdir(out)).includes("report.html"), "the reports stay on disk");
  });

  it("refuses a bad recipient before scanning (exit 2)", async () => {
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-mail-"));
    const { status, stderr } = await runCli(
      ["scan", "--demo", "--out", out, "--email-to", "ops@contoso.example\r\nBcc: x@evil.example"],
      { SMTP_URL: "smtp://127.0.0.1:25", MAIL_FROM: "audit@contoso.example" },
    );
    assert.equal(status, 2);
    assert.equal(stderr.trim().split("\n").length, 1);
    assert.deepEqual(await readdir(out), [], "nothing was scanned");
  });
});
