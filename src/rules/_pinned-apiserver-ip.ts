// Finds NSG, firewall and IP group destination entries that pin known API server IPs; shared by both pinned-IP rules.
import type { ResultSubject } from "../findings/result.ts";
import { subscriptionFromId } from "../inventory/arm-id.ts";
import { idKey } from "../inventory/model.ts";
import type { ArmResource, Cluster, FirewallRule, Inventory, SecurityRule } from "../inventory/model.ts";
import { firewallsEnforcing } from "../inventory/firewall-policies.ts";
import { buildIpIndex } from "../net/ip-index.ts";
import { destinationEntries, rulesMatching } from "./_destination-entries.ts";
import type { IpIndex } from "../net/ip-index.ts";
import { parseAddress } from "../net/prefix.ts";

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

  matches(entry: string): boolean {
    return this.#index.lookupEntry(entry) !== undefined;
  }

  matchesAny(entries: readonly string[]): boolean {
    for (const entry of entries) if (this.matches(entry)) return true;
    return false;
  }

  /**
   * One lookup per entry; a second entry for the same IP on the same holder joins the first result. `placeOf` is
   * called on the first hit only: almost no rule of a fleet pins an API server IP.
   */
  check(placeOf: () => PinPlace, entries: readonly string[], detailOf: (ip: string) => string): void {
    let place: PinPlace | undefined;
    for (const entry of entries) {
      const hit = this.#index.lookupEntry(entry);
      if (hit === undefined) continue;
      place ??= placeOf();
      const detail = detailOf(hit.ip);
      const key = `${place.key}\n${detail}`;
      const known = this.pins.get(key);
      if (known !== undefined) known.entries.push(entry);
      else this.pins.set(key, { ...place, detail, ip: hit.ip, entries: [entry], knownIps: hit.values });
    }
  }
}

function securityRulePlace(inventory: Inventory, rule: SecurityRule): PinPlace {
  const group = inventory.networkSecurityGroups.get(rule.nsgKey);
  const subject = {
    id: rule.id,
    type: securityRuleType,
    tenantId: group?.tenantId ?? "",
    subscriptionId: group?.subscriptionId ?? subscriptionFromId(rule.id) ?? "",
  };
  const holder = `NSG rule ${group?.name ?? rule.nsgKey}/${rule.name}`;
  return { key: rule.key, subject, holder, referencedBy: undefined };
}

const sameIp = (ip: string): string => ip;

/** Only the rules with a matching entry are visited, and only those entries: `check` passes over the rest. */
function checkSecurityRules(inventory: Inventory, collector: PinCollector): void {
  const matching = rulesMatching(destinationEntries(inventory.securityRules), (entry) =>
    collector.matches(entry),
  );
  for (const { rule, entries } of matching)
    collector.check(() => securityRulePlace(inventory, rule), entries, sameIp);
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
    for (const rule of parent.rules) {
      if (rule.kind === "application") continue;
      // Named only when it pins or references an IP group: a policy fleet has tens of thousands of rules, few pin.
      if (rule.destinationIpGroupIds.length === 0 && !collector.matchesAny(rule.destinationAddresses))
        continue;
      const ruleName = `${rule.collectionName}/${rule.name}`;
      const holder = `firewall rule ${parent.name} ${ruleName}`;
      const place = (): PinPlace => ({
        key: parent.key,
        subject,
        holder,
        referencedBy: undefined,
        ...(enforcedBy === undefined ? {} : { enforcedBy }),
      });
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
    const place = (): PinPlace => ({
      key,
      subject: armSubject(group),
      holder: `IP group ${group.name}`,
      referencedBy,
    });
    collector.check(place, group.ipAddresses, sameIp);
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
