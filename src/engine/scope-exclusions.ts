// Scope exclusions (`--exclude-subscription`, `--exclude-management-group`, config `exclude`): subscriptions the
// reports leave out, a management group standing for every subscription beneath it.
import type { Config } from "../config/config.ts";
import type { Diagnostic, Subscription } from "../inventory/model.ts";
import type { ExcludedScope } from "../findings/run.ts";

export interface ScopeExclusionPlan {
  readonly excludes: (subscriptionId: string) => boolean;
  readonly excludedScopes: readonly ExcludedScope[];
  readonly diagnostics: readonly Diagnostic[];
}

const managementGroupPrefix = /^\/providers\/microsoft\.management\/managementgroups\//i;
const subscriptionPrefix = /^\/subscriptions\//i;

/** Accepts `GUID` or `/subscriptions/GUID`. */
export function subscriptionKey(id: string): string {
  return id.trim().replace(subscriptionPrefix, "").replace(/\/$/, "").toLowerCase();
}

/** Accepts a management group's name or its ARM id `/providers/Microsoft.Management/managementGroups/NAME`. */
export function managementGroupKey(id: string): string {
  return id.trim().replace(managementGroupPrefix, "").replace(/\/$/, "").toLowerCase();
}

/**
 * Decides which subscriptions are out. A management group excludes every subscription whose
 * `managementGroupAncestorsChain` (from `resourcecontainers`) names it at any depth. A subscription with results
 * but no known ancestry cannot be placed: it stays in, and a warning says so, since hiding findings on a guess
 * would be worse than showing them.
 */
export function planScopeExclusions(
  exclude: Config["exclude"],
  subscriptions: ReadonlyMap<string, Subscription>,
  subscriptionsWithResults: Iterable<string>,
): ScopeExclusionPlan {
  const excluded = new Set<string>();
  const excludedScopes: ExcludedScope[] = [];
  for (const id of exclude.subscriptions) {
    const key = subscriptionKey(id);
    excluded.add(key);
    excludedScopes.push({ kind: "subscription", id, subscriptions: [key] });
  }
  const diagnostics: Diagnostic[] = [];
  if (exclude.managementGroups.length > 0) {
    const groups = exclude.managementGroups.map((id) => ({
      id,
      key: managementGroupKey(id),
      beneath: [] as string[],
    }));
    for (const subscription of subscriptions.values()) {
      const chain = subscription.managementGroupAncestorsChain?.map((ancestor) =>
        ancestor.name.toLowerCase(),
      );
      for (const group of groups) {
        if (chain?.includes(group.key)) {
          group.beneath.push(subscription.key);
          excluded.add(subscription.key);
        }
      }
    }
    for (const group of groups) {
      excludedScopes.push({ kind: "managementGroup", id: group.id, subscriptions: group.beneath.sort() });
    }
    const unplaced = [...new Set([...subscriptionsWithResults].map((id) => id.toLowerCase()))]
      .filter((key) => key !== "" && !excluded.has(key))
      .filter((key) => subscriptions.get(key)?.managementGroupAncestorsChain === undefined)
      .sort();
    if (unplaced.length > 0) {
      diagnostics.push({
        level: "warning",
        code: "management-group-ancestry-unknown",
        message: `--exclude-management-group could not be applied to ${unplaced.length} subscription(s) without management-group ancestry (no resourcecontainers row): ${unplaced.slice(0, 5).join(", ")}${unplaced.length > 5 ? ", …" : ""}; they stay in the run. Include resourcecontainers in the snapshot, or exclude them with --exclude-subscription.`,
      });
    }
  }
  return {
    excludes: (subscriptionId) => excluded.has(subscriptionId.toLowerCase()),
    excludedScopes,
    diagnostics,
  };
}

/**
 * Leaves excluded subscriptions out of what the run reports. Rules still ran over the whole inventory, so a
 * cluster in scope is judged with its hub VNet or firewall in an excluded subscription; only the results on
 * excluded resources, and excluded clusters in the counts, go. A finding of the previous run in an excluded
 * scope is out of scope now, not resolved.
 */
export function applyScopeExclusions<
  R extends { readonly subscriptionId: string },
  I extends { readonly clusters: ReadonlyMap<string, { readonly subscriptionId: string }> },
>(
  plan: ScopeExclusionPlan,
  results: readonly R[],
  resolved: readonly R[],
  inventory: I,
): { results: R[]; resolved: R[]; reported: I; diagnostics: Diagnostic[] } {
  if (plan.excludedScopes.length === 0) {
    return {
      results: [...results],
      resolved: [...resolved],
      reported: inventory,
      diagnostics: [...plan.diagnostics],
    };
  }
  const kept = (item: { readonly subscriptionId: string }): boolean => !plan.excludes(item.subscriptionId);
  const keptResolved = resolved.filter(kept);
  const diagnostics = [...plan.diagnostics];
  if (keptResolved.length < resolved.length) {
    diagnostics.push({
      level: "info",
      code: "resolved-excluded",
      message: `${resolved.length - keptResolved.length} finding(s) of the previous run are in excluded scopes and are not listed as resolved.`,
    });
  }
  const clusters = new Map([...inventory.clusters].filter(([, cluster]) => kept(cluster)));
  return {
    results: results.filter(kept),
    resolved: keptResolved,
    reported: { ...inventory, clusters },
    diagnostics,
  };
}
