// Reads an AKS managed cluster row (`microsoft.containerservice/managedclusters`) into a Cluster.
import { parentIdBefore } from "./arm-id.ts";
import type { InventoryBuilder, RowReader } from "./builder.ts";
import {
  idKey,
  type AgentPool,
  type ApiServerAccessProfile,
  type Cluster,
  type ClusterSku,
} from "./model.ts";
import { ContentGaps } from "./content-gaps.ts";
import { noItems } from "./compact.ts";
import { isRecord, nonEmpty, recordDiagnostic, type Node, type RowContext } from "./read.ts";

/**
 * `Automatic` is AKS Automatic; `Base`, the legacy `Basic` and a missing sku are all Base. "Standard" is a pricing
 * tier (`sku.tier`), so it never names the mode.
 */
function readSku(row: Node): ClusterSku {
  return row.object("sku").string("name")?.toLowerCase() === "automatic" ? "Automatic" : "Base";
}

function readApiServerAccessProfile(profile: Node): ApiServerAccessProfile {
  return {
    enableVnetIntegration: profile.boolean("enableVnetIntegration") ?? false,
    // An empty subnetId with integration on means the AKS-managed VNet.
    subnetId: nonEmpty(profile.string("subnetId")),
    enablePrivateCluster: profile.boolean("enablePrivateCluster") ?? false,
    enablePrivateClusterPublicFqdn: profile.boolean("enablePrivateClusterPublicFQDN") ?? false,
    authorizedIpRanges: profile.strings("authorizedIPRanges"),
    privateDnsZone: nonEmpty(profile.string("privateDNSZone")),
  };
}

/** `maxSurge` is a string in Azure ("33%", "5"); a bare number in a hand-made snapshot means the same. */
function readMaxSurge(settings: Node): string | undefined {
  const raw = settings.raw("maxSurge");
  if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
  const text = nonEmpty(settings.string("maxSurge"));
  if (text !== undefined && !/^\s*\d+(\.\d+)?%?\s*$/.test(text))
    settings.report(
      "warning",
      "invalid-value",
      `is ${JSON.stringify(text)}, neither a node count ("5") nor a percentage ("33%"); the node subnet check answers unverified`,
      "maxSurge",
    );
  return text;
}

/** A list of ASG ids; missing means none, anything but a list of strings means unknown. */
function readApplicationSecurityGroups(networkProfile: Node): readonly string[] | undefined {
  const raw = networkProfile.raw("applicationSecurityGroups");
  // Most pools join no ASG: they share the one frozen empty list.
  if (raw === undefined || raw === null) return noItems;
  if (!Array.isArray(raw) || raw.some((item) => typeof item !== "string")) {
    networkProfile.report(
      "warning",
      "wrong-type",
      "is not a list of application security group ids; the pool's ASG membership is unknown",
      "applicationSecurityGroups",
    );
    return undefined;
  }
  return (raw as string[]).filter((id) => id.trim() !== "");
}

/**
 * One copy of each text that repeats across a cluster's pools (subnet ids, VM sizes, modes). JSON.parse gives
 * every pool its own copy, so 10^6 pools on one subnet kept 10^6 copies of its id after the row was read.
 */
export type SharedText = (text: string | undefined) => string | undefined;

export function sharedText(): SharedText {
  const kept = new Map<string, string>();
  return (text) => {
    if (text === undefined) return undefined;
    const earlier = kept.get(text);
    if (earlier !== undefined) return earlier;
    kept.set(text, text);
    return text;
  };
}

/** Pool names are unique in a cluster: a repeated one (a hand-merged export) is said and counted once. */
function distinctPools(nodes: Iterable<Node>): AgentPool[] {
  const pools: AgentPool[] = [];
  const seen = new Set<string>();
  const shared = sharedText();
  for (const node of nodes) {
    const pool = readAgentPool(node, undefined, shared);
    const name = pool.name.toLowerCase();
    if (name !== "" && seen.has(name)) {
      node.report(
        "warning",
        "duplicate-element",
        `repeats agent pool ${pool.name}, listed earlier; counted once`,
      );
      continue;
    }
    seen.add(name);
    pools.push(pool);
  }
  return pools;
}

/** One pool: an entry of `agentPoolProfiles`, or an agent pool resource's `properties` with its `name`. */
export function readAgentPool(pool: Node, name?: string, shared: SharedText = (text) => text): AgentPool {
  const count = pool.number("count");
  if (count === undefined)
    pool.report("warning", "missing-field", "has no count; read as 0 nodes, export the pool again", "count");
  // ARM spells it `vnetSubnetID`; some tools write `vnetSubnetId`.
  const vnetSubnetId = pool.has("vnetSubnetID") ? pool.string("vnetSubnetID") : pool.string("vnetSubnetId");
  const podSubnetId = pool.has("podSubnetID") ? pool.string("podSubnetID") : pool.string("podSubnetId");
  return {
    name: name ?? pool.string("name") ?? "",
    vmSize: shared(pool.string("vmSize")) ?? "",
    count: count ?? 0,
    enableAutoScaling: pool.boolean("enableAutoScaling") ?? false,
    maxCount: pool.number("maxCount"),
    maxPods: pool.number("maxPods"),
    maxSurge: shared(readMaxSurge(pool.object("upgradeSettings"))),
    vnetSubnetId: shared(nonEmpty(vnetSubnetId)),
    podSubnetId: shared(nonEmpty(podSubnetId)),
    mode: shared(pool.string("mode")),
    applicationSecurityGroupIds: readApplicationSecurityGroups(pool.object("networkProfile")),
  };
}

function readPowerState(properties: Node): Cluster["powerState"] {
  const code = properties.object("powerState").string("code")?.toLowerCase();
  if (code === "running") return "Running";
  if (code === "stopped") return "Stopped";
  return undefined;
}

/** The system-assigned principal and every user-assigned identity's principal, in that order. */
function readPrincipalIds(identity: Node): string[] {
  const ids = [identity.string("principalId")];
  for (const [, assigned] of identity.object("userAssignedIdentities").entries()) {
    if (assigned.exists) ids.push(assigned.string("principalId"));
  }
  return [...new Set(ids.map(nonEmpty).filter((id) => id !== undefined))];
}

export const readCluster: RowReader = (row, base, into) => {
  // Without properties every verdict would rest on defaults ("not integrated"), so say so where it happened.
  const gaps = new ContentGaps();
  if (!isRecord(row.raw("properties"))) gaps.add("properties is missing or not an object");
  if (!row.has("properties"))
    row.report(
      "warning",
      "missing-field",
      "is missing or null; the cluster is read with defaults, export it again",
      "properties",
    );
  const properties = row.object("properties");
  // ARM always returns it; without it the API server's load balancer or private endpoint cannot be found.
  if (properties.exists && !properties.has("nodeResourceGroup"))
    properties.report(
      "warning",
      "missing-field",
      "is missing; the API server endpoint in the node resource group cannot be found, verdicts that need it answer unverified",
      "nodeResourceGroup",
    );
  const networkProfile = properties.object("networkProfile");
  const identity = row.object("identity");
  const accessProfile = properties.object("apiServerAccessProfile");
  const cluster: Cluster = {
    ...base,
    sku: readSku(row),
    tier: nonEmpty(row.object("sku").string("tier")),
    hasApiServerAccessProfile: accessProfile.exists,
    apiServerAccessProfile: readApiServerAccessProfile(accessProfile),
    powerState: readPowerState(properties),
    kubernetesVersion: nonEmpty(
      properties.string("currentKubernetesVersion") ?? properties.string("kubernetesVersion"),
    ),
    agentPools: distinctPools(properties.eachObject("agentPoolProfiles", { gaps })),
    networkPlugin: networkProfile.string("networkPlugin"),
    networkPluginMode: networkProfile.string("networkPluginMode"),
    ipFamilies: networkProfile.strings("ipFamilies"),
    nodeResourceGroup: properties.string("nodeResourceGroup"),
    fqdn: nonEmpty(properties.string("fqdn")),
    privateFqdn: nonEmpty(properties.string("privateFQDN")),
    identityPrincipalIds: readPrincipalIds(identity),
    identityType: identity.string("type"),
    createdAt: row.object("systemData").string("createdAt"),
    ...gaps.field,
  };
  into.clusters.set(base.key, cluster);
};

/** An agent pool resource (`managedClusters/agentPools`: `az aks nodepool list`, ARM list); merged at the end. */
export const readAgentPoolRow: RowReader = (row, base, into) => {
  const clusterId = parentIdBefore(base.id, "agentPools");
  if (clusterId === undefined) return;
  into.agentPoolRows.set(base.key, {
    clusterKey: idKey(clusterId),
    pool: readAgentPool(row.object("properties"), base.name),
    source: base.source,
  });
};

/**
 * Agent pool resources join their cluster by id: a pool resource is the pool's own ARM state, so it replaces a
 * profile of the same name and adds one the cluster row does not list. A pool whose cluster no row describes is
 * reported and judged nowhere: without the cluster nothing about it can be decided.
 */
export function mergeAgentPoolRows(into: InventoryBuilder, diagnostics: RowContext["diagnostics"]): void {
  const byCluster = new Map<string, AgentPool[]>();
  for (const { clusterKey, pool, source } of into.agentPoolRows.values()) {
    if (!into.clusters.has(clusterKey)) {
      const context: RowContext = { ...source, resourceId: undefined, diagnostics };
      const message = `is an agent pool of cluster ${clusterKey}, which no input row describes; not judged, add the cluster (az aks show) to the input`;
      recordDiagnostic(context, "warning", "cluster-not-found", "id", message);
      continue;
    }
    const pools = byCluster.get(clusterKey);
    if (pools === undefined) byCluster.set(clusterKey, [pool]);
    else pools.push(pool);
  }
  for (const [clusterKey, pools] of byCluster) {
    const cluster = into.clusters.get(clusterKey)!;
    const names = new Set(pools.map((pool) => pool.name.toLowerCase()));
    const kept = cluster.agentPools.filter((profile) => !names.has(profile.name.toLowerCase()));
    into.clusters.set(clusterKey, { ...cluster, agentPools: [...kept, ...pools] });
  }
}
