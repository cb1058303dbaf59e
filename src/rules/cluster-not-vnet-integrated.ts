// Flags every AKS cluster whose API server is not projected into a VNet (DESIGN §4).
import type { Evidence, RuleOutcome } from "../findings/result.ts";
import type { Cluster } from "../inventory/model.ts";
import { clusterSubject } from "../inventory/relations.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";

function evaluateCluster(cluster: Cluster): RuleOutcome {
  const profile = cluster.apiServerAccessProfile;
  const byoSubnet = profile.subnetId !== undefined && profile.subnetId !== "";
  const evidence: Evidence = {
    sku: cluster.sku,
    hasApiServerAccessProfile: cluster.hasApiServerAccessProfile,
    enableVnetIntegration: profile.enableVnetIntegration,
    apiServerSubnetId: byoSubnet ? profile.subnetId : null,
  };
  if (profile.enableVnetIntegration) {
    const where = byoSubnet ? "its own API server subnet" : "an AKS-managed VNet";
    return {
      status: "pass",
      subject: clusterSubject(cluster),
      message: `Cluster ${cluster.name} has API Server VNet Integration enabled in ${where}.`,
      evidence,
    };
  }
  // AKS Automatic always runs with the feature on; one without it is a platform anomaly worth escalating.
  const automatic = cluster.sku === "Automatic";
  return {
    status: "fail",
    severity: automatic ? "high" : "medium",
    subject: clusterSubject(cluster),
    message: automatic
      ? `AKS Automatic cluster ${cluster.name} does not have API Server VNet Integration enabled, which should never happen.`
      : `Cluster ${cluster.name} does not have API Server VNet Integration enabled.`,
    // The engine adds the conversion plan (DESIGN §5) here as `evidence.conversionPlan` (src/engine/conversion-plan.ts).
    evidence,
  };
}

export default defineRule({
  meta: {
    id: "cluster-not-vnet-integrated",
    title: "Cluster does not use API Server VNet Integration",
    severity: "medium",
    resource: "AKS cluster",
    rationale:
      "Without API Server VNet Integration the nodes reach the API server through a public endpoint or a private " +
      "endpoint and tunnel; with it, the API server sits behind an internal load balancer in a delegated subnet " +
      "of the cluster's VNet, so traffic stays private without a tunnel and the endpoint can be made private later.",
    remediation:
      "Convert the cluster (Azure CLI 2.73.0 or later). For a bring-your-own VNet, create a delegated /28 or " +
      "larger subnet in the node VNet and grant the cluster identity Network Contributor on it:\n" +
      "  az network vnet subnet create -g <vnet-rg> --vnet-name <vnet> -n apiserver --address-prefixes <free /28> " +
      "--delegations Microsoft.ContainerService/managedClusters\n" +
      "  az role assignment create --role 'Network Contributor' --assignee <cluster-identity-principal-id> " +
      "--scope <apiserver-subnet-id>\n" +
      "  az aks update -g <rg> -n <cluster> --enable-apiserver-vnet-integration --apiserver-subnet-id <apiserver-subnet-id>\n" +
      "An AKS-managed VNet needs only: az aks update -g <rg> -n <cluster> --enable-apiserver-vnet-integration\n" +
      "Then restart at once: az aks stop -g <rg> -n <cluster> && az aks start -g <rg> -n <cluster>\n" +
      "The API server IP changes (the FQDN does not) and the feature cannot be turned off again.",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    for (const cluster of context.inventory.clusters.values()) yield evaluateCluster(cluster);
  },
});
