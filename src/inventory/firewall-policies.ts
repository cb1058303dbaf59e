// Which Azure Firewalls enforce a Firewall Policy's rules: its own, and those of every child policy below it.
import { idKey } from "./model.ts";
import type { FirewallPolicy } from "./model.ts";

/**
 * Policy key → ids of the firewalls that enforce its rules. A child policy inherits every rule collection group of
 * its `basePolicy` (and of the base's base), so the firewalls attached to the child enforce the base's rules too
 * (https://learn.microsoft.com/azure/firewall-manager/policy-overview#hierarchical-policies).
 */
export function firewallsEnforcing(policies: ReadonlyMap<string, FirewallPolicy>): Map<string, string[]> {
  const enforcing = new Map<string, string[]>();
  for (const policy of policies.values()) {
    const seen = new Set<string>();
    let key: string | undefined = policy.key;
    // A cycle cannot be created in Azure, but a hand-made snapshot may hold one.
    while (key !== undefined && !seen.has(key)) {
      seen.add(key);
      const list = enforcing.get(key) ?? [];
      list.push(...policy.firewallIds.filter((id) => !list.includes(id)));
      enforcing.set(key, list);
      const basePolicyId: string | undefined = policies.get(key)?.basePolicyId;
      key = basePolicyId === undefined ? undefined : idKey(basePolicyId);
    }
  }
  return enforcing;
}
