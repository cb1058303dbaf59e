// `scan --notify-webhook` and `scan --log-analytics-endpoint` end to end on the demo fleet: a loopback receiver gets
// each format, nock plays the Logs Ingestion API; a dead receiver or a refused batch keeps the reports and exits 3.
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it, type TestContext } from "node:test";
import nock from "nock";
import { main } from "../../src/cli/main.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import { blockNetwork, fakeCredentials } from "../collect/fakes.ts";
import { parseAdaptiveCard } from "../deliver/adaptive-card.ts";
import { deadReceiverUrl, receiverSecret, startWebhookReceiver } from "../deliver/webhook-receiver.ts";
import { runCli } from "./run-cli.ts";

const reportUrl = "https://reports.contoso.example/aks/report.html";

async function findings(out: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as RunRecord;
}

describe("scan --notify-webhook", () => {
  const formats: readonly {
    format: string;
    check: (body: Record<string, unknown>, run: RunRecord) => void;
  }[] = [
    {
      format: "teams",
      check: (body) => {
        assert.equal(body.type, "message");
        const [attachment] = body.attachments as { contentType: string; content: unknown }[];
        assert.equal(attachment!.contentType, "application/vnd.microsoft.card.adaptive");
        const parsed = parseAdaptiveCard(attachment!.content);
        assert.deepEqual([...parsed.parseEvents, ...parsed.validationEvents], []);
        assert.ok(JSON.stringify(parsed.json).includes(reportUrl));
      },
    },
    {
      format: "slack",
      check: (body, run) => {
        assert.match(
          String(body.text),
          new RegExp(`${run.summary.bySeverity.critical} critical, ${run.summary.bySeverity.high} high`),
        );
        assert.equal((body.blocks as { type: string }[])[0]!.type, "header");
      },
    },
    {
      format: "json",
      check: (body, run) => {
        assert.equal(body.kind, "aks-vnet-audit-summary");
        assert.equal(body.runId, run.run.id);
        assert.deepEqual((body.kpis as { bySeverity: unknown }).bySeverity, run.summary.bySeverity);
        assert.equal(body.reportUrl, reportUrl);
      },
    },
  ];
  for (const { format, check } of formats) {
    it(`posts the demo run's summary as ${format} after the reports are written`, async () => {
      const receiver = await startWebhookReceiver([{ status: 202 }]);
      try {
        const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-notify-"));
        const { status, stdout, stderr } = await runCli(
          [
            "scan",
            "--demo",
            "--out",
            out,
            "--format",
            "json",
            "--notify-format",
            format,
            "--report-url",
            reportUrl,
          ],
          { NOTIFY_WEBHOOK_URL: receiver.url },
        );
        assert.equal(status, 0, stderr);
        assert.match(
          stdout,
          new RegExp(`Posted the ${format} summary to 1 webhook\\(s\\): 127\\.0\\.0\\.1:\\d+\\.`),
        );
        assert.ok(!stdout.includes(receiverSecret) && !stderr.includes(receiverSecret));
        assert.equal(receiver.received.length, 1);
        check(JSON.parse(receiver.received[0]!.body) as Record<string, unknown>, await findings(out));
      } finally {
        await receiver.close();
      }
    });
  }

  it("keeps the reports and exits 3 when the receiver is dead, naming it by host only", async () => {
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-notify-dead-"));
    const dead = await deadReceiverUrl();
    const { status, stderr } = await runCli(["scan", "--demo", "--out", out, "--notify-webhook", dead], {});
    assert.equal(status, 3, stderr);
    assert.match(
      stderr,
      /Could not post the summary to --notify-webhook #1 \(http:\/\/127\.0\.0\.1:\d+\/…\) after 4 attempts: ECONNREFUSED/,
    );
    assert.ok(!stderr.includes(receiverSecret), stderr);
    assert.ok((await readdir(out)).includes("report.html"), "the reports are on disk");
    assert.equal((await findings(out)).coverage.complete, true, "the scan itself was whole");
  });

  it("refuses a plain-http webhook before scanning (exit 2)", async () => {
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-notify-http-"));
    const { status, stderr } = await runCli(
      ["scan", "--demo", "--out", out, "--notify-webhook", `http://hooks.example/${receiverSecret}`],
      {},
    );
    assert.equal(status, 2);
    assert.match(stderr, /--notify-webhook #1 \(http:\/\/hooks\.example\/…\) must use https:\/\//);
    assert.ok(!stderr.includes(receiverSecret));
    assert.deepEqual(await readdir(out), [], "nothing was scanned");
  });
});

describe("scan --log-analytics-endpoint", () => {
  const endpoint = "https://dce-audit.westeurope-1.ingest.monitor.azure.com";
  const dcrId = "dcr-00112233445566778899aabbccddeeff";
  const path = `/dataCollectionRules/${dcrId}/streams/Custom-AksVnetAudit_CL`;
  let tenant: string | undefined;
  beforeEach(() => {
    blockNetwork();
    tenant = process.env.AZURE_TENANT_ID;
    process.env.AZURE_TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    if (tenant === undefined) delete process.env.AZURE_TENANT_ID;
    else process.env.AZURE_TENANT_ID = tenant;
  });

  async function scanTo(
    t: TestContext,
    status: number,
    body = "",
  ): Promise<{ code: number; rows: number; stderr: string; run: RunRecord }> {
    let rows = 0;
    nock(endpoint)
      .post(path)
      .query({ "api-version": "2023-01-01" })
      .times(Infinity)
      .reply(async (request: Request) => {
        rows += ((await request.json()) as unknown[]).length;
        return [status, body, { "content-type": "application/json" }];
      });
    const written: string[] = [];
    t.mock.method(process.stderr, "write", (chunk: string) => written.push(chunk));
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-la-"));
    const code = await main(
      ["scan", "--demo", "--out", out, "--quiet", "--log-analytics-endpoint", endpoint, "--dcr-id", dcrId],
      { credentialFactory: fakeCredentials().factory },
    );
    t.mock.restoreAll();
    assert.ok((await readdir(out)).includes("findings.json"), "the reports are on disk");
    return { code, rows, stderr: written.join(""), run: await findings(out) };
  }

  it("sends one row per result plus the run row and exits 0", async (t) => {
    const { code, rows, stderr, run } = await scanTo(t, 204);
    assert.equal(code, 0, stderr);
    assert.equal(rows, run.results.length + 1);
  });

  it("exits 3 and names the refused batch, keeping the reports", async (t) => {
    const refusal = JSON.stringify({
      error: { code: "InvalidStream", message: "Stream is not declared in the rule." },
    });
    const { code, stderr, run } = await scanTo(t, 400, refusal);
    const total = run.results.length + 1;
    assert.equal(code, 3);
    assert.match(
      stderr,
      new RegExp(
        `Log Analytics rejected 1 batch\\(es\\) of run ${run.run.id} .*the batch of rows 1–${total} of ${total} \\(HTTP 400 InvalidStream: Stream is not declared in the rule\\.\\)`,
      ),
    );
  });

  it("refuses a DCR name instead of its immutable id before scanning (exit 2)", async () => {
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-la-bad-"));
    const { status, stderr } = await runCli(
      [
        "scan",
        "--demo",
        "--out",
        out,
        "--log-analytics-endpoint",
        endpoint,
        "--dcr-id",
        "dcr-aks-vnet-audit",
      ],
      { AZURE_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
    );
    assert.equal(status, 2);
    assert.match(stderr, /--dcr-id "dcr-aks-vnet-audit" is not a DCR immutable id/);
  });
});
