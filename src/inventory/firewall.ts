// Reads Azure Firewall rules (classic collections and Firewall Policy rule collection groups) and IP groups.
import { firewallAddresses, ipGroupAddresses, readAddresses } from "./addresses.ts";
import { parentIdBefore } from "./arm-id.ts";
import type { RowReader } from "./builder.ts";
import type { ArmResource, FirewallRule, FirewallRuleKind } from "./model.ts";
import { ContentGaps, type DroppedElements } from "./content-gaps.ts";
import { nonEmpty, type Node } from "./read.ts";
import { joined, type SharedLists } from "./compact.ts";

interface RuleCollection {
  readonly parent: ArmResource;
  readonly name: string;
  readonly kind: FirewallRuleKind;
  readonly action: string | undefined;
}

/** Application rules carry `protocols: [{ protocolType, port }]`; written here as `Https:443`. */
function readApplicationProtocols(rule: Node): { protocols: string[]; ports: string[] } {
  const protocols: string[] = [];
  const ports: string[] = [];
  for (const protocol of rule.objects("protocols")) {
    const type = protocol.string("protocolType") ?? "";
    const port = protocol.number("port");
    protocols.push(port === undefined ? type : `${type}:${port}`);
    if (port !== undefined) ports.push(String(port));
  }
  return { protocols, ports };
}

function readFirewallRule(
  rule: Node,
  collection: RuleCollection,
  dropped: DroppedElements,
  lists: SharedLists,
): FirewallRule {
  const application = collection.kind === "application" ? readApplicationProtocols(rule) : undefined;
  // Classic network and NAT rules say `protocols`; Firewall Policy rules say `ipProtocols`.
  const protocols =
    application?.protocols ??
    (rule.has("ipProtocols") ? rule.strings("ipProtocols") : rule.strings("protocols"));
  const ports = rule.strings("destinationPorts");
  // Lists at their exact length, the short one-item ones shared (compact.ts): a policy's rules repeat
  // `["TCP"]` and `["443"]`, and 150,000 rules at 10,000 clusters held about 90 MB as read.
  return {
    parentId: collection.parent.id,
    parentKey: collection.parent.key,
    parentType: collection.parent.type,
    collectionName: collection.name,
    name: rule.string("name") ?? "",
    kind: collection.kind,
    action: collection.action,
    protocols: lists.list(protocols),
    sourceAddresses: lists.list(readAddresses(rule, "sourceAddresses", firewallAddresses)),
    destinationAddresses: lists.list(readAddresses(rule, "destinationAddresses", firewallAddresses, dropped)),
    destinationIpGroupIds: lists.list(rule.strings("destinationIpGroups", dropped)),
    destinationFqdns: lists.list(joined(rule.strings("destinationFqdns"), rule.strings("targetFqdns"))),
    destinationPorts: lists.list(
      application === undefined || application.ports.length === 0
        ? unique(ports)
        : unique([...ports, ...application.ports]),
    ),
    description: nonEmpty(rule.string("description")),
  };
}

/** Each entry once, in first-seen order; most lists have one entry and are returned as they are. */
function unique(entries: readonly string[]): readonly string[] {
  return entries.length < 2 ? entries : [...new Set(entries)];
}

const classicCollections: readonly (readonly [string, FirewallRuleKind])[] = [
  ["networkRuleCollections", "network"],
  ["natRuleCollections", "nat"],
  ["applicationRuleCollections", "application"],
];

export const readAzureFirewall: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  const dropped: DroppedElements = { gaps, rule: true };
  const rules: FirewallRule[] = [];
  for (const [key, kind] of classicCollections) {
    for (const node of properties.objects(key, dropped)) {
      const collectionProperties = node.content(gaps);
      const action = collectionProperties.object("action").string("type");
      const collection: RuleCollection = { parent: base, name: node.string("name") ?? "", kind, action };
      for (const rule of collectionProperties.objects("rules", dropped))
        rules.push(readFirewallRule(rule, collection, dropped, into.lists));
    }
  }
  into.azureFirewalls.set(base.key, { ...base, rules, ...gaps.field });
};

const policyRuleKinds: Readonly<Record<string, FirewallRuleKind>> = {
  networkrule: "network",
  applicationrule: "application",
  natrule: "nat",
};

/** `ruleType` decides; a rule without one inherits the kind its collection implies (NAT collections hold NAT rules). */
function policyRuleKind(rule: Node, collectionType: string | undefined): FirewallRuleKind | undefined {
  const ruleType = rule.string("ruleType")?.toLowerCase();
  if (ruleType !== undefined)
    return Object.hasOwn(policyRuleKinds, ruleType) ? policyRuleKinds[ruleType] : undefined;
  return collectionType?.toLowerCase() === "firewallpolicynatrulecollection" ? "nat" : undefined;
}

export const readRuleCollectionGroup: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  const dropped: DroppedElements = { gaps, rule: true };
  const rules: FirewallRule[] = [];
  for (const node of properties.objects("ruleCollections", dropped)) {
    const collectionType = node.string("ruleCollectionType");
    const name = node.string("name") ?? "";
    const action = node.object("action").string("type");
    for (const rule of node.objects("rules", dropped)) {
      const kind = policyRuleKind(rule, collectionType);
      if (kind === undefined) {
        rule.report(
          "warning",
          "unknown-rule-type",
          "has no known ruleType (NetworkRule, ApplicationRule, NatRule); skipped, so pinned-IP verdicts answer unverified",
          "ruleType",
        );
        gaps.add(`${rule.path} has no known ruleType`);
      } else rules.push(readFirewallRule(rule, { parent: base, name, kind, action }, dropped, into.lists));
    }
  }
  into.firewallPolicyRuleCollectionGroups.set(base.key, {
    ...base,
    // Older API versions named the child `ruleGroups`; both sit directly under the policy.
    firewallPolicyId:
      parentIdBefore(base.id, "ruleCollectionGroups") ?? parentIdBefore(base.id, "ruleGroups") ?? "",
    priority: properties.number("priority"),
    rules,
    ...gaps.field,
  });
};

/** A policy without its content lists no groups we could check: said, so the groups' absence is not silent. */
export const readFirewallPolicy: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  const dropped = { gaps };
  into.firewallPolicies.set(base.key, {
    ...base,
    ruleCollectionGroupIds: properties.references("ruleCollectionGroups", dropped),
    basePolicyId: properties.reference("basePolicy"),
    firewallIds: properties.references("firewalls", dropped),
    ...gaps.field,
  });
};

export const readIpGroup: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  properties.requireList("ipAddresses", gaps);
  into.ipGroups.set(base.key, {
    ...base,
    ipAddresses: readAddresses(properties, "ipAddresses", ipGroupAddresses, { gaps, rule: true }),
    ...gaps.field,
  });
};
