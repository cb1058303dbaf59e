// The flows an integrated cluster's API server needs, each decided by the NSG on the subnet it crosses: nodes to
// the API server on 443 and 4443, the load balancer's health probe on 9988. Shared by nsg-blocks-apiserver-traffic.
import { idKey } from "../inventory/model.ts";
import type {
  AgentPool,
  Inventory,
  SecurityRule,
  SecurityRuleDirection,
  Subnet,
} from "../inventory/model.ts";
import { sizedSubnet } from "../inventory/relations.ts";
import type { SubnetRef } from "../inventory/relations.ts";
import { evaluateNsgFlow } from "../net/nsg-evaluation.ts";
import type { FlowEndpoint, NotEvaluatedRule, NsgDecision } from "../net/nsg-evaluation.ts";
import { parsePrefix } from "../net/prefix.ts";
import type { Prefix } from "../net/prefix.ts";

/** Nodes reach the API server on 443 and konnectivity on 4443; the load balancer probes the API server on 9988. */
const nodePorts = [443, 4443] as const;
const healthProbePort = 9988;

type Verdict = "Allow" | "Deny" | "Unverified";

/** One NSG (or its absence) deciding one flow on one subnet. */
export interface FlowCheck {
  readonly flow: string;
  readonly sourceId: string;
  readonly port: number;
  readonly subnetId: string;
  readonly direction: SecurityRuleDirection;
  readonly nsgId: string | undefined;
  readonly nsgName: string | undefined;
  readonly verdict: Verdict;
  readonly decision: NsgDecision | undefined;
  /** Why the verdict is Unverified. */
  readonly reason: string | undefined;
}

export interface FlowSide {
  readonly ref: SubnetRef;
  readonly subnet: Subnet;
  readonly prefixes: readonly Prefix[];
}

interface Flow {
  readonly label: string;
  readonly sourceId: string;
  readonly source: FlowEndpoint;
  readonly destination: FlowSide;
  readonly port: number;
}

function parsedPrefixes(texts: readonly string[]): Prefix[] {
  return texts.map((text) => parsePrefix(text)).filter((prefix): prefix is Prefix => prefix !== undefined);
}

export function flowSide(ref: SubnetRef): FlowSide | undefined {
  const subnet = sizedSubnet(ref);
  return subnet === undefined ? undefined : { ref, subnet, prefixes: parsedPrefixes(subnet.addressPrefixes) };
}

/** The VNet's address space; without the VNet, the flow's own subnets (AKS requires them in one VNet). */
function virtualNetworkPrefixes(side: FlowSide, flow: Flow): Prefix[] {
  const space = parsedPrefixes(side.ref.virtualNetwork?.addressPrefixes ?? []);
  if (space.length > 0) return space;
  const sourcePrefixes = "prefixes" in flow.source ? flow.source.prefixes : [];
  return [...sourcePrefixes, ...flow.destination.prefixes];
}

export function ruleLabel(rule: SecurityRule): string {
  return `${rule.name} (priority ${rule.priority})`;
}

/** A skipped rule ahead of the deciding one matters only when its access differs from the verdict. */
function doubt(decision: NsgDecision): NotEvaluatedRule | undefined {
  return decision.notEvaluated.find((entry) => entry.rule.access !== decision.access);
}

function doubtText(decision: NsgDecision, skipped: NotEvaluatedRule, nsgName: string, what: string): string {
  const deciding = decision.decidingRule;
  const skippedText = `rule ${ruleLabel(skipped.rule)} of NSG ${nsgName}`;
  if (decision.access === "Deny" && deciding !== undefined) {
    return `rule ${ruleLabel(deciding)} of NSG ${nsgName} denies ${what} unless ${skippedText} applies (${skipped.reason})`;
  }
  return `${skippedText} could ${skipped.rule.access.toLowerCase()} ${what} (${skipped.reason})`;
}

function checkFlow(
  inventory: Inventory,
  flow: Flow,
  side: FlowSide,
  direction: SecurityRuleDirection,
): FlowCheck {
  const nsgId = side.subnet.networkSecurityGroupId;
  const base = {
    flow: flow.label,
    sourceId: flow.sourceId,
    port: flow.port,
    subnetId: side.ref.id,
    direction,
  };
  // Without the subnet's own content its NSG is unknown: "no NSG" would be a pass on a default.
  if (side.subnet.contentGaps !== undefined) {
    const reason = `subnet ${side.subnet.name} is incomplete in the input (${side.subnet.contentGaps.join("; ")})`;
    return { ...base, nsgId, nsgName: undefined, verdict: "Unverified", decision: undefined, reason };
  }
  if (nsgId === undefined || nsgId === "") {
    return {
      ...base,
      nsgId: undefined,
      nsgName: undefined,
      verdict: "Allow",
      decision: undefined,
      reason: undefined,
    };
  }
  const nsg = inventory.networkSecurityGroups.get(idKey(nsgId));
  if (nsg === undefined) {
    const reason = `NSG ${nsgId} on subnet ${side.subnet.name} is not in the inventory`;
    return { ...base, nsgId, nsgName: undefined, verdict: "Unverified", decision: undefined, reason };
  }
  const decision = evaluateNsgFlow(
    nsg.securityRules,
    {
      direction,
      protocol: "Tcp",
      source: flow.source,
      // The API server listens on internal load balancer frontends, which are in no application security group.
      destination: { prefixes: flow.destination.prefixes, applicationSecurityGroups: new Set() },
      destinationPort: flow.port,
    },
    { virtualNetworkPrefixes: virtualNetworkPrefixes(side, flow) },
  );
  // A rule the input dropped could decide ahead of the one that did.
  if (nsg.contentGaps !== undefined) {
    const reason = `NSG ${nsg.name} is incomplete in the input (${nsg.contentGaps.join("; ")}), so its rules cannot decide ${flow.label} (${direction})`;
    return { ...base, nsgId: nsg.id, nsgName: nsg.name, verdict: "Unverified", decision, reason };
  }
  const skipped = doubt(decision);
  const verdict = skipped === undefined ? decision.access : "Unverified";
  const reason =
    skipped === undefined
      ? undefined
      : doubtText(decision, skipped, nsg.name, `${flow.label} (${direction})`);
  return { ...base, nsgId: nsg.id, nsgName: nsg.name, verdict, decision, reason };
}

/** The cluster's pools on one node subnet, grouped by the ASGs their NICs join (unknown membership on its own). */
interface PoolGroup {
  readonly poolNames: readonly string[];
  readonly applicationSecurityGroups: ReadonlySet<string> | undefined;
}

function poolGroups(pools: readonly AgentPool[]): PoolGroup[] {
  const groups = new Map<
    string,
    { poolNames: string[]; applicationSecurityGroups: Set<string> | undefined }
  >();
  for (const pool of pools) {
    const ids = pool.applicationSecurityGroupIds?.map((id) => id.toLowerCase()).sort();
    const key = ids === undefined ? "?" : ids.join(" ");
    const group = groups.get(key);
    if (group === undefined)
      groups.set(key, { poolNames: [pool.name], applicationSecurityGroups: ids && new Set(ids) });
    else group.poolNames.push(pool.name);
  }
  return [...groups.values()];
}

export function nodeFlowChecks(
  inventory: Inventory,
  node: FlowSide,
  apiServer: FlowSide,
  pools: readonly AgentPool[],
): FlowCheck[] {
  const groups = poolGroups(pools);
  return groups.flatMap((group) =>
    nodePorts.flatMap((port) => {
      // Pools that join different ASGs can meet different rules; name them when the subnet holds more than one set.
      const who = groups.length > 1 ? ` (pools ${group.poolNames.join(", ")})` : "";
      const flow: Flow = {
        label: `${node.subnet.name}${who} → ${apiServer.subnet.name} TCP ${port}`,
        sourceId: node.ref.id,
        source:
          group.applicationSecurityGroups === undefined
            ? { prefixes: node.prefixes }
            : { prefixes: node.prefixes, applicationSecurityGroups: group.applicationSecurityGroups },
        destination: apiServer,
        port,
      };
      return [checkFlow(inventory, flow, node, "Outbound"), checkFlow(inventory, flow, apiServer, "Inbound")];
    }),
  );
}

export function probeCheck(inventory: Inventory, apiServer: FlowSide): FlowCheck {
  const flow: Flow = {
    label: `AzureLoadBalancer → ${apiServer.subnet.name} TCP ${healthProbePort}`,
    sourceId: "AzureLoadBalancer",
    source: { serviceTag: "AzureLoadBalancer" },
    destination: apiServer,
    port: healthProbePort,
  };
  return checkFlow(inventory, flow, apiServer, "Inbound");
}
