// Checks that the NSGs on an integrated cluster's node and API server subnets let nodes and the health probe reach the API server (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import { idKey } from "../inventory/model.ts";
import type { Cluster } from "../inventory/model.ts";
import { clusterSubject, integratedApiServerSubnet } from "../inventory/relations.ts";
import type { SubnetRef } from "../inventory/relations.ts";
import { flowSide, nodeFlowChecks, probeCheck, ruleLabel, type FlowCheck } from "./_apiserver-flows.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";

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
