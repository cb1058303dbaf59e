// Turns the pins `findPins` finds into the pinned-IP rules' outcomes: a fail per pin, `unverified` where a rule
// holder could not be read, a pass per cluster nothing pins.
import type { RuleOutcome, Severity } from "../findings/result.ts";
import { nameFromId, subscriptionFromId } from "../inventory/arm-id.ts";
import { clusterFqdn } from "../inventory/apiserver-endpoints.ts";
import type { Cluster, Inventory, UnreadRuleCollectionGroup } from "../inventory/model.ts";
import { clusterSubject, integratedApiServerSubnet } from "../inventory/relations.ts";
import type { Relations } from "../inventory/relations.ts";
import { findPins, type KnownApiServerIp, type Pin } from "./_pinned-apiserver-ip.ts";
import type { RuleContext } from "./define.ts";

/** Names for a message: `aks-1`, `aks-1, aks-2`. */
export function clusterNames(clusters: readonly Cluster[]): string {
  return clusters.map((cluster) => cluster.name).join(", ");
}

/** What to write instead of the IP: the BYO API server subnet CIDR when there is one, else the FQDN. */
export function recommendedDestination(cluster: Cluster, relations: Relations): string {
  const prefixes = integratedApiServerSubnet(cluster, relations)?.subnet?.addressPrefixes ?? [];
  if (prefixes.length > 0) return `the API server subnet CIDR ${prefixes.join(", ")}`;
  const fqdn = clusterFqdn(cluster);
  return fqdn === undefined ? "the API server FQDN" : `the API server FQDN ${fqdn}`;
}

function distinctClusters(knownIps: readonly KnownApiServerIp[]): Cluster[] {
  return [...new Map(knownIps.map((known) => [known.cluster.key, known.cluster])).values()];
}

/** How each rule words and grades its results. */
export interface PinWording {
  /** Says what the IP is to the clusters, e.g. "an API server IP that cluster aks-1 used to have". */
  describe(clusters: readonly Cluster[]): string;
  severity(clusters: readonly Cluster[]): Severity | undefined;
  /** The pass sentence for a cluster none of whose `count` IPs is pinned. */
  pass(cluster: Cluster, count: number): string;
}

function enforcedText(pin: Pin): string {
  if (pin.enforcedBy === undefined || pin.enforcedBy.length === 0) return "";
  return ` (enforced by firewall ${pin.enforcedBy.map((id) => nameFromId(id)).join(", ")})`;
}

/** The clusters an IP is known for and what to write instead; pins of one IP share their `knownIps`. */
interface PinnedClusters {
  readonly clusters: readonly Cluster[];
  readonly recommendations: readonly string[];
}

/** Worked out once per indexed IP, not once per pin: one shared IP can be pinned by thousands of rules. */
function pinnedClustersOf(relations: Relations): (knownIps: readonly KnownApiServerIp[]) => PinnedClusters {
  const known = new Map<readonly KnownApiServerIp[], PinnedClusters>();
  return (knownIps) => {
    let pinned = known.get(knownIps);
    if (pinned === undefined) {
      const clusters = distinctClusters(knownIps);
      const destinations = clusters.map((cluster) => recommendedDestination(cluster, relations));
      pinned = { clusters, recommendations: [...new Set(destinations)] };
      known.set(knownIps, pinned);
    }
    return pinned;
  };
}

function failOutcome(pin: Pin, pinned: PinnedClusters, wording: PinWording): RuleOutcome {
  const { clusters, recommendations } = pinned;
  const severity = wording.severity(clusters);
  return {
    status: "fail",
    ...(severity === undefined ? {} : { severity }),
    subject: pin.subject,
    detail: pin.detail,
    message: `${pin.holder} pins ${pin.ip}, ${wording.describe(clusters)}${enforcedText(pin)}; use ${recommendations.join(" or ")} instead.`,
    evidence: {
      clusterIds: clusters.map((cluster) => cluster.id),
      ip: pin.ip,
      entries: pin.entries,
      knownAs: pin.knownIps.map((known) => ({
        clusterId: known.cluster.id,
        evidence: known.evidence,
        lastSeen: known.lastSeen,
        source: known.source,
      })),
      ...(pin.referencedBy === undefined ? {} : { referencedBy: pin.referencedBy }),
      ...(pin.enforcedBy === undefined ? {} : { enforcedBy: pin.enforcedBy }),
      recommendation: [...recommendations],
    },
  };
}

const ruleCollectionGroupType = "microsoft.network/firewallpolicies/rulecollectiongroups";

/** A group its policy lists that no table returned and ARM could not read: its rules are unknown. */
function unreadOutcome(group: UnreadRuleCollectionGroup): RuleOutcome {
  return {
    status: "unverified",
    subject: {
      id: group.id,
      type: ruleCollectionGroupType,
      tenantId: group.tenantId,
      subscriptionId: subscriptionFromId(group.id) ?? "",
    },
    message: `Rule collection group ${group.id} of firewall policy ${nameFromId(group.firewallPolicyId)} could not be read (no Resource Graph table returned it, and the ARM GET failed), so its rules may pin an API server IP.`,
    evidence: { firewallPolicyId: group.firewallPolicyId },
  };
}

/** Rule holders (and API server endpoint evidence) the input left incomplete: a pin could hide in any of them. */
function incompleteHolders(inventory: Inventory): string[] {
  const holders = [
    ...inventory.networkSecurityGroups.values(),
    ...inventory.azureFirewalls.values(),
    ...inventory.firewallPolicyRuleCollectionGroups.values(),
    ...inventory.ipGroups.values(),
  ];
  return holders
    .filter((holder) => holder.contentGaps !== undefined)
    .map((holder) => `${holder.name} (${holder.contentGaps!.join("; ")})`);
}

/**
 * One fail per pinning (resource, IP), then one pass per cluster with known IPs that nothing pins; that pass
 * is `unverified` when a rule holder is incomplete in the input.
 */
export function* pinOutcomes(
  context: RuleContext,
  knownIps: readonly KnownApiServerIp[],
  wording: PinWording,
): Generator<RuleOutcome> {
  const pins = findPins(context.inventory, knownIps);
  const pinned = new Set<string>();
  const clustersOf = pinnedClustersOf(context.relations);
  for (const pin of pins) {
    for (const known of pin.knownIps) pinned.add(known.cluster.key);
    yield failOutcome(pin, clustersOf(pin.knownIps), wording);
  }
  const unread = context.inventory.unreadRuleCollectionGroups;
  for (const group of unread) yield unreadOutcome(group);
  const byCluster = new Map<string, KnownApiServerIp[]>();
  for (const known of knownIps)
    byCluster.set(known.cluster.key, [...(byCluster.get(known.cluster.key) ?? []), known]);
  const incomplete = byCluster.size === 0 ? [] : incompleteHolders(context.inventory);
  for (const [key, ips] of byCluster) {
    if (pinned.has(key)) continue;
    const cluster = ips[0]!.cluster;
    const blind = unread.filter(
      (group) => group.tenantId === "" || group.tenantId.toLowerCase() === cluster.tenantId.toLowerCase(),
    );
    if (blind.length > 0) {
      yield {
        status: "unverified",
        subject: clusterSubject(cluster),
        message: `No rule read pins cluster ${cluster.name}'s API server IPs, but rule collection group(s) ${blind.map((group) => group.id).join(", ")} could not be read.`,
        evidence: { unreadRuleCollectionGroups: blind.map((group) => group.id) },
      };
      continue;
    }
    const passText = wording.pass(cluster, new Set(ips.map((known) => known.ip)).size);
    yield {
      status: incomplete.length === 0 ? "pass" : "unverified",
      subject: clusterSubject(cluster),
      message:
        incomplete.length === 0
          ? passText
          : `${passText} Unverified: ${incomplete.length} rule holder(s) are incomplete in the input, e.g. ${incomplete[0]!}.`,
      evidence: {
        ips: ips.map((known) => ({ ip: known.ip, evidence: known.evidence, lastSeen: known.lastSeen })),
      },
    };
  }
}
