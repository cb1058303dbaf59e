// The normalized inventory: typed, read-only models that every rule reads (DESIGN §3).
// Raw rows are `unknown` until the normalizer has checked them; everything here is trusted.
import type { SecurityRule } from "../net/security-rule.ts";
import type { RoleAssignment, RoleDefinition, Subscription } from "./authorization.ts";
import type { Diagnostic } from "./diagnostic.ts";
import type { SourceRef } from "./source-ref.ts";

/** Fields every ARM resource shares. `id` keeps Azure's casing; `key` is the lower-cased id used for lookups. */
export interface ArmResource {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly source: SourceRef;
  /**
   * What the input left out of this resource (`properties` missing, list elements dropped), when anything:
   * verdicts that depend on it answer `unverified` and quote these.
   */
  readonly contentGaps?: readonly string[];
}

/** The cluster mode, `sku.name` in ARM: AKS Automatic or Base (the pricing tier is `sku.tier`, apart). */
export const clusterSkus = ["Automatic", "Base"] as const;
export type ClusterSku = (typeof clusterSkus)[number];

export interface AgentPool {
  readonly name: string;
  readonly vmSize: string;
  readonly count: number;
  readonly enableAutoScaling: boolean;
  readonly maxCount: number | undefined;
  readonly maxPods: number | undefined;
  /** Raw `upgradeSettings.maxSurge`: `"33%"`, `"5"`, or undefined when missing. */
  readonly maxSurge: string | undefined;
  /** `vnetSubnetID` as written (casing kept); undefined for an AKS-managed VNet. */
  readonly vnetSubnetId: string | undefined;
  readonly podSubnetId: string | undefined;
  readonly mode: string | undefined;
  /**
   * `networkProfile.applicationSecurityGroups`: the ASGs the pool's NICs join. Empty when the pool lists none (then
   * its nodes are in no ASG); undefined only when the field could not be read.
   */
  readonly applicationSecurityGroupIds: readonly string[] | undefined;
}

export interface ApiServerAccessProfile {
  /** Missing in Azure means false. */
  readonly enableVnetIntegration: boolean;
  /** BYO API server subnet; undefined (or empty in Azure) with integration on means AKS-managed VNet. */
  readonly subnetId: string | undefined;
  readonly enablePrivateCluster: boolean;
  readonly enablePrivateClusterPublicFqdn: boolean;
  readonly authorizedIpRanges: readonly string[];
  readonly privateDnsZone: string | undefined;
}

export interface Cluster extends ArmResource {
  readonly sku: ClusterSku;
  /** Pricing tier, `sku.tier`: `Free`, `Standard` or `Premium`; undefined when the row has none. */
  readonly tier: string | undefined;
  /** True when the row carried `properties.apiServerAccessProfile` at all (ARG may omit it). */
  readonly hasApiServerAccessProfile: boolean;
  readonly apiServerAccessProfile: ApiServerAccessProfile;
  readonly powerState: "Running" | "Stopped" | undefined;
  readonly kubernetesVersion: string | undefined;
  readonly agentPools: readonly AgentPool[];
  readonly networkPlugin: string | undefined;
  readonly networkPluginMode: string | undefined;
  readonly ipFamilies: readonly string[];
  readonly nodeResourceGroup: string | undefined;
  readonly fqdn: string | undefined;
  readonly privateFqdn: string | undefined;
  /** `identity.principalId` and every user-assigned identity's `principalId`. */
  readonly identityPrincipalIds: readonly string[];
  readonly identityType: string | undefined;
  readonly createdAt: string | undefined;
}

export interface Delegation {
  readonly serviceName: string;
}

export interface Subnet {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  /** Lower-cased id of the VNet that holds this subnet. */
  readonly vnetKey: string;
  /** `addressPrefixes` when present, else `[addressPrefix]`; only prefixes that parsed. */
  readonly addressPrefixes: readonly string[];
  readonly delegations: readonly Delegation[];
  readonly networkSecurityGroupId: string | undefined;
  /**
   * Ids of every ipConfiguration in the subnet (NICs, LB frontends, private endpoint NICs…). Empty, with
   * `ipConfigurationCount` set, for a subnet whose ids no rule reads (see inventory/unread-ids.ts).
   */
  readonly ipConfigurationIds: readonly string[];
  /** How many ipConfigurations the subnet lists, when the ids were let go; else `ipConfigurationIds.length`. */
  readonly ipConfigurationCount?: number;
  readonly privateEndpointIds: readonly string[];
  /** `serviceAssociationLinks[].linkedResourceType`: the services injected into the subnet (AKS writes one). */
  readonly serviceAssociationLinkTypes: readonly string[];
  /** As `ArmResource.contentGaps`. */
  readonly contentGaps?: readonly string[];
}

/** How many ipConfigurations the subnet lists (the addresses its NICs and frontends hold). */
export function ipConfigurationCount(subnet: Subnet): number {
  return subnet.ipConfigurationCount ?? subnet.ipConfigurationIds.length;
}

export interface VirtualNetwork extends ArmResource {
  readonly addressPrefixes: readonly string[];
  readonly encryptionEnabled: boolean;
  readonly subnets: readonly Subnet[];
}

// The security rule is the unit src/net/nsg-evaluation.ts decides flows with, so its shape lives there (net imports no
// model); the inventory re-exports it as one of its own.
export {
  securityRuleDirections,
  type SecurityRule,
  type SecurityRuleDirection,
} from "../net/security-rule.ts";

export interface NetworkSecurityGroup extends ArmResource {
  /** Custom rules followed by default rules (the six Azure defaults synthesized when absent). */
  readonly securityRules: readonly SecurityRule[];
  readonly subnetIds: readonly string[];
}

export const firewallRuleKinds = ["network", "nat", "application"] as const;
export type FirewallRuleKind = (typeof firewallRuleKinds)[number];

/** One rule of a classic Azure Firewall collection or of a Firewall Policy rule collection group. */
export interface FirewallRule {
  /** The firewall's or the rule collection group's id (DESIGN §4 resource column). */
  readonly parentId: string;
  readonly parentKey: string;
  readonly parentType: string;
  readonly collectionName: string;
  readonly name: string;
  readonly kind: FirewallRuleKind;
  readonly action: string | undefined;
  readonly protocols: readonly string[];
  readonly sourceAddresses: readonly string[];
  readonly destinationAddresses: readonly string[];
  readonly destinationIpGroupIds: readonly string[];
  readonly destinationFqdns: readonly string[];
  readonly destinationPorts: readonly string[];
  readonly description: string | undefined;
}

export interface AzureFirewall extends ArmResource {
  readonly rules: readonly FirewallRule[];
}

export interface FirewallPolicyRuleCollectionGroup extends ArmResource {
  readonly firewallPolicyId: string;
  readonly priority: number | undefined;
  readonly rules: readonly FirewallRule[];
}

/** A Firewall Policy (`microsoft.network/firewallpolicies`): which groups it holds, what it inherits, who enforces it. */
export interface FirewallPolicy extends ArmResource {
  /** `properties.ruleCollectionGroups[].id`: the groups the policy itself says it has. */
  readonly ruleCollectionGroupIds: readonly string[];
  /** `properties.basePolicy.id`: a child policy's firewalls enforce the base policy's rules too. */
  readonly basePolicyId: string | undefined;
  /** `properties.firewalls[].id`. */
  readonly firewallIds: readonly string[];
}

/** A group a policy lists but no input row describes: the pinned-IP checks on it answer `unverified`. */
export interface UnreadRuleCollectionGroup {
  readonly id: string;
  readonly key: string;
  readonly firewallPolicyId: string;
  readonly tenantId: string;
}

export interface IpGroup extends ArmResource {
  readonly ipAddresses: readonly string[];
}

export interface FrontendIpConfiguration {
  readonly id: string;
  readonly name: string;
  readonly privateIpAddress: string | undefined;
  readonly subnetId: string | undefined;
}

export interface LoadBalancer extends ArmResource {
  readonly frontendIpConfigurations: readonly FrontendIpConfiguration[];
}

export interface PrivateEndpoint extends ArmResource {
  readonly subnetId: string | undefined;
  readonly networkInterfaceIds: readonly string[];
  /** `privateLinkServiceConnections[].properties.privateLinkServiceId` (and manual ones). */
  readonly privateLinkServiceIds: readonly string[];
  /** `groupIds` of the connections, e.g. `management` for an AKS API server. */
  readonly groupIds: readonly string[];
  readonly privateIpAddresses: readonly string[];
}

export interface NetworkInterfaceIpConfiguration {
  readonly id: string;
  readonly name: string;
  readonly privateIpAddress: string | undefined;
  readonly subnetId: string | undefined;
}

export interface NetworkInterface extends ArmResource {
  readonly ipConfigurations: readonly NetworkInterfaceIpConfiguration[];
  readonly privateEndpointId: string | undefined;
}

/** One property change out of a `resourcechanges` record. */
export interface ResourceChange {
  readonly id: string;
  /** Lower-cased id of the resource that changed. */
  readonly targetKey: string;
  readonly targetResourceId: string;
  /** `Create`, `Update` or `Delete`, as Resource Graph writes it. */
  readonly changeType: string;
  /** ISO time of the change (`changeAttributes.timestamp`). */
  readonly timestamp: string;
  /** Property path → before / after value, as strings (`"false"`, `"Running"`). */
  readonly changes: Readonly<
    Record<string, { readonly before: string | undefined; readonly after: string | undefined }>
  >;
  readonly source: SourceRef;
}

// Diagnostics, source pointers and the authorization models have files of their own; the inventory re-exports
// them as its own.
export type { SourceRef } from "./source-ref.ts";
export {
  diagnosticLevels,
  type Diagnostic,
  type DiagnosticExample,
  type DiagnosticLevel,
} from "./diagnostic.ts";
export type {
  ManagementGroupAncestor,
  RoleAssignment,
  RoleDefinition,
  RolePermission,
  Subscription,
} from "./authorization.ts";

/** Everything the rules see. Maps are keyed by lower-cased ARM id. */
export interface Inventory {
  readonly clusters: ReadonlyMap<string, Cluster>;
  readonly virtualNetworks: ReadonlyMap<string, VirtualNetwork>;
  /** Every subnet of every VNet, plus subnets that came as rows of their own. */
  readonly subnets: ReadonlyMap<string, Subnet>;
  readonly networkSecurityGroups: ReadonlyMap<string, NetworkSecurityGroup>;
  /** Every NSG security rule (custom and default), keyed by rule id. */
  readonly securityRules: ReadonlyMap<string, SecurityRule>;
  readonly azureFirewalls: ReadonlyMap<string, AzureFirewall>;
  readonly firewallPolicyRuleCollectionGroups: ReadonlyMap<string, FirewallPolicyRuleCollectionGroup>;
  readonly firewallPolicies: ReadonlyMap<string, FirewallPolicy>;
  /** Groups the policies list that no row describes (no table returned them and ARM could not read them). */
  readonly unreadRuleCollectionGroups: readonly UnreadRuleCollectionGroup[];
  readonly ipGroups: ReadonlyMap<string, IpGroup>;
  readonly loadBalancers: ReadonlyMap<string, LoadBalancer>;
  readonly privateEndpoints: ReadonlyMap<string, PrivateEndpoint>;
  readonly networkInterfaces: ReadonlyMap<string, NetworkInterface>;
  readonly resourceChanges: readonly ResourceChange[];
  /** Subscriptions by lower-cased subscription id, from `resourcecontainers`; empty when that table was not read. */
  readonly subscriptions: ReadonlyMap<string, Subscription>;
  /** Role definitions by lower-cased GUID; custom roles without a definition here answer `unverified`. */
  readonly roleDefinitions: ReadonlyMap<string, RoleDefinition>;
  /** Undefined when role assignments were not collected (the identity rule is then not applicable). */
  readonly roleAssignments: readonly RoleAssignment[] | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** A raw row as it came from a source, before normalization. */
export interface RawRow {
  /** ARG table name: `resources`, `networkresources`, `resourcechanges`, `authorizationresources`… */
  readonly table: string;
  readonly value: unknown;
  readonly source: SourceRef;
}

/** Lower-cases an ARM id for comparison; display keeps the original. */
export function idKey(id: string): string {
  return id.toLowerCase();
}
