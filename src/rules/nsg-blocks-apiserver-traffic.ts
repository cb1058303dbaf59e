// Checks that the NSGs on an integrated cluster's node and API server subnets let nodes and the health probe reach the API server (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import { idKey } from "../inventory/model.ts";
import type {
  AgentPool,
  Cluster,
  Inventory,
  SecurityRule,
  SecurityRuleDirection,
  Subnet,
} from "../inventory/model.ts";
import { clusterSubject, integratedApiServerSubnet, sizedSubnet } from "../inventory/relations.ts";
import type { SubnetRef } from "../inventory/relations.ts";
import { evaluateNsgFlow } from "../net/nsg-evaluation.ts";
import type { FlowEndpoint, NotEvaluatedRule, NsgDecision } from "../net/nsg-evaluation.ts";
import { parsePrefix } from "../net/prefix.ts";
import type { Prefix } from "../net/prefix.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";

/** Nodes reach the API server on 443 and konnectivity on 4443; the load balancer probes the API server on 9988. */
const nodePorts = [443, 4443] as const;
const healthProbePort = 9988;

type Verdict = "Allow" | "Deny" | "Unverified";

/** One NSG (or its absence) deciding one flow on one subnet. */
interface FlowCheck {
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

interface FlowSide {
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

function flowSide(ref: SubnetRef): FlowSide | undefined {
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

function ruleLabel(rule: SecurityRule): string {
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

function nodeFlowChecks(
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

function probeCheck(inventory: Inventory, apiServer: FlowSide): FlowCheck {
  const flow: Flow = {
    label: `AzureLoadBalancer → ${apiServer.subnet.name} TCP ${healthProbePort}`,
    sourceId: "AzureLoadBalancer",
    source: { serviceTag: "AzureLoadBalancer" },
    destination: apiServer,
    port: healthProbePort,
  };
  return checkFlow(inventory, flow, apiServer, "Inbound");
}

function checkEvidence(check: FlowCheck) {
  const rule = check.decision?.decidingRule;
  return {
    flow: check.flow,
    source: check.sourceId,
    port: check.port,
    subnetId: check.subnetId,
    direction: check.direction,
    nsgId: check.nsgId ?? null,
    verdict: check.verdict,
    decidingRuleId: rule?.id ?? null,
    decidingRulePriority: rule?.priority ?? null,
    notEvaluated: (check.decision?.notEvaluated ?? []).map((entry) => ({
      ruleId: entry.rule.id,
      priority: entry.rule.priority,
      access: entry.rule.access,
      reason: entry.reason,
    })),
    ...(check.reason === undefined ? {} : { reason: check.reason }),
  };
}

function denialText(check: FlowCheck): string {
  const rule = check.decision?.decidingRule;
  const nsgName = check.nsgName ?? "";
  const who =
    rule === undefined ? `NSG ${nsgName} (no rule applies)` : `rule ${ruleLabel(rule)} of NSG ${nsgName}`;
  return `${who} denies ${check.flow} (${check.direction})`;
}

function evaluateCluster(cluster: Cluster, apiServerRef: SubnetRef, context: RuleContext): RuleOutcome {
  const { inventory, relations } = context;
  const gaps: string[] = [];
  const checks: FlowCheck[] = [];
  const apiServer = flowSide(apiServerRef);
  if (apiServer === undefined)
    gaps.push(`API server subnet ${apiServerRef.id} is not in the inventory or has no address prefix`);
  else checks.push(probeCheck(inventory, apiServer));
  const nodeRefs = relations.clusterNodeSubnets.get(cluster.key) ?? [];
  if (nodeRefs.length === 0)
    gaps.push("the nodes use an AKS-managed VNet, so their address range is unknown");
  for (const nodeRef of nodeRefs) {
    const node = flowSide(nodeRef);
    if (node === undefined)
      gaps.push(`node subnet ${nodeRef.id} is not in the inventory or has no address prefix`);
    else if (apiServer !== undefined) {
      const pools = cluster.agentPools.filter(
        (pool) => pool.vnetSubnetId !== undefined && idKey(pool.vnetSubnetId) === nodeRef.key,
      );
      checks.push(...nodeFlowChecks(inventory, node, apiServer, pools));
    }
  }

  const subject = clusterSubject(cluster);
  const evidence = { apiServerSubnetId: apiServerRef.id, checks: checks.map(checkEvidence), gaps };
  const denied = checks.filter((check) => check.verdict === "Deny");
  if (denied.length > 0) {
    const more = denied.length > 1 ? ` (and ${denied.length - 1} more denied flow checks)` : "";
    return {
      status: "fail",
      subject,
      evidence,
      message: `Cluster ${cluster.name}: ${denialText(denied[0]!)}${more}.`,
    };
  }
  const doubts = [...checks.flatMap((check) => (check.reason === undefined ? [] : [check.reason])), ...gaps];
  if (doubts.length > 0) {
    return {
      status: "unverified",
      subject,
      evidence,
      message: `Cluster ${cluster.name}: API server traffic could not be proven allowed: ${doubts[0]!}.`,
    };
  }
  return {
    status: "pass",
    subject,
    evidence,
    message: `Cluster ${cluster.name}: NSGs allow nodes to reach the API server on TCP 443 and 4443 and the health probe on TCP 9988.`,
  };
}

export default defineRule({
  meta: {
    id: "nsg-blocks-apiserver-traffic",
    title: "NSG blocks traffic to the API server subnet",
    severity: "high",
    resource: "integrated cluster with a BYO API server subnet",
    rationale:
      "With API Server VNet Integration the nodes reach the API server through an internal load balancer in the " +
      "API server subnet on TCP 443 and 4443, and the Azure load balancer probes it on TCP 9988. An NSG on the node " +
      "subnet (outbound) or the API server subnet (inbound) that denies any of these leaves nodes NotReady and " +
      "upgrades failing.",
    remediation:
      "Add allow rules ahead of the denying rule, for example on the API server subnet's NSG:\n" +
      "  az network nsg rule create -g <nsg-rg> --nsg-name <nsg> -n allow-nodes-to-apiserver --priority <below the deny> " +
      "--direction Inbound --access Allow --protocol Tcp --source-address-prefixes <node-subnet-cidr> " +
      "--destination-address-prefixes <apiserver-subnet-cidr> --destination-port-ranges 443 4443\n" +
      "  az network nsg rule create -g <nsg-rg> --nsg-name <nsg> -n allow-lb-probe --priority <below the deny> " +
      "--direction Inbound --access Allow --protocol Tcp --source-address-prefixes AzureLoadBalancer " +
      "--destination-address-prefixes <apiserver-subnet-cidr> --destination-port-ranges 9988\n" +
      "and the matching Outbound rule (443, 4443) on the node subnet's NSG. A rule on an application security " +
      "group applies to the nodes of pools that list it in networkProfile.applicationSecurityGroups " +
      "(az aks nodepool update --asg-ids …) and never to the load balancer's traffic. Rules on other service " +
      "tags cannot be evaluated offline; check them with az network watcher test-ip-flow or remove the doubt.",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    for (const cluster of context.inventory.clusters.values()) {
      const apiServerRef = integratedApiServerSubnet(cluster, context.relations);
      if (apiServerRef === undefined) {
        yield {
          status: "not_applicable",
          subject: clusterSubject(cluster),
          message: `Cluster ${cluster.name} has no API server subnet of its own with VNet Integration enabled.`,
        };
      } else yield evaluateCluster(cluster, apiServerRef, context);
    }
  },
});
