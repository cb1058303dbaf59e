// The top of every report: which run, over what scope, complete or not, and its headline figures.
import type { CoverageScope } from "../collect/source.ts";
import { severities, type Severity } from "../findings/result.ts";
import type { ExcludedScope, RunRecord } from "../findings/run.ts";
import { percentLabel, percentOf } from "./posture.ts";

export interface GapView {
  readonly tenantId: string;
  readonly scope: string;
  readonly query: string;
  readonly code: string;
  readonly message: string;
}

export interface ReportHeader {
  readonly title: string;
  readonly generatedAt: string;
  readonly startedAt: string;
  readonly runId: string;
  /** Empty when there was no earlier run to diff against. */
  readonly previousRunId: string;
  readonly source: string;
  readonly inputs: readonly string[];
  readonly scopes: readonly string[];
  readonly toolName: string;
  readonly toolVersion: string;
  readonly complete: boolean;
  readonly gaps: readonly GapView[];
  readonly masked: boolean;
  readonly showAll: boolean;
}

export interface SeverityCount {
  readonly severity: Severity;
  readonly count: number;
}

export interface ReportKpis {
  readonly clusters: number;
  readonly integrated: number;
  readonly notIntegrated: number;
  readonly percentIntegrated: number;
  readonly percentIntegratedLabel: string;
  /** fail + unverified + error, suppressed excluded. */
  readonly failing: number;
  readonly bySeverity: readonly SeverityCount[];
  readonly suppressed: number;
  readonly new: number;
  readonly resolved: number;
  readonly hasPrevious: boolean;
}

export function buildHeader(run: RunRecord, masked: boolean, showAll: boolean): ReportHeader {
  return {
    title: "AKS API Server VNet Integration audit",
    generatedAt: run.run.finishedAt,
    startedAt: run.run.startedAt,
    runId: run.run.id,
    previousRunId: run.run.previousRunId ?? "",
    source: run.run.source,
    inputs: run.run.inputs,
    scopes: [
      ...run.coverage.scopes.map(describeScope),
      ...(run.run.excludedScopes ?? []).map(describeExcluded),
    ],
    toolName: run.tool.name,
    toolVersion: run.tool.version,
    complete: run.coverage.complete,
    gaps: run.coverage.gaps.map((gap) => ({
      tenantId: gap.tenantId ?? "",
      scope: gap.scope?.join(", ") ?? "",
      query: gap.query ?? "",
      code: gap.code,
      message: gap.message,
    })),
    masked,
    showAll,
  };
}

/** Excluded scopes sit in the scope list itself, so every report that shows the scope shows them. */
export function describeExcluded(scope: ExcludedScope): string {
  if (scope.kind === "subscription") return `excluded: subscription ${scope.id}`;
  const beneath = scope.subscriptions.length;
  return `excluded: management group ${scope.id} (${beneath} subscription${beneath === 1 ? "" : "s"} beneath${beneath ? `: ${scope.subscriptions.join(", ")}` : ""})`;
}

/** Lighthouse: `s1, s2 delegated from tenant T`, one clause per delegating tenant. */
function delegatedText(scope: CoverageScope): string {
  const byTenant = new Map<string, string[]>();
  for (const { subscriptionId, tenantId } of scope.delegatedSubscriptions ?? [])
    byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), subscriptionId]);
  return [...byTenant]
    .map(([tenantId, ids]) => `${ids.join(", ")} delegated from tenant ${tenantId}`)
    .join("; ");
}

function describeScope(scope: CoverageScope): string {
  const parts = [
    scope.tenantId ? `tenant ${scope.tenantId}` : "",
    scope.subscriptions?.length ? `subscriptions ${scope.subscriptions.join(", ")}` : "",
    scope.managementGroups?.length ? `management groups ${scope.managementGroups.join(", ")}` : "",
    delegatedText(scope),
    scope.file ? `file ${scope.file}` : "",
  ];
  return parts.filter(Boolean).join(": ") || "everything the principal can see";
}

export function buildKpis(run: RunRecord): ReportKpis {
  const { summary } = run;
  const bySeverity = severities.map((severity) => ({ severity, count: summary.bySeverity[severity] }));
  return {
    clusters: summary.clusters,
    integrated: summary.integratedClusters,
    notIntegrated: summary.clusters - summary.integratedClusters,
    percentIntegrated: percentOf(summary.integratedClusters, summary.clusters),
    percentIntegratedLabel: percentLabel(summary.integratedClusters, summary.clusters),
    failing: bySeverity.reduce((total, entry) => total + entry.count, 0),
    bySeverity,
    suppressed: summary.suppressed,
    new: summary.new,
    resolved: summary.resolved,
    hasPrevious: run.run.previousRunId !== undefined,
  };
}
