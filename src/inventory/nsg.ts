// Reads network security groups and their rules; synthesizes Azure's six default rules when a row leaves them out.
import { parentIdBefore } from "./arm-id.ts";
import { reportDuplicateId, type InventoryBuilder, type RowReader } from "./builder.ts";
import { idKey, type SecurityRule } from "./model.ts";
import { ContentGaps, type DroppedElements } from "./content-gaps.ts";
import type { Node } from "./read.ts";
import { securityRuleFields } from "./security-rule-fields.ts";
import { NsgRuleKeys, type RuleKeySpelling } from "./security-rules.ts";
import {
  childIds,
  childPrefixes,
  spelledAsChild,
  exactList,
  noItems,
  type ChildPrefixes,
  type SharedLists,
} from "./compact.ts";

type DefaultRule = Pick<SecurityRule, "name" | "priority" | "direction" | "access" | "description"> & {
  readonly source: string;
  readonly destination: string;
};

/** Azure's defaults (learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules). */
const azureDefaultRules: readonly DefaultRule[] = [
  {
    name: "AllowVnetInBound",
    priority: 65000,
    direction: "Inbound",
    access: "Allow",
    source: "VirtualNetwork",
    destination: "VirtualNetwork",
    description: "Allow inbound traffic from all VMs in VNET",
  },
  {
    name: "AllowAzureLoadBalancerInBound",
    priority: 65001,
    direction: "Inbound",
    access: "Allow",
    source: "AzureLoadBalancer",
    destination: "*",
    description: "Allow inbound traffic from azure load balancer",
  },
  {
    name: "DenyAllInBound",
    priority: 65500,
    direction: "Inbound",
    access: "Deny",
    source: "*",
    destination: "*",
    description: "Deny all inbound traffic",
  },
  {
    name: "AllowVnetOutBound",
    priority: 65000,
    direction: "Outbound",
    access: "Allow",
    source: "VirtualNetwork",
    destination: "VirtualNetwork",
    description: "Allow outbound traffic from all VMs to all VMs in VNET",
  },
  {
    name: "AllowInternetOutBound",
    priority: 65001,
    direction: "Outbound",
    access: "Allow",
    source: "*",
    destination: "Internet",
    description: "Allow outbound traffic from all VMs to Internet",
  },
  {
    name: "DenyAllOutBound",
    priority: 65500,
    direction: "Outbound",
    access: "Deny",
    source: "*",
    destination: "*",
    description: "Deny all outbound traffic",
  },
];

/** `nsgKey` is the NSG's own key: one string for all its rules, not a copy in each of a fleet's 100,000s. */
function synthesizeDefaultRule(
  { nsgKey, idPrefix, keyPrefix }: RuleList,
  rule: DefaultRule,
  lists: SharedLists,
): SecurityRule {
  return {
    // Both from the list's shared prefixes (see childIds).
    id: idPrefix + rule.name,
    key: keyPrefix + rule.name.toLowerCase(),
    name: rule.name,
    nsgKey,
    isDefault: true,
    priority: rule.priority,
    direction: rule.direction,
    access: rule.access,
    protocol: "*",
    sourceAddressPrefixes: lists.list([rule.source]),
    destinationAddressPrefixes: lists.list([rule.destination]),
    sourcePortRanges: lists.list(["*"]),
    destinationPortRanges: lists.list(["*"]),
    sourceApplicationSecurityGroupIds: noItems,
    destinationApplicationSecurityGroupIds: noItems,
    description: rule.description,
  };
}

/** The NSG list a rule comes from: `securityRules` or `defaultSecurityRules` of one NSG. */
interface RuleList extends ChildPrefixes {
  readonly nsgKey: string;
  readonly collection: "securityRules" | "defaultSecurityRules";
}

function ruleList(nsgId: string, nsgKey: string, collection: RuleList["collection"]): RuleList {
  return { nsgKey, collection, ...childPrefixes(nsgId, nsgKey, collection) };
}

/** A rule as read, and whether its key is its NSG's key plus its list and name (see `SecurityRuleKeys`). */
interface ReadRule {
  readonly rule: SecurityRule;
  readonly spelling: RuleKeySpelling;
}

const foreignSpelling: RuleKeySpelling = { native: false };

/** The spelling of a key built as `keyPrefix + name.toLowerCase()` (see `childIds`). */
export function nativeSpelling(list: ChildPrefixes, name: string): RuleKeySpelling {
  return { native: true, keyPrefix: list.keyPrefix, name: name.toLowerCase() };
}

function readSecurityRule(
  rule: Node,
  list: RuleList,
  dropped: DroppedElements,
  lists: SharedLists,
): ReadRule | undefined {
  const fields = securityRuleFields(rule, list.idPrefix, dropped);
  if (fields === undefined) return undefined;
  const { id, name } = fields;
  const { nsgKey, collection } = list;
  const spelled = name !== undefined && spelledAsChild(id, name, list);
  // Named one by one, not spread: see readSubnet (network.ts).
  const ids = childIds(id, name, list, spelled);
  const read: SecurityRule = {
    id: ids.id,
    key: ids.key,
    name: name ?? id.split("/").at(-1) ?? "",
    nsgKey,
    isDefault: collection === "defaultSecurityRules",
    priority: fields.priority,
    direction: fields.direction,
    access: fields.access,
    protocol: fields.protocol,
    sourceAddressPrefixes: lists.list(fields.sourceAddressPrefixes),
    destinationAddressPrefixes: lists.list(fields.destinationAddressPrefixes),
    sourcePortRanges: lists.list(fields.sourcePortRanges),
    destinationPortRanges: lists.list(fields.destinationPortRanges),
    sourceApplicationSecurityGroupIds: exactList(fields.sourceApplicationSecurityGroupIds),
    destinationApplicationSecurityGroupIds: exactList(fields.destinationApplicationSecurityGroupIds),
    description: fields.description,
  };
  return {
    rule: read,
    spelling: spelled && !name.includes("/") ? nativeSpelling(list, name) : foreignSpelling,
  };
}

export const readNetworkSecurityGroup: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  properties.requireList("securityRules", gaps);
  const dropped: DroppedElements = { gaps, rule: true };
  const rules: SecurityRule[] = [];
  const keys = new NsgRuleKeys();
  const add = (read: ReadRule | undefined, node: Node): void => {
    if (read === undefined) return;
    const { rule, spelling } = read;
    if (into.securityRuleKeys.claim(rule.key, spelling, base.key, keys)) rules.push(rule);
    else reportDuplicateId(node, rule.id);
  };
  const custom = ruleList(base.id, base.key, "securityRules");
  for (const node of properties.eachObject("securityRules", dropped))
    add(readSecurityRule(node, custom, dropped, into.lists), node);
  const defaultList = ruleList(base.id, base.key, "defaultSecurityRules");
  const defaults = properties.objects("defaultSecurityRules", dropped);
  for (const node of defaults) add(readSecurityRule(node, defaultList, dropped, into.lists), node);
  // ARG queries often trim defaultSecurityRules; every NSG has them, so evaluation needs them back.
  if (defaults.length === 0)
    for (const rule of azureDefaultRules)
      add(
        {
          rule: synthesizeDefaultRule(defaultList, rule, into.lists),
          spelling: nativeSpelling(defaultList, rule.name),
        },
        row,
      );
  into.networkSecurityGroups.set(base.key, {
    ...base,
    securityRules: exactList(rules),
    subnetIds: exactList(properties.references("subnets")),
    ...gaps.field,
  });
};

/** A security rule that came as a row of its own (`az network nsg rule list`, ARM GET of one rule). */
export const readStandaloneSecurityRule: RowReader = (row, base, into) => {
  const collection = base.type.endsWith("/defaultsecurityrules") ? "defaultSecurityRules" : "securityRules";
  const nsgId = parentIdBefore(base.id, collection) ?? base.id;
  const dropped: DroppedElements = { gaps: new ContentGaps(), rule: true };
  const read = readSecurityRule(row, ruleList(nsgId, idKey(nsgId), collection), dropped, into.lists);
  if (read !== undefined)
    into.standaloneSecurityRules.set(base.key, { ...read.rule, id: base.id, key: base.key });
};

/**
 * Standalone rules join their NSG unless its own listing has them (the NSG's copy wins); the rules added are
 * returned in order, for the rule index (`SecurityRuleIndex`).
 */
export function mergeStandaloneSecurityRules(into: InventoryBuilder): SecurityRule[] {
  const added: SecurityRule[] = [];
  for (const rule of into.standaloneSecurityRules.values()) {
    if (into.securityRuleKeys.taken(rule.key)) continue;
    added.push(rule);
    const nsg = into.networkSecurityGroups.get(rule.nsgKey);
    if (nsg === undefined) into.securityRuleKeys.claimOrphan(rule.key);
    else into.networkSecurityGroups.set(rule.nsgKey, { ...nsg, securityRules: [...nsg.securityRules, rule] });
  }
  return added;
}
