// Flags API server subnets with too few free addresses for the clusters that share them (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import { sizedSubnet, subnetIpv4Capacity, subnetSubject } from "../inventory/relations.ts";
import type { ApiServerSubnetUse } from "../inventory/relations.ts";
import { ipConfigurationCount } from "../inventory/model.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";

/** AKS reserves at least this many addresses per integrated cluster in its API server subnet. */
export const apiServerIpsPerCluster = 9;

/** Names the clusters the subnet shows that the scan does not, so nobody reads the count as this scope's. */
function outsideNote(outside: ApiServerSubnetUse["clustersOutsideScan"]): string {
  if (outside.count === 0) return "";
  const evidence =
    outside.loadBalancerIds.length > 0
      ? `kube-apiserver load balancers ${outside.loadBalancerIds.join(", ")}`
      : "AKS's service association link on the subnet";
  return ` ${outside.count} cluster(s) outside the scan use it (${evidence}); ${apiServerIpsPerCluster} addresses are reserved for each.`;
}

function evaluateSubnet(use: ApiServerSubnetUse, minFreeApiServerIps: number): RuleOutcome {
  const subnet = sizedSubnet(use.subnet);
  const subject = subnetSubject(use.subnet);
  const clusterIds = use.clusters.map((cluster) => cluster.id);
  if (subnet === undefined) {
    return {
      status: "unverified",
      subject,
      message: `API server subnet ${use.subnet.id} is not in the inventory or has no address prefix, so its free addresses are unknown.`,
      evidence: { clusterIds, inInventory: use.subnet.subnet !== undefined },
    };
  }
  const { ipv4Prefixes, capacity } = subnetIpv4Capacity(subnet);
  const outside = use.clustersOutsideScan;
  const reserved = apiServerIpsPerCluster * (use.clusters.length + outside.count);
  const ipConfigurations = ipConfigurationCount(subnet);
  const used = Math.max(reserved, ipConfigurations);
  const free = capacity - used;
  const evidence = {
    ipv4Prefixes: ipv4Prefixes.map((prefix) => prefix.text),
    capacity,
    clusters: use.clusters.length,
    clustersOutsideScan: outside.count,
    apiServerLoadBalancersOutsideScan: outside.loadBalancerIds,
    linkedToAks: outside.linkedToAks,
    reservedForClusters: reserved,
    ipConfigurations,
    used,
    free,
    minFreeApiServerIps,
    clusterIds,
  };
  if (free < 0) {
    return {
      status: "fail",
      severity: "critical",
      subject,
      evidence,
      message: `API server subnet ${subnet.name} is over-committed: ${used} addresses needed, ${capacity} usable.${outsideNote(outside)}`,
    };
  }
  if (free < minFreeApiServerIps) {
    return {
      status: "fail",
      severity: "medium",
      subject,
      evidence,
      message: `API server subnet ${subnet.name} has only ${free} free addresses (threshold ${minFreeApiServerIps}).${outsideNote(outside)}`,
    };
  }
  return {
    status: "pass",
    subject,
    evidence,
    message: `API server subnet ${subnet.name} has ${free} free addresses.${outsideNote(outside)}`,
  };
}

export default defineRule({
  meta: {
    id: "apiserver-subnet-ip-exhaustion",
    title: "API server subnet is running out of addresses",
    severity: "critical",
    resource: "API server subnet",
    rationale:
      "Each integrated cluster reserves at least 9 addresses in its API server subnet and needs more while the " +
      "API server scales or is upgraded. When the subnet runs dry, enablement, upgrades and API server scaling fail.",
    remediation:
      "Stop adding clusters to this subnet and move new ones to another delegated subnet; widen the subnet " +
      "when it allows it:\n" +
      "  az network vnet subnet update -g <vnet-rg> --vnet-name <vnet> -n <subnet> --address-prefixes <larger prefix>\n" +
      "or create another one: az network vnet subnet create -g <vnet-rg> --vnet-name <vnet> -n apiserver-2 " +
      "--address-prefixes <free /28> --delegations Microsoft.ContainerService/managedClusters",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    for (const use of context.relations.apiServerSubnets.values())
      yield evaluateSubnet(use, context.config.minFreeApiServerIps);
  },
});
