// `--notify-format slack`: the summary as a Slack incoming-webhook message in Block Kit.
import type { NotificationSummary } from "./notify-summary.ts";
import { coverageLine, headline, kpiFacts, moreLine, resourceName } from "./notify-summary.ts";

type Block = Readonly<Record<string, unknown>>;

export interface SlackMessage {
  /** Shown in notifications and by clients that cannot draw blocks. */
  readonly text: string;
  readonly blocks: readonly Block[];
}

/** Slack's documented escaping for text it reads as mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Scanned text goes into `plain_text` objects only, which Slack never formats or links. */
const plain = (text: string): Block => ({ type: "plain_text", text, emoji: false });

function findingBlocks(summary: NotificationSummary): Block[] {
  if (summary.newFindings.length === 0) return [];
  const more = moreLine(summary);
  return [
    { type: "divider" },
    { type: "section", text: { type: "mrkdwn", text: "*New critical and high findings*" } },
    ...summary.newFindings.map((finding) => ({
      type: "section",
      text: plain(
        `${finding.severity.toUpperCase()} ${finding.ruleId} · ${resourceName(finding.resourceId)}` +
          `${finding.detail ? ` (${finding.detail})` : ""}: ${finding.message}`,
      ),
    })),
    ...(more ? [{ type: "context", elements: [plain(more)] }] : []),
  ];
}

export function slackMessage(summary: NotificationSummary): SlackMessage {
  return {
    text: slackEscape(headline(summary)),
    blocks: [
      { type: "header", text: plain("AKS API Server VNet Integration audit") },
      { type: "section", text: plain(`${summary.scope.description} · run ${summary.runId}`) },
      { type: "section", text: plain(coverageLine(summary)) },
      { type: "section", fields: kpiFacts(summary).map(([label, value]) => plain(`${label}: ${value}`)) },
      ...findingBlocks(summary),
      ...(summary.reportUrl
        ? [
            {
              type: "actions",
              elements: [{ type: "button", text: plain("Open the report"), url: summary.reportUrl }],
            },
          ]
        : []),
    ],
  };
}
