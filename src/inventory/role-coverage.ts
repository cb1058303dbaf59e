// Whether a role assignment reaches a subnet (its scope, or a management group above the subscription) and grants join.
import { resourceGroupFromId, subscriptionFromId } from "./arm-id.ts";
import type { Inventory, RoleAssignment, RoleDefinition } from "./model.ts";

/** What AKS needs on the API server and node subnets (API Server VNet Integration, bring-your-own VNet). */
export const subnetJoinActions = [
  "Microsoft.Network/virtualNetworks/subnets/join/action",
  "Microsoft.Network/virtualNetworks/subnets/read",
] as const;

/** Built-in roles known to carry both actions, so no definition is needed for them. */
export const sufficientBuiltInRoles: ReadonlyMap<string, string> = new Map([
  ["4d97b98b-1d4f-4787-a291-c67834d212e7", "Network Contributor"],
  ["b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"],
  ["8e3af657-a8ff-443b-a75c-2fe8c4bcb635", "Owner"],
]);

const managementGroupPrefix = "/providers/microsoft.management/managementgroups/";

/** `yes`, `no`, or `unknown` when a fact it rests on (a definition, an ancestry) was not read. */
export type Answer = "yes" | "no" | "unknown";

export function scopeKey(scope: string): string {
  return scope.toLowerCase().replace(/\/+$/, "");
}

/** Azure RBAC wildcards: `*` stands for any run of characters, `/` included; comparison ignores case. */
function matchesAction(pattern: string, action: string): boolean {
  const escaped = pattern
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`).test(action.toLowerCase());
}

/** An action is granted when one permission block's actions match it and the same block's notActions do not. */
export function grantsAction(definition: RoleDefinition, action: string): boolean {
  return definition.permissions.some(
    (permission) =>
      permission.actions.some((pattern) => matchesAction(pattern, action)) &&
      !permission.notActions.some((pattern) => matchesAction(pattern, action)),
  );
}

/** Whether the assignment's role grants every subnet-join action: built-in list first, then the role's definition. */
export function roleGrantsJoin(
  assignment: RoleAssignment,
  inventory: Pick<Inventory, "roleDefinitions">,
): Answer {
  if (sufficientBuiltInRoles.has(assignment.roleDefinitionGuid)) return "yes";
  const definition = inventory.roleDefinitions.get(assignment.roleDefinitionGuid);
  if (definition === undefined) return "unknown";
  return subnetJoinActions.every((action) => grantsAction(definition, action)) ? "yes" : "no";
}

type SubnetKeys = { readonly key: string; readonly vnetKey: string };

/**
 * `scopesHolding` of each subnet asked about, kept with the subnet's own object: every role assignment of a
 * cluster is checked against the same subnet, and building the set again for each split its id twice per
 * assignment (about 0.4 s of analysis at 10,000 clusters, docs/performance.md).
 */
const scopesBySubnet = new WeakMap<SubnetKeys, ReadonlySet<string>>();

function scopesOf(subnet: SubnetKeys): ReadonlySet<string> {
  let scopes = scopesBySubnet.get(subnet);
  if (scopes === undefined) {
    scopes = scopesHolding(subnet.key, subnet.vnetKey);
    scopesBySubnet.set(subnet, scopes);
  }
  return scopes;
}

/** Subnet, VNet, resource group and subscription scopes that hold the subnet. */
function scopesHolding(subnetKey: string, vnetKey: string): Set<string> {
  const scopes = new Set([scopeKey(subnetKey), scopeKey(vnetKey)]);
  const subscriptionId = subscriptionFromId(subnetKey);
  if (subscriptionId !== undefined) {
    const subscription = scopeKey(`/subscriptions/${subscriptionId}`);
    scopes.add(subscription);
    const resourceGroup = resourceGroupFromId(subnetKey);
    if (resourceGroup !== undefined) scopes.add(scopeKey(`${subscription}/resourceGroups/${resourceGroup}`));
  }
  return scopes;
}

/**
 * Whether an assignment at `scope` reaches the subnet: at the subnet, its VNet, resource group or subscription;
 * at the root scope `/`; or at a management group in the subscription's `managementGroupAncestorsChain` (which
 * ends with the tenant root group, named by the tenant id). Without the chain a management group is `unknown`.
 */
export function scopeReaches(
  scope: string,
  subnet: SubnetKeys,
  inventory: Pick<Inventory, "subscriptions">,
): Answer {
  const key = scopeKey(scope);
  if (key === "" || scopesOf(subnet).has(key)) return "yes";
  if (!key.startsWith(managementGroupPrefix)) return "no";
  const group = key.slice(managementGroupPrefix.length);
  const subscriptionId = subscriptionFromId(subnet.key);
  const chain =
    subscriptionId === undefined
      ? undefined
      : inventory.subscriptions.get(subscriptionId.toLowerCase())?.managementGroupAncestorsChain;
  if (chain === undefined) return "unknown";
  return chain.some((ancestor) => ancestor.name.toLowerCase() === group) ? "yes" : "no";
}
