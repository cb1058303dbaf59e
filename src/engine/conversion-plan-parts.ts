// The parts of a conversion plan taken from other rules' verdicts or from the subnets' NSGs (DESIGN §5).
import { nameFromId } from "../inventory/arm-id.ts";
import { idKey } from "../inventory/model.ts";
import type { Cluster } from "../inventory/model.ts";
import type { NodeSubnetUse, SubnetRef } from "../inventory/relations.ts";
import { poolDemand } from "../rules/_pool-demand.ts";
import type { RuleContext } from "../rules/define.ts";
import { numberIn, objectsIn, stringIn } from "../findings/evidence.ts";
import type { PlanResults } from "./conversion-plan-inputs.ts";
import type {
  ConversionPlan,
  PlanBlocker,
  PlanNodeSubnetRoom,
  PlanNsgRule,
  PlanPinnedRule,
} from "../findings/conversion-plan.ts";
import type { Result } from "../findings/result.ts";

/** The blockers `conversion-blocked` found (medium and low); facts it could not establish go to the plan's notes. */
export function planBlockers(blocked: Result | undefined): PlanBlocker[] {
  if (blocked?.status !== "fail") return [];
  return objectsIn(blocked.evidence, "blockers").map((blocker) => ({
    code: stringIn(blocker, "code") ?? "",
    severity: stringIn(blocker, "severity") ?? blocked.severity,
    reason: stringIn(blocker, "reason") ?? "",
  }));
}

export function pinnedRules(pins: readonly Result[]): PlanPinnedRule[] {
  return pins.map((pin) => ({
    resourceId: pin.resourceId,
    detail: pin.detail,
    ip: stringIn(pin.evidence, "ip") ?? "",
    message: pin.message,
  }));
}

/**
 * Addresses this cluster's pools surge on the subnet, by the demand `node-subnet-ip-exhaustion` sized. Read from
 * the pools, not the rule's evidence, which lists only the first of a subnet's many pools.
 */
function surgeNeeded(use: NodeSubnetUse | undefined, cluster: Cluster): number {
  let needed = 0;
  for (const nodePool of use?.pools ?? []) {
    if (nodePool.cluster.key !== cluster.key) continue;
    const { surge, ipsPerNode } = poolDemand(nodePool);
    needed += surge * ipsPerNode;
  }
  return needed;
}

/**
 * Conversion re-images every node the way an upgrade does, surging extra nodes; counted as if all of this
 * cluster's pools on the subnet surged at once, which is the worst case.
 */
export function nodeSubnetRoom(
  cluster: Cluster,
  context: RuleContext,
  results: PlanResults,
): PlanNodeSubnetRoom[] {
  return (context.relations.clusterNodeSubnets.get(cluster.key) ?? []).map((ref) => {
    const result = results.nodeSubnetExhaustion.get(ref.key);
    const capacity = numberIn(result?.evidence, "capacity");
    const used = numberIn(result?.evidence, "used");
    const free = capacity === undefined || used === undefined ? null : Math.max(0, capacity - used);
    // A subnet the rule could not size has no pool figures in its verdict; the plan has always said 0 there.
    const needed =
      result === undefined
        ? null
        : capacity === undefined
          ? 0
          : surgeNeeded(context.relations.nodeSubnets.get(ref.key), cluster);
    const status = free === null || needed === null ? "unknown" : free >= needed ? "ok" : "short";
    return {
      subnetId: ref.id,
      subnetName: ref.subnet?.name ?? nameFromId(ref.id),
      free,
      surgeNeeded: needed,
      status,
    };
  });
}

export function surgeRoom(rooms: readonly PlanNodeSubnetRoom[]): ConversionPlan["surgeRoom"] {
  if (rooms.length === 0) return "not-applicable";
  if (rooms.some((room) => room.status === "short")) return "short";
  return rooms.some((room) => room.status === "unknown") ? "unknown" : "ok";
}

function nsgRule(
  context: RuleContext,
  nsgId: string,
  fields: Pick<PlanNsgRule, "direction" | "source" | "destination" | "destinationPorts" | "reason">,
): PlanNsgRule {
  const nsgName = context.inventory.networkSecurityGroups.get(idKey(nsgId))?.name ?? nameFromId(nsgId);
  return { nsgId, nsgName, protocol: "Tcp", ...fields };
}

/** Node subnets grouped by the NSG on them, with their address prefixes. */
function nodeSubnetsByNsg(
  cluster: Cluster,
  context: RuleContext,
): Map<string, { id: string; prefixes: string[] }> {
  const byNsg = new Map<string, { id: string; prefixes: string[] }>();
  for (const ref of context.relations.clusterNodeSubnets.get(cluster.key) ?? []) {
    const nsgId = ref.subnet?.networkSecurityGroupId;
    if (nsgId === undefined || nsgId === "") continue;
    const entry = byNsg.get(idKey(nsgId)) ?? { id: nsgId, prefixes: [] };
    entry.prefixes.push(...(ref.subnet?.addressPrefixes ?? []));
    byNsg.set(idKey(nsgId), entry);
  }
  return byNsg;
}

/**
 * Nodes reach the API server on 443 and 4443 and the Azure load balancer probes it on 9988; an NSG on the node
 * subnet (outbound) or the API server subnet (inbound) must allow that. Listed for every NSG on those subnets.
 */
export function nsgRulesToAdd(
  cluster: Cluster,
  context: RuleContext,
  apiServer: SubnetRef | undefined,
  apiServerPrefix: string,
): PlanNsgRule[] {
  if (apiServer === undefined) return [];
  const destination = apiServerPrefix || "the API server subnet";
  const byNsg = nodeSubnetsByNsg(cluster, context);
  const nodeSources = (context.relations.clusterNodeSubnets.get(cluster.key) ?? []).flatMap(
    (ref) => ref.subnet?.addressPrefixes ?? [],
  );
  const rules = [...byNsg.values()].map((entry) =>
    nsgRule(context, entry.id, {
      direction: "Outbound",
      source: entry.prefixes.join(", ") || "the node subnet",
      destination,
      destinationPorts: "443, 4443",
      reason: "nodes to the API server",
    }),
  );
  const apiServerNsgId = apiServer.subnet?.networkSecurityGroupId;
  if (apiServerNsgId === undefined || apiServerNsgId === "") return rules;
  const source = nodeSources.join(", ") || "the node subnets";
  return [
    ...rules,
    nsgRule(context, apiServerNsgId, {
      direction: "Inbound",
      source,
      destination,
      destinationPorts: "443, 4443",
      reason: "nodes to the API server",
    }),
    nsgRule(context, apiServerNsgId, {
      direction: "Inbound",
      source: "AzureLoadBalancer",
      destination,
      destinationPorts: "9988",
      reason: "load balancer health probe of the API server",
    }),
  ];
}
