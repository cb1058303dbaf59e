// Flags API server subnets whose largest IPv4 prefix is smaller than the /28 AKS requires (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import { sizedSubnet, subnetIpv4Capacity, subnetSubject } from "../inventory/relations.ts";
import type { ApiServerSubnetUse } from "../inventory/relations.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";

const minimumPrefixLength = 28;

function evaluateSubnet(use: ApiServerSubnetUse): RuleOutcome {
  const subnet = sizedSubnet(use.subnet);
  const subject = subnetSubject(use.subnet);
  const clusterIds = use.clusters.map((cluster) => cluster.id);
  if (subnet === undefined) {
    return {
      status: "unverified",
      subject,
      message: `API server subnet ${use.subnet.id} is not in the inventory or has no address prefix, so its size is unknown.`,
      evidence: { clusterIds, inInventory: use.subnet.subnet !== undefined },
    };
  }
  const { ipv4Prefixes } = subnetIpv4Capacity(subnet);
  const largest = ipv4Prefixes.reduce<number | undefined>(
    (best, prefix) => Math.min(best ?? prefix.length, prefix.length),
    undefined,
  );
  const evidence = {
    addressPrefixes: subnet.addressPrefixes,
    largestIpv4Prefix: largest === undefined ? null : `/${largest}`,
    requiredPrefix: `/${minimumPrefixLength}`,
    clusterIds,
  };
  if (largest === undefined || largest > minimumPrefixLength) {
    const size = largest === undefined ? "no IPv4 prefix" : `a largest IPv4 prefix of /${largest}`;
    return {
      status: "fail",
      subject,
      message: `API server subnet ${subnet.name} has ${size}; AKS needs /28 or larger.`,
      evidence,
    };
  }
  return {
    status: "pass",
    subject,
    message: `API server subnet ${subnet.name} is /${largest}, large enough.`,
    evidence,
  };
}

export default defineRule({
  meta: {
    id: "apiserver-subnet-too-small",
    title: "API server subnet is smaller than /28",
    severity: "critical",
    resource: "API server subnet (referenced by a cluster or delegated to managedClusters)",
    rationale:
      "AKS places the API server's internal load balancer frontends in the delegated subnet and requires at " +
      "least a /28. A smaller subnet makes enablement fail, and an integrated cluster cannot scale its API server.",
    remediation:
      "Before converting, create a delegated /28 or larger subnet in the node VNet and convert onto it:\n" +
      "  az network vnet subnet create -g <vnet-rg> --vnet-name <vnet> -n apiserver --address-prefixes <free /28> " +
      "--delegations Microsoft.ContainerService/managedClusters\n" +
      "  az aks update -g <rg> -n <cluster> --enable-apiserver-vnet-integration --apiserver-subnet-id <new-subnet-id>\n" +
      "For a subnet already in use, widen it where Azure allows it " +
      "(az network vnet subnet update -g <vnet-rg> --vnet-name <vnet> -n <subnet> --address-prefixes <prefix /28 or larger>).",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    for (const use of context.relations.apiServerSubnets.values()) yield evaluateSubnet(use);
  },
});
