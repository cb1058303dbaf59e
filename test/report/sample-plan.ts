// A run whose one non-integrated cluster carries a real conversion plan, with a name hostile to shells, HTML and spreadsheets.
import { analyze } from "../../src/engine/analyze.ts";
import { buildConversionPlan } from "../../src/engine/conversion-plan.ts";
import type { ConversionPlan } from "../../src/findings/conversion-plan.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import { rules } from "../../src/rules/index.ts";
import {
  agentPool,
  cluster,
  inventory,
  nsg,
  nsgId,
  ruleContext,
  subnet,
  subnetId,
  vnet,
} from "../builders.ts";
import { makeCluster, makeResult, sampleClusters, sampleResults, sampleRun } from "./sample-run.ts";

export const hostilePlanClusterName = "=x'; rm -rf /<b onmouseover=alert(1)>";

export function samplePlan(): ConversionPlan {
  const aks = cluster({
    name: hostilePlanClusterName,
    agentPools: [agentPool({ vnetSubnetId: subnetId("vnet-1", "nodes") })],
  });
  const nodes = subnet({
    name: "nodes",
    addressPrefixes: ["10.0.0.0/24"],
    networkSecurityGroupId: nsgId("nsg-nodes"),
  });
  const context = ruleContext(
    inventory({ clusters: [aks], vnets: [vnet({ subnets: [nodes] })], nsgs: [nsg({ name: "nsg-nodes" })] }),
  );
  return buildConversionPlan(context, analyze(rules, context), aks);
}

/** The sample run plus a `cluster-not-vnet-integrated` fail carrying `samplePlan()`. */
export function planRun(): RunRecord {
  const plan = samplePlan();
  const result = makeResult({
    ruleId: "cluster-not-vnet-integrated",
    resourceId: plan.clusterId,
    evidence: { enableVnetIntegration: false, conversionPlan: plan },
  });
  const planned = makeCluster({
    id: plan.clusterId,
    name: plan.clusterName,
    enableVnetIntegration: false,
    apiServerSubnetMode: "none",
    apiServerSubnetId: "",
    readiness: "needs-apiserver-subnet",
  });
  return sampleRun({ results: [...sampleResults, result], clusters: [...sampleClusters, planned] });
}
