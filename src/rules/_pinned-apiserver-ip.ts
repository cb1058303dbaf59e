// Finds NSG, firewall and IP group destination entries that pin known API server IPs; shared by both pinned-IP rules.
import type { ResultSubject, RuleOutcome, Severity } from "../findings/result.ts";
import { nameFromId, subscriptionFromId } from "../inventory/arm-id.ts";
import { clusterFqdn } from "../inventory/apiserver-endpoints.ts";
import { idKey } from "../inventory/model.ts";
import type {
  ArmResource,
  Cluster,
  FirewallRule,
  Inventory,
  UnreadRuleCollectionGroup,
} from "../inventory/model.ts";
import { firewallsEnforcing } from "../inventory/firewall-policies.ts";
import { clusterSubject, integratedApiServerSubnet } from "../inventory/relations.ts";
import type { Relations } from "../inventory/relations.ts";
import { buildIpIndex } from "../net/ip-index.ts";
import type { IpIndex } from "../net/ip-index.ts";
import { parseAddress } from "../net/prefix.ts";
import type { RuleContext } from "./define.ts";

const securityRuleType = "microsoft.network/networksecuritygroups/securityrules";

/** An API server IP a cluster has or had, and how we know it. */
export interface KnownApiServerIp {
  readonly cluster: Cluster;
  readonly ip: string;
  /** `kube-apiserver-frontend`, `private-endpoint-nic`, `dns`, `history:<kind>`, `config`, `change-record`. */
  readonly evidence: string;
  readonly lastSeen: string | undefined;
  /** The resource, DNS name or change record that shows the IP. */
  readonly source: string | undefined;
}

/** One (resource, detail) whose destination entries pin an indexed IP. */
export interface Pin {
  readonly subject: ResultSubject;
  readonly detail: string;
  /** How a reader names the entry's holder: `NSG rule nsg-1/allow-api`, `IP group ipg-1`. */
  readonly holder: string;
  readonly ip: string;
  /** The matching entries as written (`10.0.0.4`, `10.0.0.4/32`). */
  readonly entries: string[];
  readonly knownIps: readonly KnownApiServerIp[];
  /** For an IP group: the firewall rules whose `destinationIpGroups` reach it. */
  readonly referencedBy: readonly string[] | undefined;
  /** For a rule collection group: the firewalls that enforce it (its policy's and every child policy's). */
  readonly enforcedBy?: readonly string[];
}

type PinPlace = Pick<Pin, "subject" | "holder" | "referencedBy" | "enforcedBy"> & { readonly key: string };

function armSubject(resource: ArmResource): ResultSubject {
  return {
    id: resource.id,
    type: resource.type,
    tenantId: resource.tenantId,
    subscriptionId: resource.subscriptionId,
  };
}

class PinCollector {
  readonly pins = new Map<string, Pin>();
  readonly #index: IpIndex<KnownApiServerIp>;

  constructor(index: IpIndex<KnownApiServerIp>) {
    this.#index = index;
  }

  /** One lookup per entry; a second entry for the same IP on the same holder joins the first result. */
  check(place: PinPlace, entries: readonly string[], detailOf: (ip: string) => string): void {
    for (const entry of entries) {
      const hit = this.#index.lookupEntry(entry);
      if (hit === undefined) continue;
      const detail = detailOf(hit.ip);
      const key = `${place.key}\n${detail}`;
      const known = this.pins.get(key);
      if (known !== undefined) known.entries.push(entry);
      else this.pins.set(key, { ...place, detail, ip: hit.ip, entries: [entry], knownIps: hit.values });
    }
  }
}

function checkSecurityRules(inventory: Inventory, collector: PinCollector): void {
  for (const rule of inventory.securityRules.values()) {
    if (rule.isDefault) continue;
    const group = inventory.networkSecurityGroups.get(rule.nsgKey);
    const subject = {
      id: rule.id,
      type: securityRuleType,
      tenantId: group?.tenantId ?? "",
      subscriptionId: group?.subscriptionId ?? subscriptionFromId(rule.id) ?? "",
    };
    const holder = `NSG rule ${group?.name ?? rule.nsgKey}/${rule.name}`;
    collector.check(
      { key: rule.key, subject, holder, referencedBy: undefined },
      rule.destinationAddressPrefixes,
      (ip) => ip,
    );
  }
}

/** Network and NAT rules only: application rules match on FQDNs and web categories, not on destination IPs. */
function addressRules(parent: { readonly rules: readonly FirewallRule[] }): FirewallRule[] {
  return parent.rules.filter((rule) => rule.kind !== "application");
}

/** Checks firewall rules and returns, per referenced IP group key, the names of the rules that reference it. */
function checkFirewallRules(inventory: Inventory, collector: PinCollector): Map<string, string[]> {
  const ipGroupReferences = new Map<string, string[]>();
  const enforcing = firewallsEnforcing(inventory.firewallPolicies);
  const parents: (ArmResource & { rules: readonly FirewallRule[]; firewallPolicyId?: string })[] = [
    ...inventory.azureFirewalls.values(),
    ...inventory.firewallPolicyRuleCollectionGroups.values(),
  ];
  for (const parent of parents) {
    const subject = armSubject(parent);
    const enforcedBy =
      parent.firewallPolicyId === undefined ? undefined : enforcing.get(idKey(parent.firewallPolicyId));
    for (const rule of addressRules(parent)) {
      const ruleName = `${rule.collectionName}/${rule.name}`;
      const holder = `firewall rule ${parent.name} ${ruleName}`;
      const place = {
        key: parent.key,
        subject,
        holder,
        referencedBy: undefined,
        ...(enforcedBy === undefined ? {} : { enforcedBy }),
      };
      collector.check(place, rule.destinationAddresses, (ip) => `${ruleName}@${ip}`);
      for (const groupId of rule.destinationIpGroupIds) {
        const references = ipGroupReferences.get(idKey(groupId));
        if (references === undefined) ipGroupReferences.set(idKey(groupId), [holder]);
        else references.push(holder);
      }
    }
  }
  return ipGroupReferences;
}

function checkIpGroups(
  inventory: Inventory,
  references: Map<string, string[]>,
  collector: PinCollector,
): void {
  for (const [key, referencedBy] of references) {
    const group = inventory.ipGroups.get(key);
    if (group === undefined) continue;
    const place = { key, subject: armSubject(group), holder: `IP group ${group.name}`, referencedBy };
    collector.check(place, group.ipAddresses, (ip) => ip);
  }
}

/**
 * Every (resource, detail) whose destination entries pin one of `knownIps`: one index over all clusters' IPs,
 * then each NSG rule, firewall rule and referenced IP group entry looked up once.
 */
export function findPins(inventory: Inventory, knownIps: readonly KnownApiServerIp[]): Pin[] {
  const index = buildIpIndex(knownIps.map((known) => ({ ip: known.ip, value: known })));
  if (index.size === 0) return [];
  const collector = new PinCollector(index);
  checkSecurityRules(inventory, collector);
  checkIpGroups(inventory, checkFirewallRules(inventory, collector), collector);
  return [...collector.pins.values()];
}

/** A comparison key that treats `fd00::4` and `FD00:0::4` as one address; unparsable text compares as written. */
export function addressKey(ip: string): string {
  const address = parseAddress(ip);
  return address === undefined
    ? ip.trim().toLowerCase()
    : `${String(address.family)}:${address.value.toString(16)}`;
}

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

function failOutcome(pin: Pin, relations: Relations, wording: PinWording): RuleOutcome {
  const clusters = distinctClusters(pin.knownIps);
  const recommendations = [...new Set(clusters.map((cluster) => recommendedDestination(cluster, relations)))];
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
      recommendation: recommendations,
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
  for (const pin of pins) {
    for (const known of pin.knownIps) pinned.add(known.cluster.key);
    yield failOutcome(pin, context.relations, wording);
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
