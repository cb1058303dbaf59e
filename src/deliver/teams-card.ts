// `--notify-format teams`: the summary as an Adaptive Card 1.5 in the message shape Teams Workflows webhooks accept.
import type { NotificationSummary } from "./notify-summary.ts";
import { coverageLine, headline, kpiFacts, moreLine, resourceName } from "./notify-summary.ts";

export const adaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

type CardElement = Readonly<Record<string, unknown>>;

/**
 * The body a "When a Teams webhook request is received" workflow posts as a card: `type` "message" and one
 * attachment holding the card (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
 */
export interface TeamsMessage {
  readonly type: "message";
  readonly attachments: readonly [
    {
      readonly contentType: typeof adaptiveCardContentType;
      readonly contentUrl: null;
      readonly content: CardElement;
    },
  ];
}

/**
 * Scanned text goes only into `TextRun`s, which Adaptive Cards never read as markdown: a resource name such as
 * `[x](https://…)` stays text and cannot become a link. TextBlocks and facts carry only our own words and numbers.
 */
function textRuns(...runs: readonly (CardElement & { readonly text: string })[]): CardElement {
  return { type: "RichTextBlock", inlines: runs.map((run) => ({ type: "TextRun", ...run })) };
}

function findingsSection(summary: NotificationSummary): CardElement[] {
  if (summary.newFindings.length === 0) return [];
  const more = moreLine(summary);
  return [
    {
      type: "TextBlock",
      text: "New critical and high findings",
      weight: "Bolder",
      wrap: true,
      separator: true,
    },
    ...summary.newFindings.map((finding) =>
      textRuns(
        {
          text: finding.severity.toUpperCase(),
          weight: "Bolder",
          color: finding.severity === "critical" ? "Attention" : "Warning",
        },
        {
          text: ` ${finding.ruleId} · ${resourceName(finding.resourceId)}${finding.detail ? ` (${finding.detail})` : ""}`,
        },
        { text: ` ${finding.message}`, isSubtle: true },
      ),
    ),
    ...(more ? [{ type: "TextBlock", text: more, isSubtle: true, wrap: true }] : []),
  ];
}

export function teamsMessage(summary: NotificationSummary): TeamsMessage {
  const card: CardElement = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.5",
    // Teams draws cards narrow unless told; the findings read better full width.
    msteams: { width: "Full" },
    fallbackText: headline(summary),
    body: [
      {
        type: "TextBlock",
        text: "AKS API Server VNet Integration audit",
        style: "heading",
        weight: "Bolder",
        size: "Medium",
        wrap: true,
      },
      textRuns({ text: summary.scope.description }, { text: ` · run ${summary.runId}`, isSubtle: true }),
      {
        type: "TextBlock",
        text: coverageLine(summary),
        color: summary.complete ? "Good" : "Attention",
        weight: "Bolder",
        wrap: true,
      },
      { type: "FactSet", facts: kpiFacts(summary).map(([title, value]) => ({ title, value })) },
      ...findingsSection(summary),
    ],
    ...(summary.reportUrl
      ? { actions: [{ type: "Action.OpenUrl", title: "Open the report", url: summary.reportUrl }] }
      : {}),
  };
  return {
    type: "message",
    attachments: [{ contentType: adaptiveCardContentType, contentUrl: null, content: card }],
  };
}
