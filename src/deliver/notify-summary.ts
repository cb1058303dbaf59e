// The summary a notification carries: scope, coverage, KPIs and the new critical and high findings of one run.
import type { Severity } from "../findings/result.ts";
import { isActionable, severities, compareResults } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";
import { showControlCharacters } from "../report/control-characters.ts";
import { percentLabel, percentOf } from "../report/posture.ts";
import { tenantScope } from "./headers.ts";

/** A chat message is read at a glance; the rest is in the report. */
export const newFindingsShown = 10;

/** Messages longer than this are cut: Teams refuses messages over 28 KB, Slack section text over 3,000 characters. */
const messageMaxLength = 300;

export interface NotifiedFinding {
  readonly severity: Severity;
  readonly ruleId: string;
  readonly resourceId: string;
  readonly detail: string;
  readonly message: string;
}

/** `--notify-format json` posts this object as it is; `teams` and `slack` render it. */
export interface NotificationSummary {
  readonly kind: "aks-vnet-audit-summary";
  readonly schemaVersion: 1;
  readonly tool: { readonly name: string; readonly version: string };
  readonly runId: string;
  readonly finishedAt: string;
  readonly source: string;
  readonly scope: {
    /** `demo fleet`, `snapshot`, one tenant id, or `N tenants`. */
    readonly description: string;
    readonly tenants: readonly string[];
  };
  readonly complete: boolean;
  /** Coverage gaps: tenants, batches or queries that were not read. */
  readonly gaps: number;
  readonly kpis: {
    readonly clusters: number;
    readonly integratedClusters: number;
    readonly percentIntegrated: number;
    readonly percentIntegratedLabel: string;
    /** Failing (fail + unverified + error) results per severity. */
    readonly bySeverity: Readonly<Record<Severity, number>>;
    readonly new: number;
    readonly resolved: number;
    readonly suppressed: number;
    /** False on the first run of a scope: nothing to compare with, so every finding is new. */
    readonly hasPrevious: boolean;
  };
  /** New critical and high findings, worst first, at most `newFindingsShown`. */
  readonly newFindings: readonly NotifiedFinding[];
  /** New critical and high findings not listed ("N more"). */
  readonly moreNewFindings: number;
  readonly reportUrl?: string;
}

/** Scanned text made safe to post: white space runs one space, control characters shown as `\u001b`, long text cut. */
export function plainText(text: string, maxLength = messageMaxLength): string {
  const clean = showControlCharacters(text.replace(/\s+/g, " ").trim());
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

const notified = new Set<Severity>(["critical", "high"]);

export function buildNotificationSummary(run: RunRecord, reportUrl?: string): NotificationSummary {
  const { summary } = run;
  const newFindings = run.results
    .filter((result) => result.diff === "new" && isActionable(result.status) && notified.has(result.severity))
    .sort(compareResults);
  const tenants = new Set(
    run.coverage.scopes.flatMap((scope) => (scope.tenantId ? [scope.tenantId.toLowerCase()] : [])),
  );
  return {
    kind: "aks-vnet-audit-summary",
    schemaVersion: 1,
    tool: run.tool,
    runId: run.run.id,
    finishedAt: run.run.finishedAt,
    source: run.run.source,
    scope: {
      description: plainText(tenantScope(run)),
      tenants: [...(tenants.size > 0 ? tenants : run.run.scope)].map((id) => plainText(id)),
    },
    complete: run.coverage.complete,
    gaps: run.coverage.gaps.length,
    kpis: {
      clusters: summary.clusters,
      integratedClusters: summary.integratedClusters,
      percentIntegrated: percentOf(summary.integratedClusters, summary.clusters),
      percentIntegratedLabel: percentLabel(summary.integratedClusters, summary.clusters),
      bySeverity: Object.fromEntries(
        severities.map((severity) => [severity, summary.bySeverity[severity]]),
      ) as Record<Severity, number>,
      new: summary.new,
      resolved: summary.resolved,
      suppressed: summary.suppressed,
      hasPrevious: run.run.previousRunId !== undefined,
    },
    newFindings: newFindings.slice(0, newFindingsShown).map((result) => ({
      severity: result.severity,
      ruleId: result.ruleId,
      resourceId: plainText(result.resourceId, 1000),
      detail: plainText(result.detail),
      message: plainText(result.message),
    })),
    moreNewFindings: Math.max(0, newFindings.length - newFindingsShown),
    ...(reportUrl === undefined ? {} : { reportUrl }),
  };
}

/** `Coverage: complete` or the incomplete line, in the words of every other report. */
export function coverageLine(summary: NotificationSummary): string {
  return summary.complete
    ? "Coverage: complete"
    : `Coverage: INCOMPLETE - ${summary.gaps} scope(s) or queries were not read`;
}

/** `3 more new critical or high findings in the report`, or empty. */
export function moreLine(summary: NotificationSummary): string {
  return summary.moreNewFindings > 0
    ? `${summary.moreNewFindings} more new critical or high findings in the report`
    : "";
}

/** The last segment of an ARM id: the name a reader recognises. */
export function resourceName(resourceId: string): string {
  return resourceId.split("/").filter(Boolean).at(-1) ?? resourceId;
}

/** The KPI lines both chat formats show, as (label, value) pairs of our own words and numbers only. */
export function kpiFacts(summary: NotificationSummary): readonly (readonly [string, string])[] {
  const { kpis } = summary;
  return [
    ["Clusters", String(kpis.clusters)],
    ["Integrated", `${kpis.percentIntegratedLabel} (${kpis.integratedClusters} of ${kpis.clusters})`],
    ...severities
      .filter((severity) => severity !== "info")
      .map((severity): [string, string] => [capitalized(severity), String(kpis.bySeverity[severity])]),
    [
      "New / resolved",
      kpis.hasPrevious ? `${kpis.new} / ${kpis.resolved}` : "first run of this scope: nothing to compare",
    ],
  ];
}

/** The line that names the run: scope and how it ended, for a chat client's notification preview. */
export function headline(summary: NotificationSummary): string {
  const { critical, high } = summary.kpis.bySeverity;
  const incomplete = summary.complete ? "" : " (INCOMPLETE)";
  return `AKS VNet Integration audit, ${summary.scope.description}: ${critical} critical, ${high} high${incomplete}`;
}

export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
