// The one format-neutral report view: every renderer only serialises what this builds (as azqr's report data).
import type { CoverageScope } from "../collect/source.ts";
import type { ClusterPosture, RunRecord, TrendPoint } from "../findings/run.ts";
import { trendPoint } from "../findings/trend-point.ts";
import type { Result, Severity } from "../findings/result.ts";
import type { ExcludedScope } from "../findings/run.ts";
import { isActionable, severities, severityRank } from "../findings/result.ts";
import type { Diagnostic, DiagnosticLevel } from "../inventory/model.ts";
import { diagnosticCount } from "../inventory/diagnostics.ts";
import { diagnosticLevels } from "../inventory/model.ts";
import type { RuleMeta } from "../rules/define.ts";
import { withVisibleControlCharacters } from "./control-characters.ts";
import { maskRun } from "./mask.ts";
import type { ReportPosture } from "./posture.ts";
import { buildPosture, percentLabel, percentOf } from "./posture.ts";
import type { ResultView, RuleGroupView } from "./findings-view.ts";
import type { NameLookup } from "./name-lookup.ts";
import type { PlanView } from "./plans-view.ts";
import { buildPlanViews } from "./plans-view.ts";
import { compareResults, compareText, groupByRule, moreLabel, resultView } from "./findings-view.ts";
import { defaultHtmlMaxRows, diagnosticsShown } from "./limits.ts";
import type { ReadinessView, WaveView } from "./readiness-view.ts";
import { buildReadiness, buildWaves } from "./readiness-view.ts";
import type { TrendView } from "./trend-view.ts";
import { buildTrend } from "./trend-view.ts";

export type { PostureRow, PostureTable, ReportPosture } from "./posture.ts";
export type { ResultView, RuleGroupView, SuppressionView } from "./findings-view.ts";
export type { NameLookup } from "./name-lookup.ts";
export type { PlanView } from "./plans-view.ts";
export type { ReadinessView, WaveView } from "./readiness-view.ts";
export type { TrendView } from "./trend-view.ts";
export { defaultHtmlMaxRows, diagnosticsShown, evidenceValueMaxLength } from "./limits.ts";

export interface ReportViewOptions {
  readonly rules: readonly RuleMeta[];
  /** Also list `pass` and `not_applicable` results. */
  readonly showAll?: boolean;
  /** Mask subscription ids everywhere and tenant and subscription names with them (see `maskRun`). */
  readonly mask?: boolean;
  /** `--html-max-rows`: results per rule, clusters per wave, rows per list in report.html and the email. */
  readonly htmlMaxRows?: number;
  /** The file a "N more in …" line points to: findings.xlsx when the workbook is written. */
  readonly listedIn?: ListedIn;
  /** Earlier runs of the same scope, oldest first; the run itself is added as the last point. */
  readonly trend?: readonly TrendPoint[];
}

/** Where the rows a report leaves out can be read. */
export interface ListedIn {
  readonly findings: string;
  readonly plans: string;
}

const csvListing: ListedIn = { findings: "findings.csv", plans: "plans.csv" };

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

export interface DiagnosticView {
  readonly level: DiagnosticLevel;
  readonly code: string;
  readonly message: string;
  /** Where it came from: origin, row and field, or resource id, joined; may be empty. */
  readonly location: string;
}

export interface DiagnosticsView {
  readonly counts: readonly { readonly level: DiagnosticLevel; readonly count: number }[];
  readonly total: number;
  readonly items: readonly DiagnosticView[];
  readonly more: number;
  /** `12 more diagnostics in findings.json`, or empty. */
  readonly moreLabel: string;
}

export interface ReportView {
  readonly header: ReportHeader;
  readonly kpis: ReportKpis;
  readonly trend: TrendView;
  readonly readiness: ReadinessView;
  readonly posture: ReportPosture;
  /** Every listed result in one flat list (actionable and suppressed; all with showAll), worst first. */
  readonly results: readonly ResultView[];
  /** The listed results except suppressed ones, grouped by rule, worst rule first. */
  readonly findings: readonly RuleGroupView[];
  readonly suppressed: readonly ResultView[];
  /** The first `--html-max-rows` of `suppressed`, and how many more there are. */
  readonly listedSuppressed: readonly ResultView[];
  readonly suppressedMoreLabel: string;
  readonly resolved: readonly ResultView[];
  readonly listedResolved: readonly ResultView[];
  readonly resolvedMoreLabel: string;
  readonly diagnostics: DiagnosticsView;
  /** Every cluster, worst first (clusters.csv). */
  readonly clusters: readonly ClusterPosture[];
  /** One conversion plan per non-integrated cluster (DESIGN §5), by cluster name. */
  readonly plans: readonly PlanView[];
  /** Clusters grouped by readiness, easiest first, each wave cut at `--html-max-rows`. */
  readonly waves: readonly WaveView[];
}

/** A name lookup over the run's display names (lower-cased ids); empty text for an unknown id. */
export function nameLookup(run: RunRecord): NameLookup {
  const tenants = run.names?.tenants ?? {};
  const subscriptions = run.names?.subscriptions ?? {};
  return {
    tenant: (tenantId) => tenants[tenantId.toLowerCase()] ?? "",
    subscription: (subscriptionId) => subscriptions[subscriptionId.toLowerCase()] ?? "",
  };
}

export function buildReportView(run: RunRecord, options: ReportViewOptions): ReportView {
  // Every renderer serialises this view, so control characters are made visible once, here.
  const shownRun = withVisibleControlCharacters(options.mask ? maskRun(run) : run);
  const showAll = options.showAll ?? false;
  const shown = options.htmlMaxRows ?? defaultHtmlMaxRows;
  const listedIn = options.listedIn ?? csvListing;
  const rulesById = new Map(withVisibleControlCharacters(options.rules).map((rule) => [rule.id, rule]));
  const names = nameLookup(shownRun);
  const toView = (result: Result): ResultView => resultView(result, rulesById.get(result.ruleId), names);
  const listed = shownRun.results
    .filter((result) => showAll || isActionable(result.status) || result.status === "suppressed")
    .map(toView)
    .sort(compareResults);
  const clusters = shownRun.clusters
    .map((cluster) => withCurrentFields(cluster, names))
    .sort(compareClusters);
  const plans = buildPlanViews(shownRun.results);
  const suppressed = listed.filter((result) => result.status === "suppressed");
  const resolved = shownRun.resolved.map(toView).sort(compareResults);
  return {
    header: buildHeader(shownRun, options.mask ?? false, showAll),
    kpis: buildKpis(shownRun),
    trend: buildTrend([
      ...(options.trend ?? []).filter((point) => point.runId !== run.run.id),
      trendPoint(run),
    ]),
    readiness: buildReadiness(clusters),
    posture: buildPosture(clusters, shownRun.results, names),
    results: listed,
    findings: groupByRule(
      listed.filter((result) => result.status !== "suppressed"),
      rulesById,
      shown,
      listedIn.findings,
    ),
    suppressed,
    listedSuppressed: suppressed.slice(0, shown),
    suppressedMoreLabel: moreLabel(suppressed.length - shown, listedIn.findings),
    resolved,
    listedResolved: resolved.slice(0, shown),
    resolvedMoreLabel: moreLabel(resolved.length - shown, "findings.json"),
    diagnostics: buildDiagnostics(shownRun.diagnostics),
    clusters,
    plans,
    waves: buildWaves(clusters, plans, shown, listedIn.plans),
  };
}

/**
 * Clusters stored by earlier versions have `sku` ("Standard" meant "not Automatic") and no names or readiness;
 * they read as the current shape so merged and re-rendered runs render.
 */
function withCurrentFields(cluster: ClusterPosture, names: NameLookup): ClusterPosture {
  const legacy = cluster as Partial<ClusterPosture> & { readonly sku?: string };
  return {
    ...cluster,
    tenantName: legacy.tenantName || names.tenant(cluster.tenantId),
    subscriptionName: legacy.subscriptionName || names.subscription(cluster.subscriptionId),
    mode: legacy.mode ?? (legacy.sku === "Automatic" ? "Automatic" : "Base"),
    tier: legacy.tier ?? "",
    readiness: legacy.readiness ?? (cluster.enableVnetIntegration ? "integrated" : "not-assessed"),
  };
}

function buildHeader(run: RunRecord, masked: boolean, showAll: boolean): ReportHeader {
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

function buildKpis(run: RunRecord): ReportKpis {
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

function buildDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticsView {
  const ordered = [...diagnostics].sort(
    (a, b) => diagnosticLevels.indexOf(a.level) - diagnosticLevels.indexOf(b.level),
  );
  const more = Math.max(0, ordered.length - diagnosticsShown);
  return {
    counts: diagnosticLevels.map((level) => ({
      level,
      count: diagnosticCount(diagnostics.filter((diagnostic) => diagnostic.level === level)),
    })),
    total: diagnosticCount(diagnostics),
    items: ordered.slice(0, diagnosticsShown).map((diagnostic) => ({
      level: diagnostic.level,
      code: diagnostic.code,
      // An aggregate shows its first example and how many share its code, file and field pattern.
      message:
        diagnostic.count === undefined
          ? diagnostic.message
          : `${diagnostic.message} (${diagnostic.count} like this at ${diagnostic.fieldPattern ?? "this row"}; the first ${diagnostic.examples?.length ?? 1} in findings.json)`,
      location: diagnosticLocation(diagnostic),
    })),
    more,
    moreLabel: more > 0 ? `${more} more diagnostics in findings.json` : "",
  };
}

function diagnosticLocation(diagnostic: Diagnostic): string {
  const row = diagnostic.row === undefined ? "" : `row ${diagnostic.row}`;
  const field = diagnostic.field ? `field ${diagnostic.field}` : "";
  return [diagnostic.origin ?? "", row, field, diagnostic.resourceId ?? ""].filter(Boolean).join(", ");
}

function compareClusters(a: ClusterPosture, b: ClusterPosture): number {
  const rank = (cluster: ClusterPosture): number =>
    cluster.worstSeverity === "none" ? 0 : severityRank(cluster.worstSeverity);
  return rank(b) - rank(a) || compareText(a.name, b.name) || compareText(a.id, b.id);
}
