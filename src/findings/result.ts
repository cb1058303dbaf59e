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

/** Reading order everywhere results are listed: worst status, then worst severity, then rule, resource, detail. */
export function compareResults(a: Result, b: Result): number {
  return (
    statusReadingOrder.indexOf(a.status) - statusReadingOrder.indexOf(b.status) ||
    severities.indexOf(a.severity) - severities.indexOf(b.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resourceId.toLowerCase().localeCompare(b.resourceId.toLowerCase()) ||
    a.detail.localeCompare(b.detail)
  );
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
