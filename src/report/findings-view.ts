// Results as the report lists them: flattened for display, sorted worst first, grouped by rule.
import type { DiffState, Result, ResultStatus, Severity } from "../findings/result.ts";
import { isActionable, severityRank } from "../findings/result.ts";
import type { RuleMeta } from "../rules/define.ts";
import type { EvidenceView } from "./evidence-view.ts";
import { armName, evidenceView } from "./evidence-view.ts";
import { worseSeverity } from "./posture.ts";
import type { NameLookup } from "./name-lookup.ts";

export interface SuppressionView {
  readonly reason: string;
  readonly owner: string;
  /** Empty when the suppression does not expire. */
  readonly expires: string;
}

export interface ResultView {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly status: ResultStatus;
  readonly severity: Severity;
  readonly resourceId: string;
  /** Last segment of the ARM id, for tables too narrow for the whole id. */
  readonly resourceName: string;
  readonly resourceType: string;
  readonly detail: string;
  readonly message: string;
  readonly remediation: string;
  readonly evidence: EvidenceView;
  readonly fingerprint: string;
  readonly tenantId: string;
  /** Empty when unknown. */
  readonly tenantName: string;
  readonly subscriptionId: string;
  /** Empty when unknown. */
  readonly subscriptionName: string;
  readonly diff: DiffState | "";
  readonly isNew: boolean;
  readonly suppression: SuppressionView;
}

export interface RuleGroupView {
  readonly ruleId: string;
  readonly title: string;
  readonly worstSeverity: Severity;
  readonly rationale: string;
  readonly remediation: string;
  /** An https link, or empty. */
  readonly docs: string;
  /** Every result of the rule, also those not listed. */
  readonly count: number;
  /** The first `--html-max-rows`, worst first. */
  readonly results: readonly ResultView[];
  /** `1200 more in findings.xlsx`, or empty. */
  readonly moreLabel: string;
}

// The plan has a section of its own (conversion waves); as evidence it would repeat it.
const evidenceShownElsewhere = new Set(["conversionPlan"]);

/**
 * The view of one result. Its evidence is built on first read and kept: report.html shows it for the first
 * `--html-max-rows` results of each rule only, the CSV files never, so a fleet's 18,000 listed results would
 * otherwise build it 18,000 times for a few hundred rows (the workbook reads every one, and gets the same view).
 */
export function resultView(result: Result, rule: RuleMeta | undefined, names: NameLookup): ResultView {
  let evidence: EvidenceView | undefined;
  return {
    ruleId: result.ruleId,
    ruleTitle: rule?.title ?? result.ruleId,
    status: result.status,
    severity: result.severity,
    resourceId: result.resourceId,
    resourceName: armName(result.resourceId),
    resourceType: result.resourceType,
    detail: result.detail,
    message: result.message,
    remediation: result.remediation,
    get evidence() {
      return (evidence ??= evidenceView(result.evidence, evidenceShownElsewhere));
    },
    fingerprint: result.fingerprint,
    tenantId: result.tenantId,
    tenantName: names.tenant(result.tenantId),
    subscriptionId: result.subscriptionId,
    subscriptionName: names.subscription(result.subscriptionId),
    diff: result.diff ?? "",
    isNew: result.diff === "new",
    suppression: {
      reason: result.suppression?.reason ?? "",
      owner: result.suppression?.owner ?? "",
      expires: result.suppression?.expires ?? "",
    },
  };
}

/** Actionable first, then suppressed, then the rest; within each, worst severity first. */
function statusRank(status: ResultStatus): number {
  if (isActionable(status)) return 0;
  return status === "suppressed" ? 1 : 2;
}

export function compareResults(a: ResultView, b: ResultView): number {
  return (
    statusRank(a.status) - statusRank(b.status) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.resourceId, b.resourceId) ||
    compareText(a.detail, b.detail) ||
    compareText(a.ruleId, b.ruleId)
  );
}

export function compareText(a: string, b: string): number {
  const lower = a.toLowerCase().localeCompare(b.toLowerCase());
  return lower || a.localeCompare(b);
}

export function groupByRule(
  results: readonly ResultView[],
  rulesById: ReadonlyMap<string, RuleMeta>,
  shown: number,
  moreFile: string,
): RuleGroupView[] {
  const byRule = Map.groupBy(results, (result) => result.ruleId);
  return [...byRule]
    .map(([ruleId, ruleResults]) => {
      const rule = rulesById.get(ruleId);
      return {
        ruleId,
        title: rule?.title ?? ruleId,
        worstSeverity: ruleResults.map((result) => result.severity).reduce(worseSeverity, "none") as Severity,
        rationale: rule?.rationale ?? "",
        remediation: rule?.remediation ?? ruleResults[0]?.remediation ?? "",
        // Only an https link reaches an href, so a hostile rule pack cannot smuggle in `javascript:`.
        docs: rule?.docs.startsWith("https://") ? rule.docs : "",
        count: ruleResults.length,
        results: ruleResults.slice(0, shown),
        moreLabel: moreLabel(ruleResults.length - shown, moreFile),
      };
    })
    .sort(
      (a, b) =>
        severityRank(b.worstSeverity) - severityRank(a.worstSeverity) ||
        b.count - a.count ||
        a.ruleId.localeCompare(b.ruleId),
    );
}

/** `N more in FILE` when a listing was cut, else empty; the count is exact. */
export function moreLabel(more: number, file: string): string {
  return more > 0 ? `${String(more)} more in ${file}` : "";
}
