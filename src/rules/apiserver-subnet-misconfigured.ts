// Checks that an integrated cluster's own API server subnet is delegated, holds only API servers and sits in the node VNet (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import type { Cluster, Subnet } from "../inventory/model.ts";
import { subnetSubject } from "../inventory/relations.ts";
import type { ApiServerSubnetUse, Relations } from "../inventory/relations.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";

/** The frontends AKS creates on the `kube-apiserver` internal load balancer are the only tenants allowed. */
const apiServerFrontendMarker = "/loadbalancers/kube-apiserver/frontendipconfigurations/";

interface Problem {
  readonly kind: "not-delegated" | "foreign-ip-configurations" | "private-endpoints" | "vnet-mismatch";
  readonly description: string;
  readonly ids: readonly string[];
}

function contentProblems(subnet: Subnet, delegated: boolean): Problem[] {
  const problems: Problem[] = [];
  if (!delegated) {
    const services = subnet.delegations.map((delegation) => delegation.serviceName);
    problems.push({
      kind: "not-delegated",
      description: "not delegated to Microsoft.ContainerService/managedClusters",
      ids: services,
    });
  }
  const foreign = subnet.ipConfigurationIds.filter(
    (id) => !id.toLowerCase().includes(apiServerFrontendMarker),
  );
  if (foreign.length > 0) {
    problems.push({
      kind: "foreign-ip-configurations",
      description: `${foreign.length} ipConfigurations other than kube-apiserver frontends`,
      ids: foreign,
    });
  }
  if (subnet.privateEndpointIds.length > 0) {
    problems.push({
      kind: "private-endpoints",
      description: `${subnet.privateEndpointIds.length} private endpoints`,
      ids: subnet.privateEndpointIds,
    });
  }
  return problems;
}

/** AKS-managed node VNets (no node subnet) count as a mismatch too: a BYO API server subnet needs BYO nodes. */
function vnetProblems(
  use: ApiServerSubnetUse,
  clusters: readonly Cluster[],
  relations: Relations,
): Problem[] {
  const mismatched = clusters.filter((cluster) => {
    const nodeVnetKeys = relations.clusterNodeVnetKeys.get(cluster.key) ?? [];
    return nodeVnetKeys.length === 0 || nodeVnetKeys.some((vnetKey) => vnetKey !== use.subnet.vnetKey);
  });
  if (mismatched.length === 0) return [];
  const names = mismatched.map((cluster) => cluster.name).join(", ");
  return [
    {
      kind: "vnet-mismatch",
      description: `not in the node VNet of ${names}`,
      ids: mismatched.map((cluster) => cluster.id),
    },
  ];
}

function evaluateSubnet(use: ApiServerSubnetUse, relations: Relations): RuleOutcome {
  const subject = subnetSubject(use.subnet);
  const integrated = use.clusters.filter((cluster) => cluster.apiServerAccessProfile.enableVnetIntegration);
  if (integrated.length === 0) {
    return {
      status: "not_applicable",
      subject,
      message: `Subnet ${use.subnet.id} is not the API server subnet of an integrated cluster.`,
    };
  }
  const { subnet } = use.subnet;
  const problems = [
    ...(subnet === undefined ? [] : contentProblems(subnet, use.delegated)),
    ...vnetProblems(use, integrated, relations),
  ];
  const evidence = {
    problems,
    vnetKey: use.subnet.vnetKey,
    clusters: integrated.map((cluster) => ({
      id: cluster.id,
      nodeVnetKeys: relations.clusterNodeVnetKeys.get(cluster.key) ?? [],
    })),
    inInventory: subnet !== undefined,
  };
  const name = subnet?.name ?? use.subnet.id;
  if (problems.length > 0) {
    const list = problems.map((problem) => problem.description).join("; ");
    return {
      status: "fail",
      subject,
      evidence,
      message: `API server subnet ${name} is misconfigured: ${list}.`,
    };
  }
  if (subnet === undefined) {
    return {
      status: "unverified",
      subject,
      evidence,
      message: `API server subnet ${name} is not in the inventory, so its delegation and contents are unknown.`,
    };
  }
  return {
    status: "pass",
    subject,
    evidence,
    message: `API server subnet ${name} is delegated, holds only API servers and shares the node VNet.`,
  };
}

export default defineRule({
  meta: {
    id: "apiserver-subnet-misconfigured",
    title: "API server subnet is not set up as AKS requires",
    severity: "high",
    resource: "API server subnet of an integrated cluster",
    rationale:
      "The API server subnet must be delegated to Microsoft.ContainerService/managedClusters, hold nothing but " +
      "API server load balancer frontends and sit in the cluster's VNet. Otherwise the API server cannot scale, " +
      "upgrades fail, or nodes cannot reach it.",
    remediation:
      "Delegate the subnet: az network vnet subnet update -g <vnet-rg> --vnet-name <vnet> -n <subnet> " +
      "--delegations Microsoft.ContainerService/managedClusters\n" +
      "Move other resources (NICs, private endpoints, load balancers) out of it, e.g. " +
      "az network private-endpoint delete -g <rg> -n <endpoint> and recreate it in another subnet. " +
      "An API server subnet in another VNet than the nodes needs a new cluster or a node pool migration " +
      "(az aks nodepool add -g <rg> --cluster-name <cluster> -n <pool> --vnet-subnet-id <subnet-in-apiserver-vnet>).",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    for (const use of context.relations.apiServerSubnets.values())
      yield evaluateSubnet(use, context.relations);
  },
});
