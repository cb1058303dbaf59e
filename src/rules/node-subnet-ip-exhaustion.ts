// Checks that each node subnet has room for the pools on it at full scale plus upgrade surge (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import type { NodePool, NodeSubnetUse } from "../inventory/relations.ts";
import { sizedSubnet, subnetIpv4Capacity, subnetSubject } from "../inventory/relations.ts";
import { ipConfigurationCount } from "../inventory/model.ts";
import { poolDemand, type PoolDemand } from "./_pool-demand.ts";
import { defineRule } from "./define.ts";

/**
 * Pools the evidence lists one by one. AKS allows 100 node pools a cluster, so a real subnet's list stays whole;
 * past it the evidence names the first ones and `poolCount` gives them all, so a million pools do not become a
 * million evidence objects (issue 11). The figures are always summed over every pool.
 */
export const poolsListed = 100;

/** Every pool's demand summed, the first `poolsListed` kept, and the first pools whose surge could not be read. */
function demandOf(nodePools: readonly NodePool[]) {
  const listed: PoolDemand[] = [];
  const unread: PoolDemand[] = [];
  let unreadCount = 0;
  let current = 0;
  let surged = 0;
  for (const nodePool of nodePools) {
    const pool = poolDemand(nodePool);
    current += pool.count * pool.ipsPerNode;
    surged += (pool.nodesMax + pool.surge) * pool.ipsPerNode;
    if (listed.length < poolsListed) listed.push(pool);
    if (pool.note === undefined) continue;
    unreadCount++;
    if (unread.length < poolsListed) unread.push(pool);
  }
  return { listed, unread, unreadCount, current, surged };
}

/** `p1, p2 could not be read: …; …`, naming at most `poolsListed` pools and counting the rest. */
function unreadSurges(unread: readonly PoolDemand[], unreadCount: number): string {
  const more = unreadCount - unread.length;
  const names = unread.map((pool) => pool.pool).join(", ");
  const notes = unread.map((pool) => pool.note).join("; ");
  return `${names}${more > 0 ? ` and ${String(more)} more` : ""} could not be read: ${notes}`;
}

function evaluateSubnet(use: NodeSubnetUse, warnRatio: number): RuleOutcome {
  const subject = subnetSubject(use.subnet);
  const subnet = sizedSubnet(use.subnet);
  const clusterIds = [...new Set(use.pools.map(({ cluster }) => cluster.id))];
  if (subnet === undefined) {
    return {
      status: "unverified",
      subject,
      message: `Node subnet ${use.subnet.id} is not in the inventory or has no address prefix, so its free addresses are unknown.`,
      evidence: { clusterIds, inInventory: use.subnet.subnet !== undefined },
    };
  }
  const { ipv4Prefixes, capacity } = subnetIpv4Capacity(subnet);
  const { listed, unread, unreadCount, current, surged } = demandOf(use.pools);
  const used = ipConfigurationCount(subnet);
  // Addresses held by things other than these pools' nodes (other NICs, private endpoints, stale configs).
  const other = Math.max(0, used - current);
  const peak = other + surged;
  const usedRatio = capacity === 0 ? 1 : used / capacity;
  const evidence = {
    ipv4Prefixes: ipv4Prefixes.map((prefix) => prefix.text),
    capacity,
    used,
    other,
    peak,
    usedRatio,
    warnRatio,
    pools: listed,
    ...(use.pools.length > listed.length ? { poolCount: use.pools.length } : {}),
  };
  const base = { subject, evidence };
  if (used >= capacity) {
    return {
      ...base,
      status: "fail",
      severity: "critical",
      message: `Node subnet ${subnet.name} is full: ${used} of ${capacity} addresses used.`,
    };
  }
  if (peak > capacity) {
    return {
      ...base,
      status: "fail",
      severity: "high",
      message: `Node subnet ${subnet.name} cannot fit its pools at full scale with upgrade surge: ${peak} addresses needed, ${capacity} usable.`,
    };
  }
  if (usedRatio >= warnRatio) {
    return {
      ...base,
      status: "fail",
      severity: "medium",
      message: `Node subnet ${subnet.name} is ${Math.round(usedRatio * 100)}% used (${used} of ${capacity}).`,
    };
  }
  // A surge we could not read was assumed to be 1 node: enough to show a shortage, never to prove room.
  if (unreadCount > 0) {
    return {
      ...base,
      status: "unverified",
      message: `Node subnet ${subnet.name} would have room (${peak} of ${capacity} addresses), but the upgrade surge of ${unreadSurges(unread, unreadCount)}.`,
    };
  }
  return {
    ...base,
    status: "pass",
    message: `Node subnet ${subnet.name} has room: ${peak} of ${capacity} addresses needed at full scale with surge.`,
  };
}

export default defineRule({
  meta: {
    id: "node-subnet-ip-exhaustion",
    title: "Node subnet cannot fit scale-out, upgrade surge or the conversion re-image",
    severity: "critical",
    resource: "node subnet (any pool's vnetSubnetID)",
    rationale:
      "Enabling API Server VNet Integration re-images every node, which surges extra nodes like an upgrade. " +
      "A node subnet without room for maxCount plus surge (and, with flat Azure CNI, maxPods addresses per node) " +
      "makes the conversion, upgrades and autoscaling fail part-way.",
    remediation:
      "Give the pools room: lower maxSurge (az aks nodepool update -g <rg> --cluster-name <cluster> -n <pool> " +
      "--max-surge 1), lower maxCount (az aks nodepool update ... --update-cluster-autoscaler --min-count <n> " +
      "--max-count <n>), move pools to a larger subnet (az aks nodepool add ... --vnet-subnet-id <larger-subnet-id>), " +
      "or migrate to Azure CNI overlay (az aks update -g <rg> -n <cluster> --network-plugin-mode overlay) so pods " +
      "stop taking subnet addresses.",
    docs: "https://learn.microsoft.com/azure/aks/upgrade-aks-cluster",
  },
  *evaluate(context) {
    for (const use of context.relations.nodeSubnets.values())
      yield evaluateSubnet(use, context.config.nodeSubnetWarnRatio);
  },
});
