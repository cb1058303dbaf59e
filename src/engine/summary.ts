// Counts and per-cluster posture derived from results: the numbers every report shows.
import type { Cluster, Inventory } from "../inventory/model.ts";
import { countResults } from "../findings/count-results.ts";
import { readinessByCluster } from "../findings/readiness.ts";
import { isActionable, severityRank, type Result, type Severity } from "../findings/result.ts";
import type { ClusterPosture, DisplayNames, InventoryCounts, RunSummary } from "../findings/run.ts";

export function inventoryCounts(inventory: Inventory): InventoryCounts {
  return {
    clusters: inventory.clusters.size,
    virtualNetworks: inventory.virtualNetworks.size,
    subnets: inventory.subnets.size,
    networkSecurityGroups: inventory.networkSecurityGroups.size,
    securityRules: inventory.securityRules.size,
    azureFirewalls: inventory.azureFirewalls.size,
    firewallPolicyRuleCollectionGroups: inventory.firewallPolicyRuleCollectionGroups.size,
    ipGroups: inventory.ipGroups.size,
    loadBalancers: inventory.loadBalancers.size,
    privateEndpoints: inventory.privateEndpoints.size,
    networkInterfaces: inventory.networkInterfaces.size,
    resourceChanges: inventory.resourceChanges.length,
    roleAssignments: inventory.roleAssignments?.length ?? 0,
    diagnostics: inventory.diagnostics.length,
  };
}

export function summarize(
  inventory: Inventory,
  results: readonly Result[],
  resolved: readonly Result[],
): RunSummary {
  const clusters = [...inventory.clusters.values()];
  return {
    clusters: clusters.length,
    integratedClusters: clusters.filter((cluster) => cluster.apiServerAccessProfile.enableVnetIntegration)
      .length,
    ...countResults(results),
    resolved: resolved.length,
    inventory: inventoryCounts(inventory),
  };
}

/** One posture row per cluster; failing results count when their resource is the cluster itself. */
export function clusterPostures(
  inventory: Inventory,
  results: readonly Result[],
  names: DisplayNames = { tenants: {}, subscriptions: {} },
): ClusterPosture[] {
  const readiness = readinessByCluster(results);
  const failing = new Map<string, Result[]>();
  for (const result of results) {
    if (!isActionable(result.status)) continue;
    const key = result.resourceId.toLowerCase();
    const list = failing.get(key);
    if (list) list.push(result);
    else failing.set(key, [result]);
  }
  return [...inventory.clusters.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((cluster) => ({
      ...posture(cluster, failing.get(cluster.key) ?? []),
      tenantName: names.tenants[cluster.tenantId.toLowerCase()] ?? "",
      subscriptionName: names.subscriptions[cluster.subscriptionId.toLowerCase()] ?? "",
      readiness: cluster.apiServerAccessProfile.enableVnetIntegration
        ? "integrated"
        : (readiness.get(cluster.key) ?? "not-assessed"),
    }));
}

function posture(
  cluster: Cluster,
  failing: readonly Result[],
): Omit<ClusterPosture, "tenantName" | "subscriptionName" | "readiness"> {
  const profile = cluster.apiServerAccessProfile;
  const worst = failing.reduce<Severity | undefined>(
    (acc, result) =>
      acc === undefined || severityRank(result.severity) > severityRank(acc) ? result.severity : acc,
    undefined,
  );
  return {
    id: cluster.id,
    name: cluster.name,
    tenantId: cluster.tenantId,
    subscriptionId: cluster.subscriptionId,
    resourceGroup: cluster.resourceGroup,
    location: cluster.location,
    mode: cluster.sku,
    tier: cluster.tier ?? "",
    kubernetesVersion: cluster.kubernetesVersion ?? "",
    enableVnetIntegration: profile.enableVnetIntegration,
    apiServerSubnetMode: !profile.enableVnetIntegration ? "none" : profile.subnetId ? "byo" : "managed",
    apiServerSubnetId: profile.subnetId ?? "",
    enablePrivateCluster: profile.enablePrivateCluster,
    networkPlugin: cluster.networkPlugin ?? "",
    powerState: cluster.powerState ?? "",
    worstSeverity: worst ?? "none",
    failingResults: failing.length,
  };
}
