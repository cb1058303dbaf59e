// Checks that each node subnet has room for the pools on it at full scale plus upgrade surge (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import type { NodePool, NodeSubnetUse } from "../inventory/relations.ts";
import { sizedSubnet, subnetIpv4Capacity, subnetSubject } from "../inventory/relations.ts";
import { ipConfigurationCount } from "../inventory/model.ts";
import { defineRule } from "./define.ts";

/** Azure CNI's default `maxPods` when the profile omits it. */
const azureCniDefaultMaxPods = 30;
/** AKS surges one node when `maxSurge` is not set. */
const defaultSurge = 1;

interface Surge {
  readonly surge: number;
  readonly note?: string;
}

/** `"33%"` → ceil(33 % of nodesMax), `"5"` → 5, missing → 1; anything else → 1 with a note. */
export function parseMaxSurge(maxSurge: string | undefined, nodesMax: number): Surge {
  const text = maxSurge?.trim() ?? "";
  if (text === "") return { surge: defaultSurge };
  if (/^\d+$/.test(text)) return { surge: Number(text) };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text)?.[1];
  if (percent !== undefined) return { surge: Math.ceil((Number(percent) * nodesMax) / 100) };
  return { surge: defaultSurge, note: `maxSurge "${text}" not understood; assumed ${defaultSurge}` };
}

/** Flat Azure CNI gives every pod a subnet address; overlay, pod subnets and kubenet give only the node one. */
function ipsPerNode({ cluster, pool }: NodePool): { ipsPerNode: number; maxPods: number | undefined } {
  const flatAzureCni =
    cluster.networkPlugin?.toLowerCase() === "azure" &&
    cluster.networkPluginMode?.toLowerCase() !== "overlay" &&
    (pool.podSubnetId === undefined || pool.podSubnetId === "");
  if (!flatAzureCni) return { ipsPerNode: 1, maxPods: pool.maxPods };
  const maxPods = pool.maxPods ?? azureCniDefaultMaxPods;
  return { ipsPerNode: maxPods + 1, maxPods };
}

function poolDemand(nodePool: NodePool) {
  const { cluster, pool } = nodePool;
  const nodesMax = pool.enableAutoScaling ? (pool.maxCount ?? pool.count) : pool.count;
  return {
    clusterId: cluster.id,
    pool: pool.name,
    count: pool.count,
    nodesMax,
    maxSurge: pool.maxSurge ?? null,
    ...parseMaxSurge(pool.maxSurge, nodesMax),
    ...ipsPerNode(nodePool),
  };
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
  const pools = use.pools.map(poolDemand);
  const used = ipConfigurationCount(subnet);
  const current = pools.reduce((sum, pool) => sum + pool.count * pool.ipsPerNode, 0);
  // Addresses held by things other than these pools' nodes (other NICs, private endpoints, stale configs).
  const other = Math.max(0, used - current);
  const peak = other + pools.reduce((sum, pool) => sum + (pool.nodesMax + pool.surge) * pool.ipsPerNode, 0);
  const usedRatio = capacity === 0 ? 1 : used / capacity;
  const evidence = {
    ipv4Prefixes: ipv4Prefixes.map((prefix) => prefix.text),
    capacity,
    used,
    other,
    peak,
    usedRatio,
    warnRatio,
    pools,
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
  const unread = pools.filter((pool) => pool.note !== undefined);
  if (unread.length > 0) {
    return {
      ...base,
      status: "unverified",
      message: `Node subnet ${subnet.name} would have room (${peak} of ${capacity} addresses), but the upgrade surge of ${unread.map((pool) => pool.pool).join(", ")} could not be read: ${unread.map((pool) => pool.note).join("; ")}.`,
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
