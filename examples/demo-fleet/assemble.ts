// Turns the demo fleet's declarative tables into ARG rows: subnets fill up with the nodes, API servers and endpoints placed in them.
import {
  guid,
  hexTag,
  kubeApiServerLoadBalancer,
  networkInterface,
  networkSecurityGroup,
  nicIpConfigurationId,
  privateEndpoint,
  resourceChange,
  resourceGroupId,
  resourceId,
  roleAssignment,
  roleDefinition,
  roleDefinitionGuids,
  subnet,
  subscriptionContainer,
  virtualNetwork,
} from "./arm.ts";
import type { Json, ManagementGroupShape, Placement, Row, SecurityRuleShape } from "./arm.ts";
import { managedCluster } from "./managed-cluster.ts";
import type { ClusterSpec, PoolSpec } from "./managed-cluster.ts";

export type { ClusterSpec, PoolSpec };

export interface SubnetSpec {
  readonly name: string;
  readonly prefixes: readonly string[];
  readonly delegated?: boolean;
  /** Name of an NSG of the same subscription. */
  readonly nsg?: string;
  /** Other VMs' NICs in the subnet (jump boxes, agents): name → private IP. */
  readonly vmNics?: Readonly<Record<string, string>>;
  /** A private endpoint of some other service (Key Vault, SQL) placed in the subnet. */
  readonly privateEndpoint?: {
    readonly name: string;
    readonly ip: string;
    readonly service: string;
    readonly groupId: string;
  };
  /** Extra ipConfiguration ids (e.g. a firewall's). */
  readonly ipConfigurationIds?: readonly string[];
  /**
   * An API server subnet that a cluster outside the scan uses: the subnet carries AKS's service association link
   * and that cluster's `kube-apiserver` frontend, as `az network vnet subnet show` prints it
   * (test/fixtures/az/subnet-show-apiserver-aks-managed.json), while no cluster in the demo references it.
   */
  readonly usedByClusterOutsideScan?: {
    readonly subscriptionId: string;
    readonly resourceGroup: string;
    readonly name: string;
    readonly location: string;
  };
}

export interface VnetSpec {
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly addressPrefixes: readonly string[];
  readonly encrypted?: boolean;
  readonly subnets: readonly SubnetSpec[];
}

export interface NsgSpec {
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly rules: readonly SecurityRuleShape[];
  readonly withDefaultRules?: boolean;
}

export interface SubscriptionSpec {
  readonly name: string;
  readonly subscriptionId: string;
  /** Management groups above the subscription, nearest first (the tenant root group is added). */
  readonly managementGroups?: readonly ManagementGroupShape[];
  readonly vnets: readonly VnetSpec[];
  readonly nsgs: readonly NsgSpec[];
  readonly clusters: readonly ClusterSpec[];
  /** Firewalls, policies and IP groups, built from the subscription's placement. */
  readonly extraRows?: (subscription: {
    readonly tenantId: string;
    readonly subscriptionId: string;
  }) => TableRows;
}

export interface TenantSpec {
  /** File name of the tenant's snapshot, without `.json`. */
  readonly file: string;
  readonly tenantId: string;
  readonly subscriptions: readonly SubscriptionSpec[];
}

export const tableNames = [
  "resources",
  "networkresources",
  "resourcechanges",
  "authorizationresources",
  "resourcecontainers",
] as const;
export type TableName = (typeof tableNames)[number];
export type TableRows = Partial<Record<TableName, readonly Row[]>>;

/** A subnet being filled: its id and everything that takes an address in it. */
interface SubnetFill {
  readonly id: string;
  readonly ipConfigurationIds: string[];
  readonly privateEndpointIds: string[];
}

interface Context {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly subnets: ReadonlyMap<string, SubnetFill>;
  /** VNet name → id. */
  readonly vnets: ReadonlyMap<string, string>;
  readonly tables: Record<TableName, Row[]>;
}

function placement(
  context: Pick<Context, "tenantId" | "subscriptionId">,
  resourceGroup: string,
  location: string,
): Placement {
  return { tenantId: context.tenantId, subscriptionId: context.subscriptionId, resourceGroup, location };
}

function subnetFill(context: Context, ref: string): SubnetFill {
  const fill = context.subnets.get(ref);
  if (!fill) throw new Error(`demo fleet: unknown subnet ${ref} in subscription ${context.subscriptionId}`);
  return fill;
}

function vnetId(context: Pick<Context, "tenantId" | "subscriptionId">, vnet: VnetSpec): string {
  return resourceId(
    placement(context, vnet.resourceGroup, vnet.location),
    "Microsoft.Network/virtualNetworks",
    vnet.name,
  );
}

function indexSubnets(
  context: Pick<Context, "tenantId" | "subscriptionId">,
  vnets: readonly VnetSpec[],
): Map<string, SubnetFill> {
  const subnets = new Map<string, SubnetFill>();
  for (const vnet of vnets) {
    const id = vnetId(context, vnet);
    for (const spec of vnet.subnets) {
      subnets.set(`${vnet.name}/${spec.name}`, {
        id: `${id}/subnets/${spec.name}`,
        ipConfigurationIds: [],
        privateEndpointIds: [],
      });
    }
  }
  return subnets;
}

/** Addresses a pool takes in its node subnet: one per node, plus one per pod with flat Azure CNI. */
export function ipsPerNode(cluster: ClusterSpec, pool: PoolSpec): number {
  const flatAzureCni = cluster.networkPlugin === "azure" && !cluster.overlay && !pool.podSubnet;
  return flatAzureCni ? pool.maxPods + 1 : 1;
}

function vmssIpConfigurationIds(nodeResourceGroupId: string, cluster: ClusterSpec, pool: PoolSpec): string[] {
  const vmss = `aks-${pool.name}-${String(parseInt(hexTag(`${cluster.name}/${pool.name}`, 8), 16) % 1e8).padStart(8, "0")}-vmss`;
  const vmssId = `${nodeResourceGroupId}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}`;
  const perNode = ipsPerNode(cluster, pool);
  return Array.from({ length: pool.count * perNode }, (_, index) => {
    const instance = Math.floor(index / perNode);
    return `${vmssId}/virtualMachines/${instance}/networkInterfaces/${vmss}/ipConfigurations/ipconfig${(index % perNode) + 1}`;
  });
}

/** A private endpoint with its NIC, taking one address (and listed as an endpoint) in the subnet. */
function addPrivateEndpoint(
  context: Context,
  at: Placement,
  fill: SubnetFill,
  endpoint: {
    readonly name: string;
    readonly ip: string;
    readonly targetId: string;
    readonly groupId: string;
  },
): void {
  const nicName = `${endpoint.name}.nic.${guid(`nic:${at.resourceGroup}/${endpoint.name}`)}`;
  const ipConfigurationName = `privateEndpointIpConfig.${guid(`ipconfig:${at.resourceGroup}/${endpoint.name}`)}`;
  const peId = resourceId(at, "Microsoft.Network/privateEndpoints", endpoint.name);
  const nicId = resourceId(at, "Microsoft.Network/networkInterfaces", nicName);
  context.tables.resources.push(
    privateEndpoint(at, {
      name: endpoint.name,
      subnetId: fill.id,
      networkInterfaceId: nicId,
      privateLinkServiceId: endpoint.targetId,
      groupId: endpoint.groupId,
    }),
    networkInterface(at, {
      name: nicName,
      ipConfigurationName,
      privateIpAddress: endpoint.ip,
      subnetId: fill.id,
      privateEndpointId: peId,
    }),
  );
  fill.ipConfigurationIds.push(nicIpConfigurationId(at, { name: nicName, ipConfigurationName }));
  fill.privateEndpointIds.push(peId);
}

/** Fills subnets with what the cluster places there and writes the cluster's own rows. */
function addCluster(context: Context, cluster: ClusterSpec): void {
  const at = placement(context, cluster.resourceGroup, cluster.location);
  const nodeAt = placement(
    context,
    `MC_${cluster.resourceGroup}_${cluster.name}_${cluster.location}`,
    cluster.location,
  );
  const subnetIdOf = (ref: string): string => subnetFill(context, ref).id;
  const row = managedCluster(at, nodeAt.resourceGroup, cluster, subnetIdOf);
  context.tables.resources.push(row);
  const clusterId = row.id;
  for (const pool of cluster.pools) {
    if (pool.subnet)
      subnetFill(context, pool.subnet).ipConfigurationIds.push(
        ...vmssIpConfigurationIds(resourceGroupId(nodeAt), cluster, pool),
      );
  }
  const apiServer = cluster.apiServer;
  if (apiServer.kind === "integrated") {
    const fill = apiServer.subnet ? subnetFill(context, apiServer.subnet) : undefined;
    const lbId = resourceId(nodeAt, "Microsoft.Network/loadBalancers", "kube-apiserver");
    const frontendIds = Array.from(
      { length: apiServer.ipConfigurations ?? 9 },
      (_, index) => `${lbId}/frontendIPConfigurations/${guid(`${clusterId}#fe${index}`)}`,
    );
    fill?.ipConfigurationIds.push(...frontendIds);
    const subnetId =
      fill?.id ??
      `${resourceGroupId(nodeAt)}/providers/Microsoft.Network/virtualNetworks/aks-vnet-${hexTag(cluster.name, 8)}/subnets/aks-apiserver-subnet`;
    context.tables.resources.push(
      kubeApiServerLoadBalancer(nodeAt, {
        id: frontendIds[0] ?? lbId,
        privateIpAddress: apiServer.ip,
        subnetId,
      }),
    );
  }
  if (apiServer.kind === "private") {
    const nodeSubnet = cluster.pools[0]?.subnet;
    if (!nodeSubnet)
      throw new Error(`demo fleet: private cluster ${cluster.name} needs a node subnet for its endpoint`);
    addPrivateEndpoint(context, nodeAt, subnetFill(context, nodeSubnet), {
      name: "kube-apiserver",
      ip: apiServer.endpointIp,
      targetId: clusterId,
      groupId: "management",
    });
  }
  addRoleAssignments(context, cluster, row);
  addChanges(context, cluster, row);
}

function roleScope(context: Context, cluster: ClusterSpec, scope: string): string {
  const [kind, ref = ""] = scope.split(":");
  if (kind === "subnet") return subnetFill(context, ref).id;
  if (kind === "vnet") {
    const id = context.vnets.get(ref);
    if (id) return id;
  }
  if (kind === "rg") return `/subscriptions/${context.subscriptionId}/resourceGroups/${ref}`;
  if (kind === "subscription") return `/subscriptions/${context.subscriptionId}`;
  if (kind === "mg") return `/providers/Microsoft.Management/managementGroups/${ref}`;
  throw new Error(`demo fleet: bad role scope ${scope} for ${cluster.name}`);
}

/**
 * The platform team's custom role, granted on single subnets instead of Network Contributor: it reads subnets
 * and joins them (wildcards expanded), and may not delete or write them (notActions).
 */
function customSubnetJoiner(context: Context): Row {
  return roleDefinition({
    tenantId: context.tenantId,
    subscriptionId: context.subscriptionId,
    guid: guid("custom-role:aks-subnet-joiner"),
    roleName: "AKS Subnet Joiner",
    description: "Lets an AKS cluster identity read and join the subnets it is granted on",
    actions: ["Microsoft.Network/virtualNetworks/subnets/*", "Microsoft.Network/virtualNetworks/read"],
    notActions: [
      "Microsoft.Network/virtualNetworks/subnets/delete",
      "Microsoft.Network/virtualNetworks/subnets/write",
    ],
  });
}

function addRoleAssignments(context: Context, cluster: ClusterSpec, row: Row): void {
  const principalId = principalOf(row);
  for (const role of cluster.roles ?? []) {
    if (role.role === "custom") {
      const definition = customSubnetJoiner(context);
      const rows = context.tables.authorizationresources;
      if (!rows.some((existing) => existing.id === definition.id)) rows.push(definition);
    }
    const roleDefinitionGuid =
      role.role === "custom" ? guid("custom-role:aks-subnet-joiner") : roleDefinitionGuids[role.role];
    context.tables.authorizationresources.push(
      roleAssignment({
        tenantId: context.tenantId,
        subscriptionId: context.subscriptionId,
        scope: roleScope(context, cluster, role.scope),
        roleDefinitionGuid,
        principalId,
      }),
    );
  }
}

/** The principal AKS acts as: the system-assigned one, else the (single) user-assigned identity's. */
function principalOf(row: Row): string {
  const identity = row.identity as {
    principalId?: string;
    userAssignedIdentities?: Record<string, { principalId: string }>;
  };
  return identity.principalId ?? Object.values(identity.userAssignedIdentities ?? {})[0]?.principalId ?? "";
}

const changeRecords = {
  create: { changeType: "Create", changes: {} },
  enable: {
    changeType: "Update",
    changes: {
      "properties.apiServerAccessProfile.enableVnetIntegration": { previousValue: "false", newValue: "true" },
    },
  },
  stop: {
    changeType: "Update",
    changes: { "properties.powerState.code": { previousValue: "Running", newValue: "Stopped" } },
  },
  start: {
    changeType: "Update",
    changes: { "properties.powerState.code": { previousValue: "Stopped", newValue: "Running" } },
  },
} as const;

function addChanges(context: Context, cluster: ClusterSpec, row: Row): void {
  for (const change of cluster.changes ?? []) {
    const record = changeRecords[change.kind];
    context.tables.resourcechanges.push(resourceChange(row, change.at, record.changeType, record.changes));
  }
}

function addSubnetExtras(context: Context, vnet: VnetSpec): void {
  for (const spec of vnet.subnets) {
    const fill = subnetFill(context, `${vnet.name}/${spec.name}`);
    const at = placement(context, vnet.resourceGroup, vnet.location);
    for (const nicName of Object.keys(spec.vmNics ?? {})) {
      fill.ipConfigurationIds.push(
        nicIpConfigurationId(at, { name: nicName, ipConfigurationName: "ipconfig1" }),
      );
    }
    fill.ipConfigurationIds.push(...(spec.ipConfigurationIds ?? []));
    const outside = spec.usedByClusterOutsideScan;
    if (outside) {
      const nodeResourceGroup = `MC_${outside.resourceGroup}_${outside.name}_${outside.location}`;
      fill.ipConfigurationIds.push(
        `/subscriptions/${outside.subscriptionId}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.Network/loadBalancers/kube-apiserver/frontendIPConfigurations/kube-apiserver-frontend`,
      );
    }
    const endpoint = spec.privateEndpoint;
    if (endpoint) {
      const targetId = resourceId(at, endpoint.service, endpoint.name.replace(/^pe-/, ""));
      addPrivateEndpoint(context, at, fill, {
        name: endpoint.name,
        ip: endpoint.ip,
        targetId,
        groupId: endpoint.groupId,
      });
    }
  }
}

function vnetRow(context: Context, vnet: VnetSpec): Row {
  const at = placement(context, vnet.resourceGroup, vnet.location);
  const id = vnetId(context, vnet);
  const nsgIdOf = (name: string | undefined): string | undefined =>
    name ? resourceId(at, "Microsoft.Network/networkSecurityGroups", name) : undefined;
  const subnets: Json[] = vnet.subnets.map((spec) => {
    const fill = subnetFill(context, `${vnet.name}/${spec.name}`);
    return subnet({
      vnetId: id,
      name: spec.name,
      prefixes: spec.prefixes,
      delegatedToAks: spec.delegated ?? false,
      aksServiceAssociationLocation: spec.usedByClusterOutsideScan?.location,
      networkSecurityGroupId: nsgIdOf(spec.nsg),
      ipConfigurationIds: fill.ipConfigurationIds,
      privateEndpointIds: fill.privateEndpointIds,
    });
  });
  return virtualNetwork(at, {
    name: vnet.name,
    addressPrefixes: vnet.addressPrefixes,
    encryptionEnabled: vnet.encrypted ?? false,
    subnets,
    tags: { "managed-by": "terraform" },
  });
}

function nsgRow(context: Context, nsg: NsgSpec, vnets: readonly VnetSpec[]): Row {
  const subnetIds = vnets.flatMap((vnet) =>
    vnet.subnets
      .filter((spec) => spec.nsg === nsg.name)
      .map((spec) => subnetFill(context, `${vnet.name}/${spec.name}`).id),
  );
  return networkSecurityGroup(placement(context, nsg.resourceGroup, nsg.location), {
    name: nsg.name,
    securityRules: nsg.rules,
    subnetIds,
    withDefaultRules: nsg.withDefaultRules ?? true,
  });
}

function addSubscription(
  tables: Record<TableName, Row[]>,
  tenantId: string,
  subscription: SubscriptionSpec,
): void {
  const base = { tenantId, subscriptionId: subscription.subscriptionId, tables };
  const vnets = new Map(subscription.vnets.map((vnet) => [vnet.name, vnetId(base, vnet)]));
  const context: Context = { ...base, subnets: indexSubnets(base, subscription.vnets), vnets };
  for (const cluster of subscription.clusters) addCluster(context, cluster);
  for (const vnet of subscription.vnets) addSubnetExtras(context, vnet);
  tables.resources.push(...subscription.vnets.map((vnet) => vnetRow(context, vnet)));
  tables.resources.push(...subscription.nsgs.map((nsg) => nsgRow(context, nsg, subscription.vnets)));
  const extra = subscription.extraRows?.({ tenantId, subscriptionId: subscription.subscriptionId }) ?? {};
  for (const table of tableNames) tables[table].push(...(extra[table] ?? []));
}

/** ARG's `order by id asc` compares case-insensitively; ties keep a stable order by exact id. */
function byId(a: Row, b: Row): number {
  const left = a.id;
  const right = b.id;
  const compare = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return compare(left.toLowerCase(), right.toLowerCase()) || compare(left, right);
}

/** Every table of one tenant, rows sorted by id. */
export function assembleTenant(tenant: TenantSpec): Record<TableName, readonly Row[]> {
  const tables: Record<TableName, Row[]> = {
    resources: [],
    networkresources: [],
    resourcechanges: [],
    authorizationresources: [],
    // Subscription names, shown beside subscription ids in the reports.
    resourcecontainers: tenant.subscriptions.map((subscription) =>
      subscriptionContainer(
        tenant.tenantId,
        subscription.subscriptionId,
        subscription.name,
        subscription.managementGroups,
      ),
    ),
  };
  for (const subscription of tenant.subscriptions) addSubscription(tables, tenant.tenantId, subscription);
  for (const table of tableNames) tables[table].sort(byId);
  return tables;
}
