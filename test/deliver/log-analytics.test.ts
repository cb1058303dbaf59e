// Log Analytics through @azure/monitor-ingestion, against nock: the request the SDK really sends, batching, retries.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import nock from "nock";
import { ConfigError } from "../../src/errors/errors.ts";
import { DeliveryError } from "../../src/deliver/errors.ts";
import { evidenceMaxLength, logRows } from "../../src/deliver/log-analytics-rows.ts";
import {
  defaultStream,
  planLogAnalytics,
  sendToLogAnalytics,
  type LogAnalyticsTarget,
} from "../../src/deliver/log-analytics.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import { blockNetwork, fakeCredentials } from "../collect/fakes.ts";
import { makeResult, prodClusterId, sampleRun } from "../report/sample-run.ts";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

/** The REST spec's own example call: its endpoint and api-version are what the SDK must hit. */
const example = fixture("ingestion-post-example.json") as {
  parameters: { endpoint: string; "api-version": string; "Content-Encoding": string };
  responses: Record<string, unknown>;
};
const forbidden = fixture("ingestion-403-operation-failed.json") as {
  error: { code: string; message: string };
};

const ruleId = "dcr-0123456789abcdef0123456789abcdef";
const target: LogAnalyticsTarget = { endpoint: example.parameters.endpoint, ruleId, stream: defaultStream };
const path = `/dataCollectionRules/${ruleId}/streams/${defaultStream}`;
const fastRetries = { retryDelayInMs: 1, maxRetryDelayInMs: 5 };

interface Upload {
  readonly headers: Headers;
  readonly gzippedBytes: number;
  readonly jsonBytes: number;
  readonly rows: Record<string, unknown>[];
}

type Answer = readonly [number, string?, Record<string, string>?];

/** Records every upload the SDK makes (gunzipped) and answers with `answer(n)` for the n-th call, from 0. */
function ingestion(answer: (call: number, upload: Upload) => Answer = () => [204]): Upload[] {
  const uploads: Upload[] = [];
  nock(example.parameters.endpoint)
    .post(path)
    .query({ "api-version": example.parameters["api-version"] })
    .times(Infinity)
    .reply(async (request: Request) => {
      // nock 15 hands over the body already decoded from its Content-Encoding; Content-Length is the wire size.
      const received = Buffer.from(await request.arrayBuffer());
      const json = received[0] === 0x1f && received[1] === 0x8b ? gunzipSync(received) : received;
      const upload = {
        headers: request.headers,
        gzippedBytes: Number(request.headers.get("content-length")),
        jsonBytes: json.length,
        rows: JSON.parse(json.toString("utf8")) as Record<string, unknown>[],
      };
      uploads.push(upload);
      const [status, body, headers] = answer(uploads.length - 1, upload);
      return [status, body ?? "", { "content-type": "application/json", ...headers }];
    });
  return uploads;
}

function credential(): ReturnType<typeof fakeCredentials> & {
  credential: ReturnType<ReturnType<typeof fakeCredentials>["factory"]>;
} {
  const fakes = fakeCredentials();
  return { ...fakes, credential: fakes.factory("tenant-of-the-dcr", "default") };
}

/** A run of `count` failing results whose evidence is about `evidenceBytes` each. */
function largeRun(count: number, evidenceBytes: number): RunRecord {
  const results = Array.from({ length: count }, (_, index) =>
    makeResult({
      ruleId: "node-subnet-ip-exhaustion",
      resourceId: `${prodClusterId}-${index}`,
      severity: "high",
      evidence: { padding: "x".repeat(evidenceBytes), index },
    }),
  );
  return sampleRun({ results });
}

describe("sendToLogAnalytics", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("posts the run row and every result, gzipped, with the monitor token, as the REST spec example does", async () => {
    const uploads = ingestion(() => [Number(Object.keys(example.responses)[0])]);
    const fakes = credential();
    const run = sampleRun();
    assert.deepEqual(await sendToLogAnalytics(target, run, { credential: fakes.credential }), {
      rows: run.results.length + 1,
    });
    assert.equal(uploads.length, 1);
    const [upload] = uploads;
    assert.equal(upload!.headers.get("content-encoding"), example.parameters["Content-Encoding"]);
    assert.equal(upload!.headers.get("content-type"), "application/json");
    assert.equal(upload!.headers.get("authorization"), "Bearer token-tenant-of-the-dcr");
    assert.deepEqual(fakes.scopes, ["https://monitor.azure.com/.default"]);
    assert.deepEqual(upload!.rows, JSON.parse(JSON.stringify(logRows(run))));
    const [runRow, ...resultRows] = upload!.rows;
    assert.equal(runRow!.RecordType, "run");
    assert.equal(runRow!.IntegratedPercent, 50);
    assert.equal(runRow!.Critical, 1);
    assert.equal(runRow!.Complete, true);
    assert.deepEqual(
      resultRows.map((row) => [row.RecordType, row.RunId, row.TimeGenerated]),
      run.results.map(() => ["result", run.run.id, run.run.finishedAt]),
    );
  });

  it("asks for the audience of the scan's cloud", async () => {
    ingestion();
    const fakes = credential();
    await sendToLogAnalytics(target, sampleRun(), {
      credential: fakes.credential,
      audience: "https://monitor.azure.us",
    });
    assert.deepEqual(fakes.scopes, ["https://monitor.azure.us/.default"]);
  });

  it("cuts a large run into calls under the API's 1 MB limit and loses no row", async () => {
    const uploads = ingestion();
    const run = largeRun(3000, 1000);
    await sendToLogAnalytics(target, run, { credential: credential().credential, maxConcurrency: 2 });
    assert.ok(uploads.length >= 3, `expected several calls, got ${uploads.length}`);
    for (const upload of uploads) {
      assert.ok(upload.jsonBytes < 1_000_000, `a call carried ${upload.jsonBytes} bytes`);
      assert.ok(upload.gzippedBytes < upload.jsonBytes);
    }
    const sent = uploads.flatMap((upload) =>
      upload.rows.map((row) => (typeof row.ResourceId === "string" ? row.ResourceId : "run")),
    );
    assert.equal(sent.length, 3001);
    assert.deepEqual(new Set(sent), new Set(["run", ...run.results.map((result) => result.resourceId)]));
  });

  it("replaces evidence too large for one field by its size", () => {
    const [, row] = logRows(largeRun(1, evidenceMaxLength + 10));
    assert.deepEqual(Object.keys(row!.Evidence as object), ["truncated", "length", "see"]);
    const [, small] = logRows(largeRun(1, 10));
    assert.deepEqual(small!.Evidence, { padding: "x".repeat(10), index: 0 });
  });

  const retried: readonly { name: string; answers: Answer[] }[] = [
    { name: "429 with Retry-After", answers: [[429, "", { "retry-after": "0" }], [204]] },
    { name: "503 without Retry-After", answers: [[503], [204]] },
    { name: "503 then 429 then 204", answers: [[503], [429, "", { "retry-after": "0" }], [204]] },
  ];
  for (const { name, answers } of retried) {
    it(`retries ${name} and delivers`, async () => {
      const uploads = ingestion((call) => answers[Math.min(call, answers.length - 1)]!);
      await sendToLogAnalytics(target, sampleRun(), {
        credential: credential().credential,
        retryOptions: fastRetries,
      });
      assert.equal(uploads.length, answers.length);
      assert.deepEqual(uploads.at(-1)!.rows, uploads[0]!.rows, "the retry sends the same rows");
    });
  }

  it("names the failed batch by its rows and keeps Azure's reason", async () => {
    const run = largeRun(3000, 1000);
    // The second call the SDK makes is refused for good; the others go through.
    let refusedFirstRow = "";
    const uploads = ingestion((call, upload) => {
      if (call !== 1) return [204];
      refusedFirstRow = upload.rows[0]!.ResourceId as string;
      return [403, JSON.stringify(forbidden)];
    });
    const error = await sendToLogAnalytics(target, run, {
      credential: credential().credential,
      maxConcurrency: 1,
      retryOptions: fastRetries,
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof DeliveryError, String(error));
    assert.equal(error.exitCode, 3);
    // Row 1 is the run row, so result i is row i + 2.
    const first = run.results.findIndex((result) => result.resourceId === refusedFirstRow) + 2;
    const last = first + uploads[1]!.rows.length - 1;
    assert.match(error.message, new RegExp(`1 batch\\(es\\) of run ${run.run.id}`));
    assert.ok(error.message.includes(`the batch of rows ${first}–${last} of 3001`), error.message);
    assert.match(
      error.message,
      /HTTP 403 OperationFailed: The authentication token provided does not have access/,
    );
    assert.match(error.message, /Monitoring Metrics Publisher/);
  });

  it("gives up on a batch that keeps failing after the SDK's bounded retries", async () => {
    const uploads = ingestion(() => [
      503,
      JSON.stringify({ error: { code: "ServiceUnavailable", message: "Try later." } }),
    ]);
    await assert.rejects(
      sendToLogAnalytics(target, sampleRun(), {
        credential: credential().credential,
        retryOptions: { ...fastRetries, maxRetries: 2 },
      }),
      (error: unknown) =>
        error instanceof DeliveryError &&
        /the batch of rows 1–10 of 10 \(HTTP 503 ServiceUnavailable: Try later\.\)/.test(error.message),
    );
    assert.equal(uploads.length, 3);
  });
});

describe("planLogAnalytics", () => {
  it("is off without the flags", () => {
    assert.equal(planLogAnalytics({}), undefined);
  });

  it("takes the endpoint, the immutable id and the default stream", () => {
    assert.deepEqual(
      planLogAnalytics({ logAnalyticsEndpoint: `${example.parameters.endpoint}/`, dcrId: ruleId }),
      target,
    );
  });

  const refused: readonly [string, Parameters<typeof planLogAnalytics>[0], RegExp][] = [
    ["an endpoint without a DCR", { logAnalyticsEndpoint: example.parameters.endpoint }, /needs both/],
    ["a DCR without an endpoint", { dcrId: ruleId }, /needs both/],
    ["plain http", { logAnalyticsEndpoint: "http://dce.example", dcrId: ruleId }, /not an https:\/\/ URL/],
    [
      "the DCR's ARM id instead of its immutable id",
      {
        logAnalyticsEndpoint: example.parameters.endpoint,
        dcrId: "/subscriptions/x/resourceGroups/y/providers/Microsoft.Insights/dataCollectionRules/z",
      },
      /not a DCR immutable id/,
    ],
    [
      "a stream name the DCR cannot declare",
      { logAnalyticsEndpoint: example.parameters.endpoint, dcrId: ruleId, dcrStream: "AksVnetAudit_CL" },
      /--dcr-stream "AksVnetAudit_CL" is not a stream name/,
    ],
  ];
  for (const [name, flags, message] of refused) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => planLogAnalytics(flags),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }
});
