// Finds each cluster's current API server IPs from ARM evidence in its node resource group and from DNS answers (DESIGN §3).
import { nameFromId, resourceGroupFromId, subscriptionFromId, typeFromId } from "./arm-id.ts";
import { idKey } from "./model.ts";
import type { Cluster, Inventory, LoadBalancer, PrivateEndpoint } from "./model.ts";

/** AKS names the internal load balancer that fronts an integrated API server (and the private endpoint) so. */
export const kubeApiServerName = "kube-apiserver";

/** The private link sub-resource of an AKS API server private endpoint. */
const managementGroupId = "management";

/** Where an API server IP was seen; the first two are ARM facts, `dns` and `config` are weaker. */
export const apiServerIpEvidenceKinds = [
  "kube-apiserver-frontend",
  "private-endpoint-nic",
  "dns",
  "config",
] as const;
export type ApiServerIpEvidence = (typeof apiServerIpEvidenceKinds)[number];

/** One API server IP of a cluster and what shows it. */
export interface ApiServerEndpoint {
  readonly ip: string;
  readonly evidence: ApiServerIpEvidence;
  /** The resource (LB frontend, NIC ipConfiguration) or DNS name that shows the IP. */
  readonly source: string;
}

const managedClustersSegment = "/providers/microsoft.containerservice/managedclusters/";

/** Subscription + resource group, lower-cased: node resource groups are looked up by this. */
function resourceGroupKey(subscriptionId: string, resourceGroup: string): string {
  return `${subscriptionId}/${resourceGroup}`.toLowerCase();
}

function groupByResourceGroup<T extends { subscriptionId: string; resourceGroup: string }>(
  resources: Iterable<T>,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const resource of resources) {
    const key = resourceGroupKey(resource.subscriptionId, resource.resourceGroup);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [resource]);
    else list.push(resource);
  }
  return groups;
}

/** The lower-cased subscription/resource group of an ARM id, or undefined when the id names none. */
export function resourceGroupKeyOfId(id: string): string | undefined {
  const subscriptionId = subscriptionFromId(id);
  const resourceGroup = resourceGroupFromId(id);
  return subscriptionId === undefined || resourceGroup === undefined
    ? undefined
    : resourceGroupKey(subscriptionId, resourceGroup);
}

export function nodeResourceGroupKey(cluster: Cluster): string | undefined {
  return cluster.nodeResourceGroup === undefined || cluster.nodeResourceGroup === ""
    ? undefined
    : resourceGroupKey(cluster.subscriptionId, cluster.nodeResourceGroup);
}

function frontendEndpoints(loadBalancers: readonly LoadBalancer[]): ApiServerEndpoint[] {
  return loadBalancers
    .filter((loadBalancer) => loadBalancer.name.toLowerCase() === kubeApiServerName)
    .flatMap((loadBalancer) => loadBalancer.frontendIpConfigurations)
    .flatMap((frontend) =>
      frontend.privateIpAddress === undefined
        ? []
        : [
            {
              ip: frontend.privateIpAddress,
              evidence: "kube-apiserver-frontend" as const,
              source: frontend.id,
            },
          ],
    );
}

/**
 * A private endpoint serves this cluster's API server when it links to the cluster, or when it is a `management`
 * endpoint that links to no other cluster (ARG rows sometimes lack the connection's `privateLinkServiceId`).
 */
function servesCluster(endpoint: PrivateEndpoint, cluster: Cluster): boolean {
  const linked = endpoint.privateLinkServiceIds.map(idKey);
  if (linked.includes(cluster.key)) return true;
  const linksOtherCluster = linked.some((id) => id.includes(managedClustersSegment));
  return !linksOtherCluster && endpoint.groupIds.some((group) => group.toLowerCase() === managementGroupId);
}

function privateEndpointEndpoints(
  inventory: Inventory,
  privateEndpoints: readonly PrivateEndpoint[],
  cluster: Cluster,
): ApiServerEndpoint[] {
  return privateEndpoints
    .filter((endpoint) => servesCluster(endpoint, cluster))
    .flatMap((endpoint) => {
      const fromNics = endpoint.networkInterfaceIds
        .map((id) => inventory.networkInterfaces.get(idKey(id)))
        .flatMap((nic) => nic?.ipConfigurations ?? [])
        .flatMap((configuration) =>
          configuration.privateIpAddress === undefined
            ? []
            : [{ ip: configuration.privateIpAddress, source: configuration.id }],
        );
      // Without the NIC in the inventory, the endpoint's own record of its addresses is the next best evidence.
      const found =
        fromNics.length > 0
          ? fromNics
          : endpoint.privateIpAddresses.map((ip) => ({ ip, source: endpoint.id }));
      return found.map((entry) => ({ ...entry, evidence: "private-endpoint-nic" as const }));
    });
}

function dnsEndpoints(cluster: Cluster, answers: readonly string[] | undefined): ApiServerEndpoint[] {
  const fqdn = clusterFqdn(cluster) ?? "";
  return (answers ?? []).map((ip) => ({ ip, evidence: "dns" as const, source: fqdn }));
}

/** The name `--resolve-dns` asks for: the public FQDN, else the private one. */
export function clusterFqdn(cluster: Cluster): string | undefined {
  return [cluster.fqdn, cluster.privateFqdn].find((name) => name !== undefined && name !== "");
}

function distinct(endpoints: readonly ApiServerEndpoint[]): ApiServerEndpoint[] {
  const seen = new Map<string, ApiServerEndpoint>();
  for (const endpoint of endpoints) {
    const ip = endpoint.ip.toLowerCase();
    const key = `${ip} ${endpoint.evidence} ${endpoint.source.toLowerCase()}`;
    if (!seen.has(key)) seen.set(key, { ...endpoint, ip });
  }
  return [...seen.values()];
}

/**
 * Current API server IPs per cluster (lower-cased id): the `kube-apiserver` load balancer frontends of an
 * integrated cluster, the API server private endpoint's NIC of a private non-integrated one, and DNS answers.
 * Clusters with no evidence are absent. Load balancers and private endpoints are grouped by resource group once.
 */
export function findApiServerEndpoints(
  inventory: Inventory,
  dnsAnswers: ReadonlyMap<string, readonly string[]> = new Map(),
): Map<string, ApiServerEndpoint[]> {
  const loadBalancers = groupByResourceGroup(inventory.loadBalancers.values());
  const privateEndpoints = groupByResourceGroup(inventory.privateEndpoints.values());
  const endpoints = new Map<string, ApiServerEndpoint[]>();
  for (const cluster of inventory.clusters.values()) {
    const nodeGroup = nodeResourceGroupKey(cluster);
    const profile = cluster.apiServerAccessProfile;
    const found: ApiServerEndpoint[] = [];
    if (nodeGroup !== undefined && profile.enableVnetIntegration)
      found.push(...frontendEndpoints(loadBalancers.get(nodeGroup) ?? []));
    if (nodeGroup !== undefined && !profile.enableVnetIntegration && profile.enablePrivateCluster)
      found.push(...privateEndpointEndpoints(inventory, privateEndpoints.get(nodeGroup) ?? [], cluster));
    found.push(...dnsEndpoints(cluster, dnsAnswers.get(cluster.key)));
    if (found.length > 0) endpoints.set(cluster.key, distinct(found));
  }
  return endpoints;
}

const apiServerResourceTypes = new Set([
  "microsoft.network/loadbalancers",
  "microsoft.network/privateendpoints",
  "microsoft.network/networkinterfaces",
]);

/**
 * True when `resourceId` is the cluster itself or, in its node resource group, the `kube-apiserver` load balancer,
 * private endpoint or NIC (`kube-apiserver.nic.<guid>`). Judged from the id alone, because change records outlive
 * the resources they describe (a private endpoint removed when integration was enabled).
 */
export function isApiServerResourceOf(cluster: Cluster, resourceId: string): boolean {
  if (idKey(resourceId) === cluster.key) return true;
  const nodeGroup = nodeResourceGroupKey(cluster);
  if (nodeGroup === undefined || resourceGroupKeyOfId(resourceId) !== nodeGroup) return false;
  const type = typeFromId(resourceId);
  return (
    type !== undefined &&
    apiServerResourceTypes.has(type) &&
    nameFromId(resourceId).toLowerCase().startsWith(kubeApiServerName)
  );
}
