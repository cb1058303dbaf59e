// Lookups derived once per run from the inventory (which cluster uses which subnet), shared by every rule.
import type { ResultSubject } from "../findings/result.ts";
import { parsePrefix, usableAddressCount } from "../net/prefix.ts";
import type { Prefix } from "../net/prefix.ts";
import { parentIdBefore, subscriptionFromId } from "./arm-id.ts";
import { idKey } from "./model.ts";
import type { AgentPool, Cluster, Inventory, Subnet, VirtualNetwork } from "./model.ts";
import {
  apiServerLoadBalancerIds,
  apiServerLoadBalancerKey,
  clustersOutsideScan,
  isLinkedToAks,
  noClustersOutsideScan,
  type ClustersOutsideScan,
} from "./apiserver-subnet-occupancy.ts";

export const managedClustersDelegation = "Microsoft.ContainerService/managedClusters";

export const subnetResourceType = "Microsoft.Network/virtualNetworks/subnets";

/**
 * A subnet some resource points at. It may be absent from the inventory (another tenant, a scope we
 * cannot read, a deleted subnet): `subnet` is then undefined and rules answer `unverified`.
 */
export interface SubnetRef {
  /** As first referenced (or as the inventory spells it); casing kept for display. */
  readonly id: string;
  readonly key: string;
  readonly subnet: Subnet | undefined;
  /** Lower-cased id of the VNet; derived from the subnet id when the subnet is missing. */
  readonly vnetKey: string;
  readonly virtualNetwork: VirtualNetwork | undefined;
  readonly subscriptionId: string;
  /** From the VNet, else from the first cluster that referenced the subnet, else empty. */
  readonly tenantId: string;
}

export interface ApiServerSubnetUse {
  readonly subnet: SubnetRef;
  /** Clusters whose `apiServerAccessProfile.subnetId` names this subnet, integrated or not. */
  readonly clusters: readonly Cluster[];
  /** Clusters the subnet itself shows (AKS link, `kube-apiserver` frontends) that no scanned cluster accounts for. */
  readonly clustersOutsideScan: ClustersOutsideScan;
  /** True when the subnet is in the inventory and delegated to managedClusters. */
  readonly delegated: boolean;
}

export interface NodePool {
  readonly cluster: Cluster;
  readonly pool: AgentPool;
}

export interface NodeSubnetUse {
  readonly subnet: SubnetRef;
  /** Every (cluster, pool) whose `vnetSubnetID` names this subnet. */
  readonly pools: readonly NodePool[];
}

/**
 * Derived lookups, keyed by lower-cased ARM id. Add a field here (and fill it in `buildRelations`) when
 * a new rule needs a cross-resource join, rather than rebuilding it inside the rule.
 */
export interface Relations {
  /** Subnets referenced as an API server subnet or delegated to managedClusters. */
  readonly apiServerSubnets: ReadonlyMap<string, ApiServerSubnetUse>;
  /** Subnets named by any pool's `vnetSubnetID`. */
  readonly nodeSubnets: ReadonlyMap<string, NodeSubnetUse>;
  /** Cluster key → distinct node subnets (empty for an AKS-managed VNet). */
  readonly clusterNodeSubnets: ReadonlyMap<string, readonly SubnetRef[]>;
  /** Cluster key → distinct VNet keys of its node subnets. */
  readonly clusterNodeVnetKeys: ReadonlyMap<string, readonly string[]>;
  /** Cluster key → the subnet its `apiServerAccessProfile.subnetId` names (absent for an AKS-managed VNet). */
  readonly clusterApiServerSubnets: ReadonlyMap<string, SubnetRef>;
}

/** The VNet part of a subnet id, lower-cased; the id itself when it names no subnet. */
export function vnetKeyOfSubnetId(subnetId: string): string {
  return idKey(parentIdBefore(subnetId, "subnets") ?? subnetId);
}

/**
 * A subnet delegated to AKS, linked by AKS to itself, or holding API server frontends is an API server subnet
 * even when no scanned cluster names it (the cluster may be in another scope, or on an AKS-managed VNet).
 */
export function isApiServerSubnetByContent(subnet: Subnet): boolean {
  return (
    isDelegatedToManagedClusters(subnet) ||
    isLinkedToAks(subnet) ||
    apiServerLoadBalancerIds(subnet).length > 0
  );
}

export function isDelegatedToManagedClusters(subnet: Subnet): boolean {
  const wanted = idKey(managedClustersDelegation);
  return subnet.delegations.some((delegation) => idKey(delegation.serviceName) === wanted);
}

export interface SubnetCapacity {
  readonly ipv4Prefixes: readonly Prefix[];
  /** Σ usable addresses over the IPv4 prefixes (Azure keeps 5 of every prefix). */
  readonly capacity: number;
}

/** Only IPv4 counts: API servers and nodes take their addresses from it, IPv6 space is never the limit. */
export function subnetIpv4Capacity(subnet: Subnet): SubnetCapacity {
  const ipv4Prefixes = subnet.addressPrefixes
    .map((text) => parsePrefix(text))
    .filter((prefix): prefix is Prefix => prefix?.family === 4);
  const capacity = ipv4Prefixes.reduce((sum, prefix) => sum + usableAddressCount(prefix), 0);
  return { ipv4Prefixes, capacity };
}

/** The subnet when its size can be judged: in the inventory and with at least one address prefix that parsed. */
export function sizedSubnet(ref: SubnetRef): Subnet | undefined {
  return ref.subnet !== undefined && ref.subnet.addressPrefixes.length > 0 ? ref.subnet : undefined;
}

/** The BYO API server subnet of an integrated cluster; undefined when not integrated or on an AKS-managed VNet. */
export function integratedApiServerSubnet(cluster: Cluster, relations: Relations): SubnetRef | undefined {
  return cluster.apiServerAccessProfile.enableVnetIntegration
    ? relations.clusterApiServerSubnets.get(cluster.key)
    : undefined;
}

export function clusterSubject(cluster: Cluster): ResultSubject {
  return {
    id: cluster.id,
    type: cluster.type,
    tenantId: cluster.tenantId,
    subscriptionId: cluster.subscriptionId,
  };
}

/** The result subject for a subnet, whether or not it is in the inventory. */
export function subnetSubject(ref: SubnetRef): ResultSubject {
  return { id: ref.id, type: subnetResourceType, tenantId: ref.tenantId, subscriptionId: ref.subscriptionId };
}

function makeSubnetRefs(inventory: Inventory): (id: string, tenantHint: string) => SubnetRef {
  const refs = new Map<string, SubnetRef>();
  return (id, tenantHint) => {
    const key = idKey(id);
    const known = refs.get(key);
    if (known !== undefined) return known;
    const subnet = inventory.subnets.get(key);
    const vnetKey = subnet?.vnetKey ?? vnetKeyOfSubnetId(id);
    const virtualNetwork = inventory.virtualNetworks.get(vnetKey);
    const ref: SubnetRef = {
      id: subnet?.id ?? id,
      key,
      subnet,
      vnetKey,
      virtualNetwork,
      subscriptionId: virtualNetwork?.subscriptionId ?? subscriptionFromId(id) ?? "",
      tenantId: virtualNetwork?.tenantId ?? tenantHint,
    };
    refs.set(key, ref);
    return ref;
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function distinctBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(keyOf(item))) seen.set(keyOf(item), item);
  return [...seen.values()];
}

/** One pass over clusters and subnets; every later lookup is a map read. */
export function buildRelations(inventory: Inventory): Relations {
  const subnetRef = makeSubnetRefs(inventory);
  const apiServerClusters = new Map<string, Cluster[]>();
  const apiServerRefs = new Map<string, SubnetRef>();
  const nodePools = new Map<string, NodePool[]>();
  const nodeRefs = new Map<string, SubnetRef>();
  const clusterNodeSubnets = new Map<string, SubnetRef[]>();
  const clusterNodeVnetKeys = new Map<string, string[]>();
  const clusterApiServerSubnets = new Map<string, SubnetRef>();

  for (const cluster of inventory.clusters.values()) {
    const apiServerSubnetId = cluster.apiServerAccessProfile.subnetId;
    if (apiServerSubnetId !== undefined && apiServerSubnetId !== "") {
      const ref = subnetRef(apiServerSubnetId, cluster.tenantId);
      apiServerRefs.set(ref.key, ref);
      pushTo(apiServerClusters, ref.key, cluster);
      clusterApiServerSubnets.set(cluster.key, ref);
    }
    const poolSubnets: SubnetRef[] = [];
    for (const pool of cluster.agentPools) {
      if (pool.vnetSubnetId === undefined || pool.vnetSubnetId === "") continue;
      const ref = subnetRef(pool.vnetSubnetId, cluster.tenantId);
      nodeRefs.set(ref.key, ref);
      pushTo(nodePools, ref.key, { cluster, pool });
      poolSubnets.push(ref);
    }
    const distinctSubnets = distinctBy(poolSubnets, (ref) => ref.key);
    clusterNodeSubnets.set(cluster.key, distinctSubnets);
    clusterNodeVnetKeys.set(cluster.key, [...new Set(distinctSubnets.map((ref) => ref.vnetKey))]);
  }

  for (const subnet of inventory.subnets.values())
    if (isApiServerSubnetByContent(subnet)) apiServerRefs.set(subnet.key, subnetRef(subnet.id, ""));

  const scannedLoadBalancers = new Set<string>();
  for (const cluster of inventory.clusters.values()) {
    const key = apiServerLoadBalancerKey(cluster);
    if (key !== undefined) scannedLoadBalancers.add(key);
  }
  const apiServerSubnets = new Map<string, ApiServerSubnetUse>();
  for (const [key, ref] of apiServerRefs) {
    const delegated = ref.subnet !== undefined && isDelegatedToManagedClusters(ref.subnet);
    const clusters = apiServerClusters.get(key) ?? [];
    const outside =
      ref.subnet === undefined
        ? noClustersOutsideScan
        : clustersOutsideScan(ref.subnet, clusters, scannedLoadBalancers);
    apiServerSubnets.set(key, { subnet: ref, clusters, clustersOutsideScan: outside, delegated });
  }
  const nodeSubnets = new Map<string, NodeSubnetUse>();
  for (const [key, ref] of nodeRefs) nodeSubnets.set(key, { subnet: ref, pools: nodePools.get(key) ?? [] });

  return { apiServerSubnets, nodeSubnets, clusterNodeSubnets, clusterNodeVnetKeys, clusterApiServerSubnets };
}
