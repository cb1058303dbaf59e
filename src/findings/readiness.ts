// Conversion readiness of a cluster: the first thing standing between it and API Server VNet Integration.
import { planRuleIds } from "./conversion-plan.ts";
import { objectIn, objectsIn } from "./evidence.ts";
import type { Evidence, Result } from "./result.ts";

/**
 * In the order a conversion works through them: a cluster is in the first state that holds. A plan that needs a
 * subnet, roles and NSG rules is "needs an API server subnet", since the roles and rules are scoped to it.
 */
export const readinessStates = [
  "integrated",
  "ready",
  "needs-apiserver-subnet",
  "needs-role-assignments",
  "needs-nsg-changes",
  "blocked",
  "not-assessed",
] as const;
export type Readiness = (typeof readinessStates)[number];

export const readinessLabels: Readonly<Record<Readiness, string>> = {
  integrated: "Integrated",
  ready: "Ready to convert now",
  "needs-apiserver-subnet": "Needs an API server subnet",
  "needs-role-assignments": "Needs role assignments",
  "needs-nsg-changes": "Needs NSG changes",
  blocked: "Blocked",
  "not-assessed": "Not assessed (no conversion plan)",
};

// `conversion-blocked` marks an encrypted VNet with only ≤ v3 VM sizes as `low`: conversion is allowed there
// (traffic is just not encrypted), so only higher blockers stop it.
const blockingSeverities = new Set(["critical", "high", "medium"]);

/** The readiness a stored or fresh conversion plan (`evidence.conversionPlan`) says. */
export function planReadiness(plan: Evidence): Exclude<Readiness, "integrated" | "not-assessed"> {
  if (objectsIn(plan, "blockers").some((blocker) => blockingSeverities.has(String(blocker.severity))))
    return "blocked";
  const action = objectIn(plan, "apiServerSubnet")?.action;
  if (action === "create" || action === "none-free") return "needs-apiserver-subnet";
  if (objectsIn(plan, "roleAssignments").some((role) => role.status !== "covered"))
    return "needs-role-assignments";
  if (objectsIn(plan, "nsgRules").length > 0) return "needs-nsg-changes";
  return "ready";
}

/** Lower-cased cluster id → readiness, from the `cluster-not-vnet-integrated` results that carry a plan. */
export function readinessByCluster(results: readonly Result[]): Map<string, Readiness> {
  const byCluster = new Map<string, Readiness>();
  for (const result of results) {
    if (result.ruleId !== planRuleIds.notIntegrated) continue;
    const plan = objectIn(result.evidence, "conversionPlan");
    if (plan !== undefined) byCluster.set(result.resourceId.toLowerCase(), planReadiness(plan));
  }
  return byCluster;
}
