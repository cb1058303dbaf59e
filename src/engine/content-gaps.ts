// A verdict on a resource whose content the input left out answers `unverified`, quoting what was missing.
import type { Inventory } from "../inventory/model.ts";
import type { RuleMeta } from "../rules/define.ts";
import type { Result } from "../findings/result.ts";

/** Lower-cased id → what the input left out, for every resource a result can be about. */
export function contentGapIndex(inventory: Inventory): ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, readonly string[]>();
  const groups = [
    inventory.clusters,
    inventory.virtualNetworks,
    inventory.subnets,
    inventory.networkSecurityGroups,
    inventory.azureFirewalls,
    inventory.firewallPolicyRuleCollectionGroups,
    inventory.ipGroups,
    inventory.loadBalancers,
    inventory.privateEndpoints,
    inventory.networkInterfaces,
  ];
  // forEach, not for…of over entries: no [key, value] pair for each of a fleet's 190,000 resources.
  for (const group of groups)
    group.forEach((resource, key) => {
      if (resource.contentGaps) index.set(key, resource.contentGaps);
    });
  // A security rule's verdict rests on its NSG's whole rule list. Without any gap there is nothing to look up
  // for the fleet's hundreds of thousands of rules.
  if (index.size === 0) return index;
  for (const [key, rule] of inventory.securityRules) {
    const gaps = index.get(rule.nsgKey);
    if (gaps !== undefined) index.set(key, gaps);
  }
  return index;
}

/** Statuses that claim to know; `unverified`, `error` and `suppressed` already say they do not, or are decided. */
const decided = new Set(["pass", "fail", "not_applicable"]);

export function withContentGaps(
  result: Result,
  meta: RuleMeta,
  gaps: ReadonlyMap<string, readonly string[]>,
): Result {
  if (gaps.size === 0) return result;
  const missing = decided.has(result.status) ? gaps.get(result.resourceId.toLowerCase()) : undefined;
  if (missing === undefined) return result;
  return {
    ...result,
    status: "unverified",
    message: `${result.message} Unverified: the input left out part of this resource (${missing.join("; ")}).`,
    evidence: { ...result.evidence, contentGaps: missing, statusFromRule: result.status },
    remediation: meta.remediation,
  };
}
