// Delivery tests against a real SMTP server on loopback: envelope, subject, parts, attachment, STARTTLS, failures.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/errors/errors.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import { sendReportEmail } from "../../src/deliver/email.ts";
import { DeliveryError } from "../../src/deliver/errors.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import { writeReports } from "../../src/report/write.ts";
import { completeCoverage, incompleteCoverage, sampleRules, sampleRun } from "../report/sample-run.ts";
import type { MimePart } from "./mime.ts";
import { header, leafParts, parseMime } from "./mime.ts";
import type { LoopbackSmtpServer } from "./smtp-server.ts";
import { closedPort, startSmtpServer } from "./smtp-server.ts";

const recipients = ["ops@contoso.example", "security@contoso.example"];
const sender = "AKS audit <aks-audit@contoso.example>";
const password = "hunter2-Sup3r$ecret";

let folder = "";
before(async () => {
  folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-email-"));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Writes findings.csv for the run the way a scan does, and returns its path. */
async function findingsCsv(run: RunRecord, name: string): Promise<string> {
  const [path] = await writeReports(run, join(folder, name), ["csv"], { rules: sampleRules });
  return path!;
}

async function send(
  run: RunRecord,
  env: Record<string, string | undefined>,
  extra: Partial<Parameters<typeof sendReportEmail>[3]> = {},
): Promise<{ messageId: string; csvPath: string }> {
  const csvPath = await findingsCsv(run, run.run.id + String(Math.random()).slice(2));
  const view = buildReportView(run, { rules: sampleRules });
  const sent = await sendReportEmail(
    run,
    view,
    { findingsCsvPath: csvPath },
    {
      to: recipients,
      maxBodyBytes: 1_000_000,
      env,
      ...extra,
    },
  );
  return { ...sent, csvPath };
}

const partOfType = (message: MimePart, type: string): MimePart | undefined =>
  leafParts(message).find((part) => header(part, "content-type")?.startsWith(type));

describe("sendReportEmail over plain SMTP", () => {
  let server: LoopbackSmtpServer;
  before(async () => {
    server = await startSmtpServer({ authOptional: true, disabledCommands: ["STARTTLS"] });
  });
  after(() => server.close());
  const env = (): Record<string, string> => ({
    SMTP_HOST: "127.0.0.1",
    SMTP_PORT: String(server.port),
    MAIL_FROM: sender,
  });

  it("delivers the HTML summary and findings.csv to every recipient", async () => {
    const { messageId, csvPath } = await send(sampleRun(), env());
    const delivered = server.received.at(-1)!;
    assert.deepEqual(delivered.to, recipients);
    assert.equal(delivered.from, "aks-audit@contoso.example");
    const message = parseMime(delivered.raw);
    assert.equal(header(message, "message-id"), messageId);
    assert.equal(header(message, "subject"), "[aks-vnet-audit] 2 tenants 2026-11-26: 1 critical, 2 high");
    const html = partOfType(message, "text/html")?.body.toString("utf8") ?? "";
    assert.match(html, /Clusters<\/div><div style="[^"]*">4<\/div>/);
    assert.match(html, /Failing<\/div><div style="[^"]*">6<\/div>/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(partOfType(message, "text/plain")?.body.toString("utf8") ?? "", /Failing findings: 6/);
    const attachment = partOfType(message, "text/csv");
    assert.match(header(attachment!, "content-disposition") ?? "", /attachment; filename="?findings\.csv/);
    assert.deepEqual(attachment?.body, await readFile(csvPath));
  });

  // The cap sits above the fixed part of the body (KPIs, trend bars, readiness), which alone is about 13 kB now.
  it("cuts the body to the cap and points to the CSV for the rest", async () => {
    await send(sampleRun(), env(), { maxBodyBytes: 14000 });
    const html = partOfType(parseMime(server.received.at(-1)!.raw), "text/html")?.body ?? Buffer.alloc(0);
    assert.ok(html.length <= 14000, `${html.length} bytes`);
    assert.match(html.toString("utf8"), /\d more findings in the attached findings\.csv/);
  });

  it("keeps a hostile scope with CR/LF out of the headers and the envelope", async () => {
    const hostile = "evil\r\nBcc: attacker@example.com";
    const run = sampleRun({ coverage: { ...incompleteCoverage, scopes: [{ tenantId: hostile }] } });
    await send(run, env(), { to: ["ops@contoso.example"] });
    const delivered = server.received.at(-1)!;
    assert.deepEqual(delivered.to, ["ops@contoso.example"]);
    const message = parseMime(delivered.raw);
    assert.deepEqual(
      message.headers.filter(([name]) => name === "bcc"),
      [],
    );
    assert.equal(
      header(message, "subject"),
      "[aks-vnet-audit] evil bcc: attacker@example.com 2026-11-26: 1 critical, 2 high (INCOMPLETE)",
    );
  });

  const refusals: [name: string, to: string][] = [
    ["a header injected after an address", "ops@contoso.example\r\nBcc: attacker@example.com"],
    ["two addresses in one", "ops@contoso.example, attacker@example.com"],
    ["angle brackets", "<attacker@example.com>"],
  ];
  for (const [name, to] of refusals) {
    it(`refuses a recipient with ${name} before connecting`, async () => {
      const before = server.received.length;
      await assert.rejects(send(sampleRun(), env(), { to: [to] }), ConfigError);
      assert.equal(server.received.length, before);
    });
  }

  it("names MAIL_FROM when it is missing", async () => {
    const withoutSender = { ...env(), MAIL_FROM: undefined };
    await assert.rejects(send(sampleRun(), withoutSender), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /MAIL_FROM is not set/);
      return true;
    });
  });
});

describe("sendReportEmail with STARTTLS and login", () => {
  let server: LoopbackSmtpServer;
  before(async () => {
    // smtp-server's built-in self-signed certificate; the test alone trusts it.
    server = await startSmtpServer({
      authMethods: ["PLAIN", "LOGIN"],
      onAuth(auth, _session, callback) {
        if (auth.username === "audit@contoso.example" && auth.password === password) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error("Invalid username or password"));
        }
      },
    });
  });
  after(() => server.close());
  const url = (secret: string): string =>
    `smtp://${encodeURIComponent("audit@contoso.example")}:${encodeURIComponent(secret)}@127.0.0.1:${server.port}`;
  const tls = { tls: { rejectUnauthorized: false } };

  it("upgrades with STARTTLS, logs in with the URL's decoded credentials and delivers", async () => {
    await send(
      sampleRun(),
      { SMTP_URL: url(password), SMTP_REQUIRE_TLS: "true", MAIL_FROM: sender },
      { transport: tls },
    );
    const delivered = server.received.at(-1)!;
    assert.equal(delivered.secure, true);
    assert.equal(delivered.user, "audit@contoso.example");
    assert.deepEqual(delivered.to, recipients);
  });

  it("reports a refused login as a DeliveryError naming the server, never the password", async () => {
    const wrong = `${password}-wrong`;
    await assert.rejects(
      send(sampleRun(), { SMTP_URL: url(wrong), MAIL_FROM: sender }, { transport: tls }),
      (error: unknown) => {
        assert.ok(error instanceof DeliveryError);
        assert.equal(error.exitCode, 3);
        assert.ok(error.message.includes(`127.0.0.1:${server.port}`));
        assert.match(error.message, /SMTP_PASSWORD/);
        assert.ok(!error.message.includes(wrong) && !error.message.includes(encodeURIComponent(wrong)));
        return true;
      },
    );
  });
});

describe("sendReportEmail when the server is unreachable", () => {
  it("throws a DeliveryError (exit 3) naming host and port, without the password", async () => {
    const port = await closedPort();
    const env = {
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(port),
      SMTP_USER: "audit",
      SMTP_PASSWORD: password,
      MAIL_FROM: sender,
    };
    await assert.rejects(send(sampleRun({ coverage: completeCoverage }), env), (error: unknown) => {
      assert.ok(error instanceof DeliveryError);
      assert.equal(error.exitCode, 3);
      assert.ok(error.message.includes(`127.0.0.1:${port}`));
      assert.match(error.message, /SMTP_HOST and SMTP_PORT/);
      assert.ok(!error.message.includes(password));
      return true;
    });
  });

  it("throws a DeliveryError when findings.csv is missing", async () => {
    const run = sampleRun();
    const view = buildReportView(run, { rules: sampleRules });
    const options = {
      to: recipients,
      maxBodyBytes: 1_000_000,
      env: { SMTP_HOST: "127.0.0.1", MAIL_FROM: sender },
    };
    await assert.rejects(
      sendReportEmail(run, view, { findingsCsvPath: join(folder, "absent", "findings.csv") }, options),
      DeliveryError,
    );
  });
});
