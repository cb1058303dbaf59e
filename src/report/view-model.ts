// The one format-neutral report view: every renderer only serialises what this builds (as azqr's report data).
import type { ClusterPosture, RunRecord, TrendPoint } from "../findings/run.ts";
import { trendPoint } from "../findings/trend-point.ts";
import type { Result } from "../findings/result.ts";
import { isActionable, severityRank } from "../findings/result.ts";
import type { RuleMeta } from "../rules/define.ts";
import { withVisibleControlCharacters } from "./control-characters.ts";
import { buildDiagnostics, type DiagnosticsView } from "./diagnostics-view.ts";
import { buildHeader, buildKpis, type ReportHeader, type ReportKpis } from "./header-view.ts";
import { maskRun } from "./mask.ts";
import type { ReportPosture } from "./posture.ts";
import { buildPosture } from "./posture.ts";
import type { ResultView, RuleGroupView } from "./findings-view.ts";
import type { NameLookup } from "./name-lookup.ts";
import type { PlanView } from "./plans-view.ts";
import { buildPlanViews, isPlanSource } from "./plans-view.ts";
import { compareResults, compareText, groupByRule, moreLabel, resultView } from "./findings-view.ts";
import { defaultHtmlMaxRows } from "./limits.ts";
import type { ReadinessView, WaveView } from "./readiness-view.ts";
import { buildReadiness, buildWaves } from "./readiness-view.ts";
import type { TrendView } from "./trend-view.ts";
import { buildTrend } from "./trend-view.ts";

export type { DiagnosticView, DiagnosticsView } from "./diagnostics-view.ts";
export type { GapView, ReportHeader, ReportKpis, SeverityCount } from "./header-view.ts";
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

/** Listed in the report: actionable and suppressed results, or every result with showAll. */
function isListed(result: Result, showAll: boolean): boolean {
  return showAll || isActionable(result.status) || result.status === "suppressed";
}

/**
 * The run with control characters made visible in every string the view reads: all of it except the results
 * that are neither listed nor a conversion plan's (posture counts actionable results only, which are listed).
 * At 10,000 clusters those are 80,000 passing and not-applicable results, half the run's two million strings.
 * They are told apart by the raw status and rule id: both are compared with fixed names free of control
 * characters, and a string that held one never equals such a name once shown either (it then holds `\u`).
 */
function visibleRun(run: RunRecord, showAll: boolean): RunRecord {
  const { results, ...rest } = run;
  const read = results.filter((result) => isListed(result, showAll) || isPlanSource(result));
  return { ...withVisibleControlCharacters(rest), results: withVisibleControlCharacters(read) };
}

export function buildReportView(run: RunRecord, options: ReportViewOptions): ReportView {
  const showAll = options.showAll ?? false;
  // Every renderer serialises this view, so control characters are made visible once, here.
  const shownRun = visibleRun(options.mask ? maskRun(run) : run, showAll);
  const shown = options.htmlMaxRows ?? defaultHtmlMaxRows;
  const listedIn = options.listedIn ?? csvListing;
  const rulesById = new Map(withVisibleControlCharacters(options.rules).map((rule) => [rule.id, rule]));
  const names = nameLookup(shownRun);
  const toView = (result: Result): ResultView => resultView(result, rulesById.get(result.ruleId), names);
  const listed = shownRun.results
    .filter((result) => isListed(result, showAll))
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

function compareClusters(a: ClusterPosture, b: ClusterPosture): number {
  const rank = (cluster: ClusterPosture): number =>
    cluster.worstSeverity === "none" ? 0 : severityRank(cluster.worstSeverity);
  return rank(b) - rank(a) || compareText(a.name, b.name) || compareText(a.id, b.id);
}
