// The mutable inventory the per-kind readers fill in one pass; `normalize` hands it out as the read-only Inventory.
import type { Recency } from "./duplicates.ts";
import type {
  AgentPool,
  ArmResource,
  AzureFirewall,
  Cluster,
  FirewallPolicy,
  FirewallPolicyRuleCollectionGroup,
  Inventory,
  IpGroup,
  LoadBalancer,
  NetworkInterface,
  NetworkSecurityGroup,
  PrivateEndpoint,
  ResourceChange,
  RoleAssignment,
  RoleDefinition,
  SecurityRule,
  SourceRef,
  Subnet,
  Subscription,
  VirtualNetwork,
} from "./model.ts";
import { idKey } from "./model.ts";
import type { Node } from "./read.ts";
import { SharedLists } from "./compact.ts";
import { SecurityRuleIndex, SecurityRuleKeys } from "./security-rules.ts";

export interface InventoryBuilder {
  readonly clusters: Map<string, Cluster>;
  readonly virtualNetworks: Map<string, VirtualNetwork & { readonly subnets: Subnet[] }>;
  readonly subnets: Map<string, Subnet>;
  /** Subnets that came as rows of their own; added after every VNet so that a VNet's own listing wins. */
  readonly standaloneSubnets: Subnet[];
  readonly networkSecurityGroups: Map<string, NetworkSecurityGroup>;
  /** Which security rule keys are taken; the rules themselves are in their NSGs' lists. */
  readonly securityRuleKeys: SecurityRuleKeys;
  readonly azureFirewalls: Map<string, AzureFirewall>;
  readonly firewallPolicyRuleCollectionGroups: Map<string, FirewallPolicyRuleCollectionGroup>;
  readonly firewallPolicies: Map<string, FirewallPolicy>;
  readonly ipGroups: Map<string, IpGroup>;
  readonly loadBalancers: Map<string, LoadBalancer>;
  readonly privateEndpoints: Map<string, PrivateEndpoint>;
  readonly networkInterfaces: Map<string, NetworkInterface>;
  readonly resourceChanges: ResourceChange[];
  readonly roleAssignments: RoleAssignment[];
  /** Agent pool resources (`managedClusters/agentPools`), merged into their cluster once every row is read. */
  readonly agentPoolRows: Map<
    string,
    { readonly clusterKey: string; readonly pool: AgentPool; readonly source: SourceRef }
  >;
  /** NSG security rules that came as rows of their own (`az network nsg rule list`); their NSG's listing wins. */
  readonly standaloneSecurityRules: Map<string, SecurityRule>;
  readonly subscriptions: Map<string, Subscription>;
  readonly roleDefinitions: Map<string, RoleDefinition>;
  /** Every top-level id read so far (lower-cased) → the copy kept and how recent it is, for duplicates. */
  readonly seen: Map<string, SeenRow>;
  /** One-item lists the models share (see compact.ts). */
  readonly lists: SharedLists;
}

/** The copy of an id that the inventory holds now. */
export interface SeenRow {
  readonly source: SourceRef;
  readonly type: string;
  readonly recency: Recency;
}

/** Reads one row of a known type into the builder; `base` already holds the shared ARM fields. */
export type RowReader = (row: Node, base: ArmResource, into: InventoryBuilder) => void;

export function createBuilder(): InventoryBuilder {
  const networkSecurityGroups = new Map<string, NetworkSecurityGroup>();
  return {
    clusters: new Map(),
    virtualNetworks: new Map(),
    subnets: new Map(),
    standaloneSubnets: [],
    networkSecurityGroups,
    securityRuleKeys: new SecurityRuleKeys(networkSecurityGroups),
    azureFirewalls: new Map(),
    firewallPolicyRuleCollectionGroups: new Map(),
    firewallPolicies: new Map(),
    ipGroups: new Map(),
    loadBalancers: new Map(),
    privateEndpoints: new Map(),
    networkInterfaces: new Map(),
    resourceChanges: [],
    roleAssignments: [],
    agentPoolRows: new Map(),
    standaloneSecurityRules: new Map(),
    subscriptions: new Map(),
    roleDefinitions: new Map(),
    seen: new Map(),
    lists: new SharedLists(),
  };
}

/**
 * Adds `value` under `key` unless the key is taken: the first wins and the duplicate is reported, because
 * ids compare case-insensitively and two spellings of one id are one resource.
 */
export function addOnce<T>(map: Map<string, T>, key: string, value: T, node: Node, id: string): boolean {
  if (!map.has(key)) {
    map.set(key, value);
    return true;
  }
  reportDuplicateId(node, id);
  return false;
}

export function reportDuplicateId(node: Node, id: string): void {
  node.report(
    "warning",
    "duplicate-id",
    `duplicate id ${id}; kept the first one, remove the duplicate from the input`,
  );
}

export function toInventory(
  into: InventoryBuilder,
  diagnostics: Inventory["diagnostics"],
  roleAssignmentsCollected: boolean,
  /** Standalone rules added after the NSGs were read (`mergeStandaloneSecurityRules`). */
  standaloneRules: readonly SecurityRule[],
): Inventory {
  return {
    clusters: into.clusters,
    virtualNetworks: into.virtualNetworks,
    subnets: into.subnets,
    networkSecurityGroups: into.networkSecurityGroups,
    securityRules: new SecurityRuleIndex(into.networkSecurityGroups, standaloneRules),
    azureFirewalls: into.azureFirewalls,
    firewallPolicyRuleCollectionGroups: into.firewallPolicyRuleCollectionGroups,
    firewallPolicies: into.firewallPolicies,
    unreadRuleCollectionGroups: [...into.firewallPolicies.values()].flatMap((policy) =>
      policy.ruleCollectionGroupIds
        .filter((id) => !into.firewallPolicyRuleCollectionGroups.has(idKey(id)))
        .map((id) => ({ id, key: idKey(id), firewallPolicyId: policy.id, tenantId: policy.tenantId })),
    ),
    ipGroups: into.ipGroups,
    loadBalancers: into.loadBalancers,
    privateEndpoints: into.privateEndpoints,
    networkInterfaces: into.networkInterfaces,
    resourceChanges: into.resourceChanges,
    subscriptions: into.subscriptions,
    roleDefinitions: into.roleDefinitions,
    roleAssignments:
      roleAssignmentsCollected || into.roleAssignments.length > 0 ? into.roleAssignments : undefined,
    diagnostics,
  };
}

/** Takes out what the kept copy of `key` put into the inventory, so that a newer copy can be read in its place. */
export function forget(into: InventoryBuilder, key: string, seen: SeenRow): void {
  const vnet = into.virtualNetworks.get(key);
  if (vnet !== undefined) for (const subnet of vnet.subnets) into.subnets.delete(subnet.key);
  const nsg = into.networkSecurityGroups.get(key);
  if (nsg !== undefined) into.securityRuleKeys.release(nsg);
  for (const map of [
    into.clusters,
    into.virtualNetworks,
    into.networkSecurityGroups,
    into.azureFirewalls,
    into.firewallPolicyRuleCollectionGroups,
    into.ipGroups,
    into.loadBalancers,
    into.privateEndpoints,
    into.networkInterfaces,
    into.agentPoolRows,
    into.standaloneSecurityRules,
    into.subscriptions,
  ] as Map<string, unknown>[]) {
    map.delete(key);
  }
  removeWhere(into.standaloneSubnets, (subnet) => subnet.key === key);
  removeWhere(into.roleAssignments, (assignment) => assignment.key === key);
  removeWhere(into.resourceChanges, (change) => change.source === seen.source);
}

function removeWhere<T>(list: T[], drop: (item: T) => boolean): void {
  const index = list.findIndex(drop);
  if (index >= 0) list.splice(index, 1);
}
