// Builders for inventory models with sensible defaults, so each test states only what it is about.
import { defaultConfig } from "../src/config/config.ts";
import type { Config } from "../src/config/config.ts";
import type { RuleOutcome } from "../src/findings/result.ts";
import { idKey } from "../src/inventory/model.ts";
import type {
  AgentPool,
  ApiServerAccessProfile,
  AzureFirewall,
  Cluster,
  FirewallPolicy,
  FirewallPolicyRuleCollectionGroup,
  FirewallRule,
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
  Subnet,
  Subscription,
  VirtualNetwork,
} from "../src/inventory/model.ts";
import { createHistory } from "../src/history/history.ts";
import type { ClusterSample, Observations } from "../src/history/observations.ts";
import { buildRelations } from "../src/inventory/relations.ts";
import type { ApiServerEndpoint, Rule, RuleContext } from "../src/rules/define.ts";

export const testTenantId = "11111111-1111-1111-1111-111111111111";
export const testSubscriptionId = "22222222-2222-2222-2222-222222222222";
export const testNow = new Date("2026-11-26T00:00:00Z");

const clusterResourceGroup = "rg-aks";
const networkResourceGroup = "rg-net";

function resourceGroupId(resourceGroup: string): string {
  return `/subscriptions/${testSubscriptionId}/resourceGroups/${resourceGroup}`;
}

export function clusterId(name: string): string {
  return `${resourceGroupId(clusterResourceGroup)}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

export function vnetId(name: string): string {
  return `${resourceGroupId(networkResourceGroup)}/providers/Microsoft.Network/virtualNetworks/${name}`;
}

export function subnetId(vnetName: string, name: string): string {
  return `${vnetId(vnetName)}/subnets/${name}`;
}

export function nsgId(name: string): string {
  return `${resourceGroupId(networkResourceGroup)}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
}

/** An `ipConfigurations[].id` of a NIC in the node resource group (what a node or pod address looks like). */
export function nicIpConfigurationId(nicName: string, index = 0): string {
  return `${resourceGroupId("mc_rg")}/providers/Microsoft.Network/networkInterfaces/${nicName}/ipConfigurations/ipconfig${index}`;
}

/** An ipConfiguration id of the AKS `kube-apiserver` internal load balancer frontend. */
export function apiServerFrontendId(index = 0): string {
  return `${resourceGroupId("mc_rg")}/providers/Microsoft.Network/loadBalancers/kube-apiserver/frontendIPConfigurations/${index}`;
}

/** `count` distinct NIC ipConfiguration ids, to fill a subnet's `ipConfigurationIds`. */
export function ipConfigurationIds(count: number, nicPrefix = "nic"): string[] {
  return Array.from({ length: count }, (_, index) => nicIpConfigurationId(`${nicPrefix}-${index}`));
}

function armResource(id: string, name: string, type: string, location: string) {
  return {
    id,
    key: idKey(id),
    name,
    type,
    tenantId: testTenantId,
    subscriptionId: testSubscriptionId,
    resourceGroup: id.split("/")[4] ?? "",
    location,
    tags: {},
    source: { origin: "test", row: 0 },
  };
}

export function agentPool(overrides: Partial<AgentPool> = {}): AgentPool {
  return {
    name: "nodepool1",
    vmSize: "Standard_D4s_v5",
    count: 3,
    enableAutoScaling: false,
    maxCount: undefined,
    maxPods: undefined,
    maxSurge: undefined,
    vnetSubnetId: undefined,
    podSubnetId: undefined,
    mode: "System",
    applicationSecurityGroupIds: [],
    ...overrides,
  };
}

export type ClusterOverrides = Partial<Omit<Cluster, "apiServerAccessProfile">> & {
  readonly apiServerAccessProfile?: Partial<ApiServerAccessProfile>;
};

/** A running, non-integrated Base-mode cluster with one kubenet pool on an AKS-managed VNet unless told otherwise. */
export function cluster(overrides: ClusterOverrides = {}): Cluster {
  const name = overrides.name ?? "aks-1";
  const id = overrides.id ?? clusterId(name);
  const { apiServerAccessProfile, ...rest } = overrides;
  return {
    ...armResource(id, name, "microsoft.containerservice/managedclusters", "westeurope"),
    sku: "Base",
    tier: "Free",
    hasApiServerAccessProfile: apiServerAccessProfile !== undefined,
    powerState: "Running",
    kubernetesVersion: "1.33.2",
    agentPools: [agentPool()],
    networkPlugin: "kubenet",
    networkPluginMode: undefined,
    ipFamilies: ["IPv4"],
    nodeResourceGroup: `MC_${clusterResourceGroup}_${name}_westeurope`,
    fqdn: `${name}-dns.hcp.westeurope.azmk8s.io`,
    privateFqdn: undefined,
    identityPrincipalIds: ["33333333-3333-3333-3333-333333333333"],
    identityType: "SystemAssigned",
    createdAt: undefined,
    ...rest,
    apiServerAccessProfile: {
      enableVnetIntegration: false,
      subnetId: undefined,
      enablePrivateCluster: false,
      enablePrivateClusterPublicFqdn: false,
      authorizedIpRanges: [],
      privateDnsZone: undefined,
      ...apiServerAccessProfile,
    },
  };
}

export type SubnetOverrides = Partial<Subnet> & {
  /** Name of the VNet that holds the subnet; `vnet()` re-parents its subnets anyway. */
  readonly vnetName?: string;
};

export function subnet(overrides: SubnetOverrides = {}): Subnet {
  const { vnetName = "vnet-1", ...rest } = overrides;
  const name = rest.name ?? "default";
  const id = rest.id ?? subnetId(vnetName, name);
  return {
    id,
    key: idKey(id),
    name,
    vnetKey: idKey(vnetId(vnetName)),
    addressPrefixes: ["10.0.0.0/24"],
    delegations: [],
    networkSecurityGroupId: undefined,
    ipConfigurationIds: [],
    privateEndpointIds: [],
    serviceAssociationLinkTypes: [],
    ...rest,
  };
}

/** A delegated API server subnet (the shape AKS expects). */
export function apiServerSubnet(overrides: SubnetOverrides = {}): Subnet {
  return subnet({
    name: "apiserver",
    addressPrefixes: ["10.0.255.0/28"],
    delegations: [{ serviceName: "Microsoft.ContainerService/managedClusters" }],
    ...overrides,
  });
}

/** The VNet owns its subnets: their ids and `vnetKey` are rewritten to sit under this VNet. */
export function vnet(overrides: Partial<VirtualNetwork> = {}): VirtualNetwork {
  const name = overrides.name ?? "vnet-1";
  const id = overrides.id ?? vnetId(name);
  const subnets = (overrides.subnets ?? []).map((child) => {
    const childId = `${id}/subnets/${child.name}`;
    return { ...child, id: childId, key: idKey(childId), vnetKey: idKey(id) };
  });
  return {
    ...armResource(id, name, "microsoft.network/virtualnetworks", "westeurope"),
    addressPrefixes: ["10.0.0.0/16"],
    encryptionEnabled: false,
    ...overrides,
    subnets,
  };
}

export function securityRule(nsgName: string, overrides: Partial<SecurityRule> = {}): SecurityRule {
  const name = overrides.name ?? "rule-1";
  const id = overrides.id ?? `${nsgId(nsgName)}/securityRules/${name}`;
  return {
    id,
    key: idKey(id),
    name,
    nsgKey: idKey(nsgId(nsgName)),
    isDefault: false,
    priority: 100,
    direction: "Inbound",
    access: "Allow",
    protocol: "Tcp",
    sourceAddressPrefixes: ["*"],
    destinationAddressPrefixes: ["*"],
    sourcePortRanges: ["*"],
    destinationPortRanges: ["443"],
    sourceApplicationSecurityGroupIds: [],
    destinationApplicationSecurityGroupIds: [],
    description: undefined,
    ...overrides,
  };
}

export interface NsgOverrides extends Partial<Omit<NetworkSecurityGroup, "securityRules">> {
  /** Partial rules; each is completed by `securityRule` under this NSG. */
  readonly securityRules?: readonly Partial<SecurityRule>[];
}

export function nsg(overrides: NsgOverrides = {}): NetworkSecurityGroup {
  const name = overrides.name ?? "nsg-1";
  const id = overrides.id ?? nsgId(name);
  return {
    ...armResource(id, name, "microsoft.network/networksecuritygroups", "westeurope"),
    subnetIds: [],
    ...overrides,
    securityRules: (overrides.securityRules ?? []).map((rule) => securityRule(name, rule)),
  };
}

export function loadBalancer(overrides: Partial<LoadBalancer> = {}): LoadBalancer {
  const name = overrides.name ?? "kube-apiserver";
  const id = overrides.id ?? `${resourceGroupId("mc_rg")}/providers/Microsoft.Network/loadBalancers/${name}`;
  return {
    ...armResource(id, name, "microsoft.network/loadbalancers", "westeurope"),
    frontendIpConfigurations: [],
    ...overrides,
  };
}

export function privateEndpoint(overrides: Partial<PrivateEndpoint> = {}): PrivateEndpoint {
  const name = overrides.name ?? "pe-1";
  const id =
    overrides.id ??
    `${resourceGroupId(networkResourceGroup)}/providers/Microsoft.Network/privateEndpoints/${name}`;
  return {
    ...armResource(id, name, "microsoft.network/privateendpoints", "westeurope"),
    subnetId: undefined,
    networkInterfaceIds: [],
    privateLinkServiceIds: [],
    groupIds: [],
    privateIpAddresses: [],
    ...overrides,
  };
}

/** A NIC in the node resource group (`mc_rg`), e.g. an API server private endpoint's. */
export function networkInterface(overrides: Partial<NetworkInterface> = {}): NetworkInterface {
  const name = overrides.name ?? "kube-apiserver.nic.1";
  const id =
    overrides.id ?? `${resourceGroupId("mc_rg")}/providers/Microsoft.Network/networkInterfaces/${name}`;
  return {
    ...armResource(id, name, "microsoft.network/networkinterfaces", "westeurope"),
    ipConfigurations: [],
    privateEndpointId: undefined,
    ...overrides,
  };
}

/** A network rule of `parent` (a classic firewall or a rule collection group), in collection `collection-1`. */
export function firewallRule(
  parent: { readonly id: string; readonly type: string },
  overrides: Partial<FirewallRule> = {},
): FirewallRule {
  return {
    parentId: parent.id,
    parentKey: idKey(parent.id),
    parentType: parent.type,
    collectionName: "collection-1",
    name: "rule-1",
    kind: "network",
    action: "Allow",
    protocols: ["TCP"],
    sourceAddresses: ["*"],
    destinationAddresses: [],
    destinationIpGroupIds: [],
    destinationFqdns: [],
    destinationPorts: ["443"],
    description: undefined,
    ...overrides,
  };
}

/** A classic Azure Firewall; `rules` are completed by `firewallRule` under it. */
export function azureFirewall(name = "fw-1", rules: readonly Partial<FirewallRule>[] = []): AzureFirewall {
  const id = `${resourceGroupId(networkResourceGroup)}/providers/Microsoft.Network/azureFirewalls/${name}`;
  const base = armResource(id, name, "microsoft.network/azurefirewalls", "westeurope");
  return { ...base, rules: rules.map((rule) => firewallRule(base, rule)) };
}

/** A Firewall Policy rule collection group under policy `policy-1`; `rules` are completed by `firewallRule`. */
export function ruleCollectionGroup(
  name = "rcg-1",
  rules: readonly Partial<FirewallRule>[] = [],
): FirewallPolicyRuleCollectionGroup {
  const policyId = `${resourceGroupId(networkResourceGroup)}/providers/Microsoft.Network/firewallPolicies/policy-1`;
  const id = `${policyId}/ruleCollectionGroups/${name}`;
  const base = armResource(id, name, "microsoft.network/firewallpolicies/rulecollectiongroups", "westeurope");
  return {
    ...base,
    firewallPolicyId: policyId,
    priority: 100,
    rules: rules.map((rule) => firewallRule(base, rule)),
  };
}

/** A Firewall Policy in the network resource group. */
export function firewallPolicy(name = "policy-1", overrides: Partial<FirewallPolicy> = {}): FirewallPolicy {
  const id = `${resourceGroupId(networkResourceGroup)}/providers/Microsoft.Network/firewallPolicies/${name}`;
  return {
    ...armResource(id, name, "microsoft.network/firewallpolicies", "westeurope"),
    ruleCollectionGroupIds: [],
    basePolicyId: undefined,
    firewallIds: [],
    ...overrides,
  };
}

export function ipGroupId(name: string): string {
  return `${resourceGroupId(networkResourceGroup)}/providers/Microsoft.Network/ipGroups/${name}`;
}

export function ipGroup(name: string, ipAddresses: readonly string[]): IpGroup {
  return { ...armResource(ipGroupId(name), name, "microsoft.network/ipgroups", "westeurope"), ipAddresses };
}

/** Azure's six default rules, as partial rules for `nsg({ securityRules })`, which adds none by itself. */
export function defaultSecurityRules(): Partial<SecurityRule>[] {
  const rule = (
    name: string,
    priority: number,
    direction: SecurityRule["direction"],
    access: SecurityRule["access"],
    source: string,
    destination: string,
  ): Partial<SecurityRule> => ({
    name,
    isDefault: true,
    priority,
    direction,
    access,
    protocol: "*",
    sourceAddressPrefixes: [source],
    destinationAddressPrefixes: [destination],
    destinationPortRanges: ["*"],
  });
  return [
    rule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    rule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
    rule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
    rule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    rule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
    rule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
  ];
}

/** A Network Contributor assignment for the default cluster identity at the subscription scope unless told otherwise. */
export function roleAssignment(overrides: Partial<RoleAssignment> = {}): RoleAssignment {
  const scope = overrides.scope ?? `/subscriptions/${testSubscriptionId}`;
  const roleDefinitionGuid = overrides.roleDefinitionGuid ?? "4d97b98b-1d4f-4787-a291-c67834d212e7";
  const principalId = overrides.principalId ?? "33333333-3333-3333-3333-333333333333";
  // Assignment ids sit under their scope; role and principal in the name keep them distinct in a test.
  const id =
    overrides.id ??
    `${scope.replace(/\/+$/, "")}/providers/Microsoft.Authorization/roleAssignments/${roleDefinitionGuid}-${principalId}`;
  return {
    id,
    key: idKey(id),
    scope,
    roleDefinitionGuid,
    principalId,
    principalType: "ServicePrincipal",
    source: { origin: "test", row: 0 },
    ...overrides,
  };
}

/** A custom role definition with one permission block. */
export function roleDefinition(
  guid: string,
  actions: readonly string[],
  notActions: readonly string[] = [],
): RoleDefinition {
  return {
    id: `/subscriptions/${testSubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    key: guid.toLowerCase(),
    roleName: `custom ${guid.slice(0, 8)}`,
    roleType: "CustomRole",
    permissions: [{ actions, notActions }],
    source: { origin: "test", row: 0 },
  };
}

/** The test subscription under management groups `chain` (direct parent first; the root group is the tenant id). */
export function subscription(
  chain: readonly string[] = [],
  overrides: Partial<Subscription> = {},
): Subscription {
  const subscriptionId = overrides.subscriptionId ?? testSubscriptionId;
  return {
    id: `/subscriptions/${subscriptionId}`,
    key: subscriptionId.toLowerCase(),
    subscriptionId,
    displayName: "Contoso Production",
    tenantId: testTenantId,
    state: "Enabled",
    managementGroupAncestorsChain: chain.map((name) => ({ name, displayName: undefined })),
    managedByTenantIds: [],
    source: { origin: "test", row: 0 },
    ...overrides,
  };
}

/** A `resourcechanges` record on `targetId`; `changes` maps a property path to `[before, after]`. */
export function resourceChange(
  targetId: string,
  timestamp: string,
  changes: Readonly<Record<string, readonly [string | undefined, string | undefined]>> = {},
  changeType = "Update",
): ResourceChange {
  const id = `${targetId}/providers/Microsoft.Resources/changes/${changeType}-${timestamp}`;
  return {
    id,
    targetKey: idKey(targetId),
    targetResourceId: targetId,
    changeType,
    timestamp,
    changes: Object.fromEntries(
      Object.entries(changes).map(([path, [before, after]]) => [path, { before, after }]),
    ),
    source: { origin: "test", row: 0 },
  };
}

/** Observations of one cluster: `samples` oldest first, no API server IPs. */
export function clusterObservations(
  clusterIdOfSamples: string,
  samples: readonly ClusterSample[],
): Observations {
  return {
    schemaVersion: 1,
    clusters: {
      [idKey(clusterIdOfSamples)]: { clusterId: clusterIdOfSamples, samples, apiServerIps: [] },
    },
  };
}

export interface InventoryParts {
  readonly clusters?: readonly Cluster[];
  readonly vnets?: readonly VirtualNetwork[];
  /** Subnets that came as rows of their own (those of `vnets` are added anyway). */
  readonly subnets?: readonly Subnet[];
  readonly nsgs?: readonly NetworkSecurityGroup[];
  readonly loadBalancers?: readonly LoadBalancer[];
  readonly privateEndpoints?: readonly PrivateEndpoint[];
  readonly networkInterfaces?: readonly NetworkInterface[];
  readonly azureFirewalls?: readonly AzureFirewall[];
  readonly ruleCollectionGroups?: readonly FirewallPolicyRuleCollectionGroup[];
  readonly ipGroups?: readonly IpGroup[];
  readonly firewallPolicies?: readonly FirewallPolicy[];
  readonly subscriptions?: readonly Subscription[];
  readonly roleDefinitions?: readonly RoleDefinition[];
  readonly overrides?: Partial<Inventory>;
}

function byKey<T extends { readonly key: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.key, item]));
}

export function inventory(parts: InventoryParts = {}): Inventory {
  const vnets = parts.vnets ?? [];
  const nsgs = parts.nsgs ?? [];
  return {
    clusters: byKey(parts.clusters ?? []),
    virtualNetworks: byKey(vnets),
    subnets: byKey([...vnets.flatMap((network) => network.subnets), ...(parts.subnets ?? [])]),
    networkSecurityGroups: byKey(nsgs),
    securityRules: byKey(nsgs.flatMap((group) => group.securityRules)),
    azureFirewalls: byKey(parts.azureFirewalls ?? []),
    firewallPolicyRuleCollectionGroups: byKey(parts.ruleCollectionGroups ?? []),
    firewallPolicies: byKey(parts.firewallPolicies ?? []),
    unreadRuleCollectionGroups: [],
    ipGroups: byKey(parts.ipGroups ?? []),
    loadBalancers: byKey(parts.loadBalancers ?? []),
    privateEndpoints: byKey(parts.privateEndpoints ?? []),
    networkInterfaces: byKey(parts.networkInterfaces ?? []),
    resourceChanges: [],
    subscriptions: byKey(parts.subscriptions ?? []),
    roleDefinitions: byKey(parts.roleDefinitions ?? []),
    roleAssignments: undefined,
    diagnostics: [],
    ...parts.overrides,
  };
}

/** History, endpoints and clock a rule test may set; everything else comes from the inventory. */
export interface ContextExtras {
  readonly observations?: Observations;
  readonly apiServerEndpoints?: ReadonlyMap<string, readonly ApiServerEndpoint[]>;
  readonly now?: Date;
}

export function ruleContext(
  inventoryUnderTest: Inventory,
  configOverrides: Partial<Config> = {},
  extras: ContextExtras = {},
): RuleContext {
  return {
    inventory: inventoryUnderTest,
    relations: buildRelations(inventoryUnderTest),
    config: { ...defaultConfig, ...configOverrides },
    history: createHistory(extras.observations),
    apiServerEndpoints: extras.apiServerEndpoints ?? new Map(),
    now: extras.now ?? testNow,
  };
}

export function evaluate(
  rule: Rule,
  inventoryUnderTest: Inventory,
  configOverrides: Partial<Config> = {},
  extras: ContextExtras = {},
): RuleOutcome[] {
  return [...rule.evaluate(ruleContext(inventoryUnderTest, configOverrides, extras))];
}

/** What table-driven rule tests compare: ids, statuses, severities — never prose. */
export interface OutcomeSummary {
  readonly id: string;
  readonly status: RuleOutcome["status"];
  readonly severity: string | undefined;
  readonly detail: string | undefined;
}

/** Outcomes as (id, status, severity-or-rule-default, detail), in the order the rule yields them. */
export function summarize(rule: Rule, outcomes: readonly RuleOutcome[]): OutcomeSummary[] {
  return outcomes.map((outcome) => ({
    id: outcome.subject.id,
    status: outcome.status,
    severity:
      outcome.status === "fail" || outcome.status === "unverified"
        ? (outcome.severity ?? rule.meta.severity)
        : undefined,
    detail: outcome.detail,
  }));
}
