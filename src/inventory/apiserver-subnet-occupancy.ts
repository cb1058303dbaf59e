// Clusters an API server subnet shows on itself: AKS's service association link and `kube-apiserver` frontends.
// An integrated cluster puts its API server behind an internal load balancer named `kube-apiserver` in its node
// resource group, with a frontend in the API server subnet, and AKS links the subnet to itself
// (`serviceAssociationLinks[].linkedResourceType` Microsoft.ContainerService/managedClusters). Both stay when the
// cluster is outside the scanned scope, so the subnet still tells how many clusters hold addresses in it.
import { parentIdBefore } from "./arm-id.ts";
import { idKey, type Cluster, type Subnet } from "./model.ts";

const managedClustersType = "microsoft.containerservice/managedclusters";

/** Clusters that use a subnet but that no scanned cluster row accounts for. */
export interface ClustersOutsideScan {
  /** At least this many clusters outside the scan hold addresses here. */
  readonly count: number;
  /** Their `kube-apiserver` load balancers, one per cluster (casing as the subnet writes them). */
  readonly loadBalancerIds: readonly string[];
  /** True when AKS's service association link is on the subnet. */
  readonly linkedToAks: boolean;
}

export const noClustersOutsideScan: ClustersOutsideScan = {
  count: 0,
  loadBalancerIds: [],
  linkedToAks: false,
};

const frontendIpConfigurationSegment = /\/frontendipconfigurations\//i;

/** The `kube-apiserver` load balancers whose frontends sit in the subnet, one per distinct load balancer. */
export function apiServerLoadBalancerIds(subnet: Subnet): string[] {
  const byKey = new Map<string, string>();
  for (const configurationId of subnet.ipConfigurationIds) {
    // Most ids are NICs' (a node subnet's): tested without the lower-cased copy parentIdBefore makes.
    if (!frontendIpConfigurationSegment.test(configurationId)) continue;
    const loadBalancerId = parentIdBefore(configurationId, "frontendIPConfigurations");
    if (loadBalancerId === undefined || !/\/loadbalancers\/kube-apiserver$/i.test(loadBalancerId)) continue;
    if (!byKey.has(idKey(loadBalancerId))) byKey.set(idKey(loadBalancerId), loadBalancerId);
  }
  return [...byKey.values()];
}

export function isLinkedToAks(subnet: Subnet): boolean {
  return subnet.serviceAssociationLinkTypes.some((type) => type.toLowerCase() === managedClustersType);
}

/** Where a scanned cluster's API server load balancer lives: `kube-apiserver` in its node resource group. */
export function apiServerLoadBalancerKey(cluster: Cluster): string | undefined {
  if (cluster.nodeResourceGroup === undefined || cluster.subscriptionId === "") return undefined;
  return idKey(
    `/subscriptions/${cluster.subscriptionId}/resourceGroups/${cluster.nodeResourceGroup}/providers/Microsoft.Network/loadBalancers/kube-apiserver`,
  );
}

/**
 * The clusters the subnet shows that the scan does not: its `kube-apiserver` load balancers that belong to no
 * scanned cluster (matched by node resource group), less the referencing clusters whose node resource group is
 * unknown (they may own one of them); at least one when AKS linked the subnet and no scanned cluster uses it.
 */
export function clustersOutsideScan(
  subnet: Subnet,
  referencingClusters: readonly Cluster[],
  scannedLoadBalancers: ReadonlySet<string>,
): ClustersOutsideScan {
  const linkedToAks = isLinkedToAks(subnet);
  const unmatched = apiServerLoadBalancerIds(subnet).filter((id) => !scannedLoadBalancers.has(idKey(id)));
  const unknownOwners = referencingClusters.filter(
    (cluster) => apiServerLoadBalancerKey(cluster) === undefined,
  );
  let count = Math.max(0, unmatched.length - unknownOwners.length);
  const usedByScannedCluster =
    referencingClusters.length > 0 || apiServerLoadBalancerIds(subnet).length > unmatched.length;
  if (count === 0 && linkedToAks && !usedByScannedCluster) count = 1;
  return { count, loadBalancerIds: count > 0 ? unmatched : [], linkedToAks };
}
