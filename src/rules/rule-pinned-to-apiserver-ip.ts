// Flags NSG, firewall and IP group entries that pin a cluster's current API server IP, which is not stable (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import type { Cluster } from "../inventory/model.ts";
import { clusterSubject } from "../inventory/relations.ts";
import { clusterNames, pinOutcomes } from "./_pin-outcomes.ts";
import type { KnownApiServerIp } from "./_pinned-apiserver-ip.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";

function isIntegrated(cluster: Cluster): boolean {
  return cluster.apiServerAccessProfile.enableVnetIntegration;
}

/** A non-integrated cluster's IP changes for certain when integration is enabled; an integrated one's only may. */
function severityFor(clusters: readonly Cluster[]): "medium" | "low" {
  return clusters.every(isIntegrated) ? "low" : "medium";
}

function currentApiServerIps(context: RuleContext): KnownApiServerIp[] {
  const seenAt = context.now.toISOString();
  return [...context.inventory.clusters.values()].flatMap((cluster) =>
    (context.apiServerEndpoints.get(cluster.key) ?? []).map((endpoint) => ({
      cluster,
      ip: endpoint.ip,
      evidence: endpoint.evidence,
      lastSeen: seenAt,
      source: endpoint.source,
    })),
  );
}

/** A private or integrated cluster always has an ARM endpoint to find; without it the check is blind. */
function missingEvidence(cluster: Cluster, context: RuleContext): RuleOutcome | undefined {
  const profile = cluster.apiServerAccessProfile;
  if (context.apiServerEndpoints.has(cluster.key)) return undefined;
  if (!profile.enableVnetIntegration && !profile.enablePrivateCluster) return undefined;
  const expected = profile.enableVnetIntegration
    ? "the kube-apiserver load balancer frontend"
    : "the API server private endpoint and its NIC";
  return {
    status: "unverified",
    severity: severityFor([cluster]),
    subject: clusterSubject(cluster),
    message:
      `No API server endpoint evidence was found for cluster ${cluster.name} (expected ${expected} in node ` +
      `resource group ${cluster.nodeResourceGroup ?? "(unknown)"}), so entries pinning its IP cannot be checked.`,
    evidence: {
      expected,
      nodeResourceGroup: cluster.nodeResourceGroup,
      enableVnetIntegration: profile.enableVnetIntegration,
      enablePrivateCluster: profile.enablePrivateCluster,
    },
  };
}

function describe(clusters: readonly Cluster[]): string {
  const why = clusters.every(isIntegrated)
    ? "which Azure may still change (only the hostname is stable)"
    : "which changes when API Server VNet Integration is enabled (the hostname stays)";
  return `the current API server IP of cluster ${clusterNames(clusters)}, ${why}`;
}

export default defineRule({
  meta: {
    id: "rule-pinned-to-apiserver-ip",
    title: "Network rule pins the current API server IP",
    severity: "medium",
    resource: "NSG rule, firewall rule (classic or policy), IP group",
    rationale:
      "The API server IP is not a stable contract: enabling API Server VNet Integration moves a cluster's API " +
      "server to an internal load balancer in the API server subnet with a new IP, and Azure may change it again " +
      "later. Only the hostname is stable, so entries that pin the IP break silently. Medium for clusters that are " +
      "not integrated yet (their IP will change at conversion), low for integrated ones.",
    remediation:
      "Before converting, replace the IP with the API server subnet CIDR (BYO subnet) or allow the API server FQDN " +
      "in an Azure Firewall rule:\n" +
      "  az network nsg rule update -g <rg> --nsg-name <nsg> -n <rule> --destination-address-prefixes <apiserver subnet CIDR>\n" +
      "  az network ip-group update -g <rg> -n <ip-group> --ip-addresses <apiserver subnet CIDR>\n" +
      "  az network firewall policy rule-collection-group collection rule update -g <rg> --policy-name <policy> " +
      "--rcg-name <group> --collection-name <collection> -n <rule> --destination-addresses <apiserver subnet CIDR>\n" +
      "Find the FQDN with: az aks show -g <rg> -n <cluster> --query fqdn",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    yield* pinOutcomes(context, currentApiServerIps(context), {
      describe,
      severity: severityFor,
      pass: (cluster, count) =>
        `No NSG, firewall or IP group entry pins any of the ${count} current API server IPs of cluster ${cluster.name}.`,
    });
    for (const cluster of context.inventory.clusters.values()) {
      const outcome = missingEvidence(cluster, context);
      if (outcome !== undefined) yield outcome;
    }
  },
});
