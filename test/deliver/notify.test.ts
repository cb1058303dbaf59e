// Webhook notification against a real HTTP receiver on loopback: each format's structure, retries, failures.
import assert from "node:assert/strict";
import { afterEach, before, describe, it } from "node:test";
import { ConfigError } from "../../src/errors/errors.ts";
import { defaultConfig, type Config } from "../../src/config/config.ts";
import { DeliveryError } from "../../src/deliver/errors.ts";
import { buildNotificationSummary, newFindingsShown } from "../../src/deliver/notify-summary.ts";
import { planNotifications, sendNotifications, type NotifyPlan } from "../../src/deliver/notify.ts";
import { parseWebhookUrl } from "../../src/deliver/webhook.ts";
import type { Result } from "../../src/findings/result.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import {
  incompleteCoverage,
  makeResult,
  prodClusterId,
  sampleResults,
  sampleRun,
} from "../report/sample-run.ts";
import { parseAdaptiveCard } from "./adaptive-card.ts";
import {
  deadReceiverUrl,
  receiverSecret,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./webhook-receiver.ts";

const noWait = { sleep: () => Promise.resolve(), random: () => 0.5 };
const reportUrl = "https://reports.contoso.example/aks/latest/report.html";
const hostileMessage =
  "Cluster [click me](https://evil.example) \u001b[31mred\u001b[0m *bold* <b>x</b> &amp;\u0007";

function plan(url: string, format: NotifyPlan["format"], withLink = true): NotifyPlan {
  return {
    targets: [parseWebhookUrl(url, "--notify-webhook #1")],
    format,
    ...(withLink ? { reportUrl } : {}),
  };
}

/** A run with `count` new critical findings, one with a hostile message. */
function runWithNewFindings(count: number): RunRecord {
  const extra: Result[] = Array.from({ length: count }, (_, index) =>
    makeResult({
      ruleId: "apiserver-subnet-ip-exhaustion",
      resourceId: `${prodClusterId}-subnet-${String(index).padStart(2, "0")}`,
      severity: "critical",
      diff: "new",
      message: index === 0 ? hostileMessage : `Subnet ${index} is full.`,
    }),
  );
  return sampleRun({ results: [...sampleResults, ...extra] });
}

async function postOnce(format: NotifyPlan["format"], run: RunRecord): Promise<unknown> {
  const receiver = await startWebhookReceiver([{ status: format === "slack" ? 200 : 202, body: "ok" }]);
  try {
    const outcome = await sendNotifications(plan(receiver.url, format), run, noWait);
    assert.equal(outcome.failures.length, 0, outcome.failures.map((error) => error.message).join("; "));
    assert.equal(receiver.received.length, 1);
    const [request] = receiver.received;
    assert.equal(request!.method, "POST");
    assert.equal(request!.path, `/hook/${receiverSecret}`);
    assert.match(String(request!.headers["content-type"]), /^application\/json/);
    return JSON.parse(request!.body) as unknown;
  } finally {
    await receiver.close();
  }
}

interface TeamsBody {
  type: string;
  attachments: { contentType: string; contentUrl: null; content: Record<string, unknown> }[];
}

describe("--notify-format teams", () => {
  let body: TeamsBody;
  before(async () => {
    body = (await postOnce("teams", runWithNewFindings(12))) as TeamsBody;
  });

  it("posts the message shape a Teams Workflows webhook accepts", () => {
    assert.equal(body.type, "message");
    assert.equal(body.attachments.length, 1);
    assert.equal(body.attachments[0]!.contentType, "application/vnd.microsoft.card.adaptive");
    assert.equal(body.attachments[0]!.contentUrl, null);
    assert.equal(body.attachments[0]!.content.type, "AdaptiveCard");
    assert.equal(body.attachments[0]!.content.version, "1.5");
  });

  it("is a card the adaptivecards package parses and validates without a single event", () => {
    const parsed = parseAdaptiveCard(body.attachments[0]!.content);
    assert.deepEqual(parsed.parseEvents, []);
    assert.deepEqual(parsed.validationEvents, []);
    const understood = JSON.stringify(parsed.json);
    for (const text of [
      "AKS API Server VNet Integration audit",
      "Coverage: complete",
      "Open the report",
      reportUrl,
    ]) {
      assert.ok(understood.includes(JSON.stringify(text).slice(1, -1)), `the parsed card keeps ${text}`);
    }
  });

  it("the parser does flag what a broken card would carry", () => {
    const broken = { ...body.attachments[0]!.content, body: [{ type: "Bogus" }] };
    assert.notDeepEqual(parseAdaptiveCard(broken).parseEvents, []);
  });

  it("lists at most 10 new critical and high findings, worst first, then the exact rest", () => {
    const text = JSON.stringify(body);
    const summary = buildNotificationSummary(runWithNewFindings(12));
    assert.equal(summary.newFindings.length, newFindingsShown);
    // 12 new critical subnets plus the sample run's own new medium finding, which is not listed.
    assert.equal(summary.moreNewFindings, 2);
    assert.ok(text.includes("2 more new critical or high findings in the report"));
    assert.ok(summary.newFindings.every((finding) => finding.severity === "critical"));
  });

  it("puts scanned text only in TextRuns, without control characters", () => {
    const card = body.attachments[0]!.content;
    const blocks = card.body as { type: string; text?: string; inlines?: { type: string; text: string }[] }[];
    const runs = blocks.flatMap((block) => block.inlines ?? []);
    assert.ok(runs.every((run) => run.type === "TextRun"));
    const hostile = runs.find((run) => run.text.includes("click me"));
    assert.ok(hostile, "the hostile message is listed");
    assert.doesNotMatch(hostile.text, /[\u0000-\u001f\u007f]/);
    assert.ok(hostile.text.includes("\\u001b[31mred\\u001b[0m"), "the escapes are shown, not lost");
    assert.ok(!blocks.some((block) => block.type === "TextBlock" && block.text?.includes("click me")));
  });

  it("stays far below Teams' 28 KB message limit", () => {
    assert.ok(Buffer.byteLength(JSON.stringify(body)) < 28_000);
  });
});

interface SlackBody {
  text: string;
  blocks: {
    type: string;
    text?: { type: string; text: string };
    fields?: { type: string; text: string }[];
    elements?: Record<string, unknown>[];
  }[];
}

describe("--notify-format slack", () => {
  let body: SlackBody;
  before(async () => {
    body = (await postOnce("slack", runWithNewFindings(3))) as SlackBody;
  });

  it("posts Block Kit: a fallback text and known block types within Slack's limits", () => {
    assert.match(body.text, /^AKS VNet Integration audit, 2 tenants: 1 critical, 2 high$/);
    assert.ok(body.blocks.length <= 50);
    const known = new Set(["header", "section", "divider", "context", "actions"]);
    for (const block of body.blocks) assert.ok(known.has(block.type), block.type);
    assert.equal(body.blocks[0]!.type, "header");
    assert.ok(body.blocks[0]!.text!.text.length <= 150);
    const fields = body.blocks.find((block) => block.fields)!.fields!;
    assert.ok(fields.length <= 10);
    assert.ok(fields.some((field) => field.text === "Integrated: 50 % (2 of 4)"));
  });

  it("puts every scanned text in plain_text objects, which Slack never formats", () => {
    const listed = body.blocks.filter((block) => block.text?.text.includes("apiserver-subnet-ip-exhaustion"));
    assert.equal(listed.length, 3, "the three new critical subnets");
    for (const block of listed) {
      assert.equal(block.text!.type, "plain_text");
      assert.ok(block.text!.text.length <= 3000);
    }
    assert.ok(listed.some((block) => block.text!.text.includes("[click me](https://evil.example)")));
    assert.ok(
      body.blocks.every((block) => !/[\u0000-\u001f]/.test(block.text?.text ?? "")),
      "no raw control character reaches the payload",
    );
    assert.ok(
      listed.some((block) => block.text!.text.includes("\\u001b[31mred")),
      "the escape is shown, not lost",
    );
  });

  it("links the report with a button", () => {
    const actions = body.blocks.find((block) => block.type === "actions");
    assert.deepEqual(actions?.elements?.[0]?.url, reportUrl);
  });
});

describe("--notify-format json", () => {
  it("posts the summary object itself", async () => {
    const run = sampleRun({ coverage: incompleteCoverage });
    const body = (await postOnce("json", run)) as Record<string, unknown>;
    assert.deepEqual(body, JSON.parse(JSON.stringify(buildNotificationSummary(run, reportUrl))));
    assert.equal(body.kind, "aks-vnet-audit-summary");
    assert.equal(body.complete, false);
    assert.equal(body.gaps, 1);
    assert.deepEqual((body.scope as { tenants: string[] }).tenants, [
      "11111111-1111-1111-1111-111111111111",
      "22222222-2222-2222-2222-222222222222",
    ]);
    assert.equal((body.kpis as { bySeverity: { critical: number } }).bySeverity.critical, 1);
    assert.equal(body.reportUrl, reportUrl);
  });

  it("carries no report link without --report-url", async () => {
    const receiver = await startWebhookReceiver();
    try {
      await sendNotifications(plan(receiver.url, "json", false), sampleRun(), noWait);
      assert.equal((JSON.parse(receiver.received[0]!.body) as { reportUrl?: string }).reportUrl, undefined);
    } finally {
      await receiver.close();
    }
  });
});

describe("retries and failures", () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  const retried: readonly {
    name: string;
    replies: { status: number; headers?: Record<string, string> }[];
  }[] = [
    { name: "503 then 202", replies: [{ status: 503 }, { status: 202 }] },
    {
      name: "429 with Retry-After then 200",
      replies: [{ status: 429, headers: { "retry-after": "0" } }, { status: 200 }],
    },
    { name: "two 500s then 202", replies: [{ status: 500 }, { status: 500 }, { status: 202 }] },
  ];
  for (const { name, replies } of retried) {
    it(`delivers after ${name}`, async () => {
      receiver = await startWebhookReceiver(replies);
      const waits: number[] = [];
      const outcome = await sendNotifications(plan(receiver.url, "json"), sampleRun(), {
        ...noWait,
        sleep: (ms) => Promise.resolve(void waits.push(ms)),
      });
      assert.equal(outcome.failures.length, 0);
      assert.equal(receiver.received.length, replies.length);
      assert.equal(waits.length, replies.length - 1);
    });
  }

  it("honours Retry-After, capped", async () => {
    receiver = await startWebhookReceiver([
      { status: 429, headers: { "retry-after": "7200" } },
      { status: 202 },
    ]);
    const waits: number[] = [];
    await sendNotifications(plan(receiver.url, "json"), sampleRun(), {
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
      maxDelayMs: 5000,
    });
    assert.deepEqual(waits, [5000]);
  });

  it("gives up after the bounded attempts and names the webhook by host only", async () => {
    receiver = await startWebhookReceiver([{ status: 503, body: `upstream down; sig=${receiverSecret}` }]);
    const outcome = await sendNotifications(plan(receiver.url, "teams"), sampleRun(), {
      ...noWait,
      maxAttempts: 3,
    });
    assert.equal(receiver.received.length, 3);
    assert.equal(outcome.sent.length, 0);
    const [failure] = outcome.failures;
    assert.ok(failure instanceof DeliveryError);
    assert.match(
      failure.message,
      /--notify-webhook #1 \(http:\/\/127\.0\.0\.1:\d+\/…\) after 3 attempts: HTTP 503/,
    );
    assert.ok(!failure.message.includes(receiverSecret), failure.message);
  });

  it("fails at once on a 4xx the receiver will not change its mind about", async () => {
    receiver = await startWebhookReceiver([{ status: 400, body: "invalid_payload" }]);
    const outcome = await sendNotifications(plan(receiver.url, "slack"), sampleRun(), noWait);
    assert.equal(receiver.received.length, 1);
    assert.match(outcome.failures[0]!.message, /HTTP 400 \(invalid_payload\)\.$/);
  });

  it("times out a receiver that never answers", async () => {
    receiver = await startWebhookReceiver([{ status: 0, hang: true }]);
    const outcome = await sendNotifications(plan(receiver.url, "json"), sampleRun(), {
      ...noWait,
      timeoutMs: 200,
      maxAttempts: 2,
    });
    assert.equal(receiver.received.length, 2);
    assert.match(outcome.failures[0]!.message, /after 2 attempts: no answer within 0.2 s/);
  });

  it("reports a dead receiver and still posts to the live one", async () => {
    receiver = await startWebhookReceiver();
    const dead = await deadReceiverUrl();
    const both: NotifyPlan = {
      targets: [
        parseWebhookUrl(dead, "--notify-webhook #1"),
        parseWebhookUrl(receiver.url, "--notify-webhook #2"),
      ],
      format: "json",
    };
    const outcome = await sendNotifications(both, sampleRun(), { ...noWait, maxAttempts: 2 });
    assert.equal(outcome.sent.length, 1);
    assert.equal(receiver.received.length, 1);
    assert.match(outcome.failures[0]!.message, /--notify-webhook #1 .* after 2 attempts: ECONNREFUSED/);
  });
});

describe("parseWebhookUrl", () => {
  const cases: readonly { url: string; accepted: boolean; error?: RegExp }[] = [
    { url: "https://prod-07.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=x", accepted: true },
    { url: "https://hooks.slack.com/services/T0/B0/s3cr3tpath", accepted: true },
    { url: "http://127.0.0.1:8080/hook", accepted: true },
    { url: "http://localhost/hook", accepted: true },
    { url: "http://[::1]:9/hook", accepted: true },
    {
      url: "http://hooks.slack.com/services/T0/B0/s3cr3tpath",
      accepted: false,
      error: /must use https:\/\//,
    },
    { url: "http://10.0.0.5/hook", accepted: false, error: /loopback receivers only/ },
    { url: "ftp://files.example/s3cr3tpath", accepted: false, error: /must be an https:\/\/ URL/ },
    { url: "https://user:pw@hooks.example/s3cr3tpath", accepted: false, error: /user name or password/ },
    { url: "not a url s3cr3tpath", accepted: false, error: /is not a valid URL/ },
  ];
  for (const { url, accepted, error } of cases) {
    it(`${accepted ? "accepts" : "refuses"} ${url}`, () => {
      if (accepted) {
        assert.equal(parseWebhookUrl(url, "--notify-webhook #1").url.href, new URL(url).href);
        return;
      }
      assert.throws(
        () => parseWebhookUrl(url, "--notify-webhook #1"),
        (thrown: unknown) =>
          thrown instanceof ConfigError &&
          error!.test(thrown.message) &&
          !thrown.message.includes("s3cr3tpath") &&
          thrown.message.startsWith("--notify-webhook #1"),
      );
    });
  }
});

describe("planNotifications", () => {
  const config: Config = {
    ...defaultConfig,
    notify: { webhooks: ["https://config.example/hook"], format: "slack", reportUrl: reportUrl },
  };
  const hosts = (planned: NotifyPlan | undefined): string[] =>
    (planned?.targets ?? []).map((target) => target.url.host);

  it("is off without any webhook", () => {
    assert.equal(planNotifications({}, defaultConfig, {}), undefined);
  });

  it("takes the config's webhooks, format and link when no flag is given", () => {
    const planned = planNotifications({}, config, {});
    assert.deepEqual(hosts(planned), ["config.example"]);
    assert.equal(planned!.format, "slack");
    assert.equal(planned!.reportUrl, reportUrl);
  });

  it("lets flags win over the config and adds NOTIFY_WEBHOOK_URL's webhooks", () => {
    const planned = planNotifications(
      { notifyWebhook: ["https://flag.example/hook"], notifyFormat: "JSON" },
      config,
      {
        NOTIFY_WEBHOOK_URL:
          " https://env-one.example/a\nhttps://env-two.example/b https://flag.example/hook ",
      },
    );
    assert.deepEqual(hosts(planned), ["flag.example", "env-one.example", "env-two.example"]);
    assert.equal(planned?.format, "json");
  });

  it("defaults to the Teams card", () => {
    assert.equal(
      planNotifications({ notifyWebhook: ["https://a.example/h"] }, defaultConfig, {})?.format,
      "teams",
    );
  });

  const refused: readonly [string, Parameters<typeof planNotifications>[0], RegExp][] = [
    [
      "an unknown format",
      { notifyWebhook: ["https://a.example/h"], notifyFormat: "discord" },
      /--notify-format "discord": use one of teams, slack, json/,
    ],
    [
      "a report link that is no URL",
      { notifyWebhook: ["https://a.example/h"], reportUrl: "reports/x.html" },
      /--report-url "reports\/x.html" is not an http\(s\) URL/,
    ],
    ["a format without a webhook", { notifyFormat: "slack" }, /need a webhook/],
  ];
  for (const [name, flags, message] of refused) {
    it(`refuses ${name} before the scan`, () => {
      assert.throws(
        () => planNotifications(flags, defaultConfig, {}),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }
});
