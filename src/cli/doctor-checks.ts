// What `doctor` concludes from one read of the estate: per tenant and for the whole estate, ok / warn / fail.
import type { QuotaHeaders } from "../collect/progress.ts";
import type { GroupSource } from "../collect/rule-collection-groups.ts";
import { ruleCollectionGroupsQuery } from "../collect/rule-collection-groups.ts";
import type { CollectedRows, Coverage, CoverageGap, CoverageScope } from "../collect/source.ts";
import { scanningTenant } from "../collect/source.ts";
import type { Result } from "../findings/result.ts";

export const checkStatuses = ["ok", "warn", "fail"] as const;
export type CheckStatus = (typeof checkStatuses)[number];

export interface DoctorCheck {
  /** The tenant it is about; none for what holds across the estate (groups, role assignments, rules). */
  readonly tenantId?: string;
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** A token for ARM's scope, or why none came. */
export type SignIn = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Quota headers one tenant's Resource Graph answers carried. */
export interface QuotaSeen {
  readonly answers: number;
  /** The lowest `x-ms-user-quota-remaining` seen, and the `x-ms-user-quota-resets-after` sent with it. */
  readonly lowest: QuotaHeaders;
}

export interface DoctorInput {
  /** Tenant ids in the order given. */
  readonly tenants: readonly string[];
  readonly signIns: ReadonlyMap<string, SignIn>;
  readonly collected: CollectedRows;
  /** The run's coverage: the collection's, plus a gap for rows the normalizer had to drop. */
  readonly coverage: Coverage;
  /** Inventory query names, in the order they run. */
  readonly queries: readonly string[];
  readonly ruleCollectionGroupSources: ReadonlyMap<string, GroupSource>;
  readonly quota: ReadonlyMap<string, QuotaSeen>;
  /** The results a scan of this read would give. */
  readonly results: readonly Result[];
}

/** Records quota headers per tenant (lower-cased), keeping the lowest remaining count. */
export function recordQuota(seen: Map<string, QuotaSeen>, tenantId: string, quota: QuotaHeaders): void {
  const key = tenantId.toLowerCase();
  const before = seen.get(key);
  const lower = before === undefined || Number(quota.remaining) < Number(before.lowest.remaining);
  seen.set(key, { answers: (before?.answers ?? 0) + 1, lowest: lower ? quota : before.lowest });
}

export function doctorChecks(input: DoctorInput): DoctorCheck[] {
  return [...input.tenants.flatMap((tenantId) => tenantChecks(tenantId, input)), ...estateChecks(input)];
}

function tenantChecks(tenantId: string, input: DoctorInput): DoctorCheck[] {
  const key = tenantId.toLowerCase();
  const gaps = input.coverage.gaps.filter((gap) => gap.tenantId?.toLowerCase() === key);
  const scope = input.coverage.scopes.find((candidate) => candidate.tenantId?.toLowerCase() === key);
  const signIn = input.signIns.get(key);
  return [
    {
      tenantId,
      name: "sign-in",
      ...(signIn?.ok === false
        ? { status: "fail", detail: signIn.message }
        : { status: "ok", detail: "a token for Azure Resource Manager was issued" }),
    },
    subscriptionsCheck(tenantId, scope, gaps),
    queriesCheck(tenantId, input, gaps),
    quotaCheck(tenantId, input.quota.get(key)),
  ];
}

/** A gap as one clause: Azure's messages end in a full stop, which the joined detail supplies itself. */
const gapText = (gap: CoverageGap): string => `${gap.code}: ${withoutStop(gap.message)}`;
const withoutStop = (message: string): string => message.replace(/\.+$/, "");

/** Gaps of the whole tenant (sign-in, discovery, subscription limit): no query of it, or all of them, was read. */
function subscriptionsCheck(
  tenantId: string,
  scope: CoverageScope | undefined,
  gaps: readonly CoverageGap[],
): DoctorCheck {
  const tenantGaps = gaps.filter((gap) => gap.query === undefined);
  const subscriptions = scope?.subscriptions ?? [];
  const delegated = scope?.delegatedSubscriptions?.length ?? 0;
  const seen =
    scope?.managementGroups !== undefined
      ? `management groups ${scope.managementGroups.join(", ")}`
      : `${subscriptions.length} subscription(s)${delegated > 0 ? `, ${delegated} delegated from other tenants through Azure Lighthouse` : ""}`;
  if (tenantGaps.length > 0)
    return { tenantId, name: "subscriptions", status: "fail", detail: tenantGaps.map(gapText).join("; ") };
  return { tenantId, name: "subscriptions", status: "ok", detail: `${seen} visible` };
}

/** `resource-graph:<tenant>/<query>` rows counted per query; a failed query or batch is named with its error. */
function queriesCheck(tenantId: string, input: DoctorInput, gaps: readonly CoverageGap[]): DoctorCheck {
  const key = tenantId.toLowerCase();
  const counts = new Map(input.queries.map((query) => [query, 0]));
  for (const row of input.collected.rows) {
    if (scanningTenant(row)?.toLowerCase() !== key) continue;
    const query = row.source.origin.slice(row.source.origin.lastIndexOf("/") + 1);
    counts.set(query, (counts.get(query) ?? 0) + 1);
  }
  if (gaps.some((gap) => gap.query === undefined))
    return {
      tenantId,
      name: "rows per query",
      status: "fail",
      detail: "not read: the tenant's scope could not be read (see subscriptions)",
    };
  const failed = gaps.filter((gap) => gap.query !== undefined && gap.query !== ruleCollectionGroupsQuery);
  const rows = [...counts].map(([query, count]) => `${query} ${count}`).join(", ");
  if (failed.length === 0) return { tenantId, name: "rows per query", status: "ok", detail: rows };
  const named = failed.map((gap) => `${gap.query ?? ""} ${gapText(gap)}`).join("; ");
  return { tenantId, name: "rows per query", status: "fail", detail: `${named}. Read: ${rows}` };
}

/** Resource Graph sends its quota on every answer; without it the scan paces on an assumed quota. */
function quotaCheck(tenantId: string, quota: QuotaSeen | undefined): DoctorCheck {
  if (quota === undefined)
    return {
      tenantId,
      name: "quota headers",
      status: "warn",
      detail:
        "no answer carried x-ms-user-quota-remaining; the scan paces on an assumed 15 requests a window (a proxy that strips headers?)",
    };
  const resets = quota.lowest.resetsAfter === undefined ? "" : `, resets after ${quota.lowest.resetsAfter}`;
  return {
    tenantId,
    name: "quota headers",
    status: "ok",
    detail: `on ${quota.answers} answer(s); lowest x-ms-user-quota-remaining ${quota.lowest.remaining}${resets}`,
  };
}

function estateChecks(input: DoctorInput): DoctorCheck[] {
  return [
    rowsCheck(input),
    groupsCheck(input),
    roleAssignmentsCheck(input),
    ...unverifiedChecks(input.results),
  ];
}

/** Rows the normalizer dropped whole are resources no rule looks at: a scan of them is incomplete. */
function rowsCheck(input: DoctorInput): DoctorCheck {
  const dropped = input.coverage.gaps.filter((gap) => gap.tenantId === undefined && gap.query === undefined);
  if (dropped.length === 0)
    return { name: "rows read", status: "ok", detail: `${input.collected.rows.length} row(s), none dropped` };
  return { name: "rows read", status: "fail", detail: dropped.map(gapText).join("; ") };
}

function groupsCheck(input: DoctorInput): DoctorCheck {
  const name = "rule collection groups";
  const sources = [...input.ruleCollectionGroupSources.values()];
  if (sources.length === 0)
    return { name, status: "ok", detail: "none listed by a Firewall Policy and none in a table" };
  const count = (source: GroupSource): number => sources.filter((found) => found === source).length;
  const where = `resources ${count("resources")}, networkresources ${count("networkresources")}, ARM GET ${count("arm")}`;
  const unread = input.coverage.gaps.filter((gap) => gap.query === ruleCollectionGroupsQuery);
  if (unread.length === 0) return { name, status: "ok", detail: `${sources.length} found: ${where}` };
  return {
    name,
    status: "fail",
    detail: `${unread.length} of ${sources.length} unread (pinned-IP checks on them answer unverified): ${unread.map((gap) => withoutStop(gap.message)).join("; ")}. Found: ${where}`,
  };
}

const roleAssignmentType = "microsoft.authorization/roleassignments";
/** A management group's scope, or the root `/`: above every subscription. */
const inheritedScope = /^\/($|providers\/microsoft\.management\/managementgroups\/)/i;

/**
 * Role assignments are asked for with `authorizationScopeFilter: AtScopeAboveAndBelow`; an answer that holds an
 * assignment at a management group or the root shows that inherited ones come back.
 */
function roleAssignmentsCheck(input: DoctorInput): DoctorCheck {
  const name = "role assignments";
  const failed = input.coverage.gaps.filter((gap) => gap.query === "role-assignments");
  if (failed.length > 0)
    return {
      name,
      status: "fail",
      detail: `not read, the subnet role check answers unverified: ${failed.map(gapText).join("; ")}`,
    };
  const scopes = input.collected.rows.flatMap((row) => {
    const value = row.value as { type?: unknown; properties?: { scope?: unknown } } | null;
    if (typeof value?.type !== "string" || value.type.toLowerCase() !== roleAssignmentType) return [];
    return [typeof value.properties?.scope === "string" ? value.properties.scope : ""];
  });
  const inherited = scopes.filter((scope) => inheritedScope.test(scope)).length;
  if (inherited > 0)
    return {
      name,
      status: "ok",
      detail: `${scopes.length} read, ${inherited} inherited from a management group or the root`,
    };
  return {
    name,
    status: "warn",
    detail: `${scopes.length} read, none at a management group or the root: either there are none, or Resource Graph did not return the inherited ones`,
  };
}

/** One line per rule that would answer `unverified`, with how often and the first reason it gives. */
function unverifiedChecks(results: readonly Result[]): DoctorCheck[] {
  const byRule = new Map<string, Result[]>();
  for (const result of results)
    if (result.status === "unverified")
      byRule.set(result.ruleId, [...(byRule.get(result.ruleId) ?? []), result]);
  if (byRule.size === 0)
    return [{ name: "unverified", status: "ok", detail: "no rule would answer unverified" }];
  return [...byRule]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ruleId, unverified]) => ({
      name: `unverified ${ruleId}`,
      status: "warn",
      detail: `${unverified.length} result(s); the first: ${unverified[0]?.message ?? ""}`,
    }));
}

/** The report as lines: a header per tenant, then the estate; the last line says how many checks failed. */
export function doctorLines(checks: readonly DoctorCheck[]): string[] {
  const lines: string[] = [];
  let heading: string | undefined;
  for (const check of checks) {
    const next = check.tenantId === undefined ? "estate" : `tenant ${check.tenantId}`;
    if (next !== heading) lines.push(next);
    heading = next;
    lines.push(`  ${check.status.padEnd(4)}  ${check.name}: ${check.detail}`);
  }
  const failed = checks.filter((check) => check.status === "fail").length;
  const warned = checks.filter((check) => check.status === "warn").length;
  lines.push(
    failed === 0
      ? `every check holds (${warned} warning(s)); exit 0`
      : `${failed} check(s) failed, ${warned} warning(s); exit 3`,
  );
  return lines;
}
