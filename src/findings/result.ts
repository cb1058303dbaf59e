// Result vocabulary shared by rules, the engine and every renderer (DESIGN §4).

export const severities = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof severities)[number];

/** Higher is worse; used for sorting and `--fail-on`. */
export function severityRank(severity: Severity): number {
  return severities.length - severities.indexOf(severity);
}

export const resultStatuses = [
  "fail",
  "unverified",
  "pass",
  "not_applicable",
  "error",
  "suppressed",
] as const;
export type ResultStatus = (typeof resultStatuses)[number];

/** Statuses a reader has to act on; HTML and CSV show these by default. */
export function isActionable(status: ResultStatus): boolean {
  return status === "fail" || status === "unverified" || status === "error";
}

export type Evidence = Readonly<Record<string, unknown>>;

/** The resource a result is about, as a rule names it. */
export interface ResultSubject {
  readonly id: string;
  readonly type: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
}

/** What a rule's `evaluate` yields. The engine adds rule metadata, fingerprint and remediation. */
export interface RuleOutcome {
  readonly status: Exclude<ResultStatus, "error" | "suppressed">;
  /** Defaults to the rule's own severity. */
  readonly severity?: Severity;
  readonly subject: ResultSubject;
  /** Disambiguates several results on one resource (a pool name, an IP, a firewall rule name). */
  readonly detail?: string;
  /** One sentence that names the resource. */
  readonly message: string;
  readonly evidence?: Evidence;
}

const statusReadingOrder: readonly ResultStatus[] = [
  "error",
  "fail",
  "unverified",
  "suppressed",
  "pass",
  "not_applicable",
];

/** Equal strings are equal in any locale; the test spares `localeCompare` for the many shared rule ids. */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b);
}

/** Reading order everywhere results are listed: worst status, then worst severity, then rule, resource, detail. */
export function compareResults(a: Result, b: Result): number {
  return (
    statusReadingOrder.indexOf(a.status) - statusReadingOrder.indexOf(b.status) ||
    severities.indexOf(a.severity) - severities.indexOf(b.severity) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.resourceId.toLowerCase(), b.resourceId.toLowerCase()) ||
    compareText(a.detail, b.detail)
  );
}

interface SortEntry {
  readonly result: Result;
  readonly status: number;
  readonly severity: number;
  readonly resourceKey: string;
}

function compareEntries(a: SortEntry, b: SortEntry): number {
  return (
    a.status - b.status ||
    a.severity - b.severity ||
    compareText(a.result.ruleId, b.result.ruleId) ||
    compareText(a.resourceKey, b.resourceKey) ||
    compareText(a.result.detail, b.result.detail)
  );
}

/**
 * Sorts `results` in place into `compareResults` order and returns it. A sort of n results compares about
 * n log n pairs; the ranks and lower-cased ids are worked out once per result instead of once per comparison.
 */
export function sortResults<T extends Result>(results: T[]): T[] {
  const entries = results.map((result) => ({
    result,
    status: statusReadingOrder.indexOf(result.status),
    severity: severities.indexOf(result.severity),
    resourceKey: result.resourceId.toLowerCase(),
  }));
  entries.sort(compareEntries);
  entries.forEach((entry, index) => {
    results[index] = entry.result;
  });
  return results;
}

export const diffStates = ["new", "persisting", "resolved"] as const;
export type DiffState = (typeof diffStates)[number];

/** One entry of `findings.json` `results` (the published contract). */
export interface Result {
  readonly ruleId: string;
  readonly status: ResultStatus;
  readonly severity: Severity;
  readonly resourceId: string;
  readonly resourceType: string;
  readonly detail: string;
  readonly message: string;
  readonly evidence: Evidence;
  readonly remediation: string;
  readonly fingerprint: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly diff?: DiffState;
  readonly suppression?: {
    readonly reason: string;
    readonly owner: string;
    readonly expires: string | undefined;
  };
}
