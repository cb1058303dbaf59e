// Flags NSG, firewall and IP group entries that still pin an API server IP a cluster used to have (DESIGN §4).
import {
  isApiServerResourceOf,
  nodeResourceGroupKey,
  resourceGroupKeyOfId,
} from "../inventory/apiserver-endpoints.ts";
import type { Cluster, ResourceChange } from "../inventory/model.ts";
import { clusterNames, pinOutcomes } from "./_pin-outcomes.ts";
import { addressKey } from "./_pinned-apiserver-ip.ts";
import type { KnownApiServerIp } from "./_pinned-apiserver-ip.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";

/** A `privateIPAddress` change: the `before` value is an address the resource no longer has. */
interface AddressChange {
  readonly record: ResourceChange;
  readonly before: string;
}

function addressChanges(record: ResourceChange): AddressChange[] {
  return Object.entries(record.changes).flatMap(([path, change]) =>
    path.toLowerCase().endsWith("privateipaddress") && change.before !== undefined && change.before !== ""
      ? [{ record, before: change.before }]
      : [],
  );
}

function pushTo(map: Map<string, AddressChange[]>, key: string, values: readonly AddressChange[]): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [...values]);
  else list.push(...values);
}

/**
 * Address changes grouped by target resource group (for the load balancer, private endpoint and NIC in a node
 * resource group) and by target (for the cluster itself), so each cluster reads only its own.
 */
function indexAddressChanges(records: readonly ResourceChange[]): (cluster: Cluster) => AddressChange[] {
  const byResourceGroup = new Map<string, AddressChange[]>();
  const byTarget = new Map<string, AddressChange[]>();
  for (const record of records) {
    const changes = addressChanges(record);
    if (changes.length === 0) continue;
    pushTo(byTarget, record.targetKey, changes);
    const group = resourceGroupKeyOfId(record.targetResourceId);
    if (group !== undefined) pushTo(byResourceGroup, group, changes);
  }
  return (cluster) => {
    const nodeGroup = nodeResourceGroupKey(cluster);
    const candidates = [
      ...(byTarget.get(cluster.key) ?? []),
      ...(nodeGroup === undefined ? [] : (byResourceGroup.get(nodeGroup) ?? [])),
    ];
    return [...new Set(candidates)].filter((change) =>
      isApiServerResourceOf(cluster, change.record.targetResourceId),
    );
  };
}

function configuredIps(context: RuleContext): Map<string, readonly string[]> {
  return new Map(
    Object.entries(context.config.knownApiServerIps).map(([clusterId, ips]) => [
      clusterId.toLowerCase(),
      ips,
    ]),
  );
}

/** History, config and change records, minus every IP the cluster has now. */
function oldApiServerIps(context: RuleContext): KnownApiServerIp[] {
  const configured = configuredIps(context);
  const changesOf = indexAddressChanges(context.inventory.resourceChanges);
  const old: KnownApiServerIp[] = [];
  for (const cluster of context.inventory.clusters.values()) {
    const currentIps = (context.apiServerEndpoints.get(cluster.key) ?? []).map((endpoint) => endpoint.ip);
    const current = new Set(currentIps.map(addressKey));
    const candidates: Omit<KnownApiServerIp, "cluster">[] = [
      ...context.history.previousApiServerIps(cluster.id, currentIps).map((seen) => ({
        ip: seen.ip,
        evidence: `history:${seen.evidence}`,
        lastSeen: seen.lastSeen,
        source: undefined,
      })),
      ...(configured.get(cluster.key) ?? []).map((ip) => ({
        ip,
        evidence: "config",
        lastSeen: undefined,
        source: "knownApiServerIps",
      })),
      ...changesOf(cluster).map(({ record, before }) => ({
        ip: before,
        evidence: "change-record",
        lastSeen: record.timestamp,
        source: record.targetResourceId,
      })),
    ];
    for (const candidate of candidates)
      if (!current.has(addressKey(candidate.ip))) old.push({ ...candidate, cluster });
  }
  return old;
}

export default defineRule({
  meta: {
    id: "rule-pinned-to-old-apiserver-ip",
    title: "Network rule pins an API server IP the cluster no longer has",
    severity: "high",
    resource: "NSG rule, firewall rule (classic or policy), IP group",
    rationale:
      "Enabling API Server VNet Integration (or re-creating the API server endpoint) gives the API server a new IP " +
      "while the hostname stays. NSG, firewall and IP group entries written for the old IP no longer reach the API " +
      "server: nodes, pipelines and tools behind them lose access, or the stale allowance lets traffic reach " +
      "whatever takes the address next.",
    remediation:
      "Point the entry at the API server subnet CIDR (integrated cluster with its own subnet) or allow the API " +
      "server FQDN in an Azure Firewall rule, then remove the old IP:\n" +
      "  az network nsg rule update -g <rg> --nsg-name <nsg> -n <rule> --destination-address-prefixes <apiserver subnet CIDR>\n" +
      "  az network ip-group update -g <rg> -n <ip-group> --ip-addresses <apiserver subnet CIDR>\n" +
      "  az network firewall policy rule-collection-group collection rule update -g <rg> --policy-name <policy> " +
      "--rcg-name <group> --collection-name <collection> -n <rule> --destination-addresses <apiserver subnet CIDR>",
    docs: apiServerVnetIntegrationDocs,
  },
  evaluate(context) {
    return pinOutcomes(context, oldApiServerIps(context), {
      describe: (clusters) => `an API server IP that cluster ${clusterNames(clusters)} no longer has`,
      severity: () => undefined,
      pass: (cluster, count) =>
        `No NSG, firewall or IP group entry pins any of the ${count} former API server IPs of cluster ${cluster.name}.`,
    });
  },
});
