// A security rule's fields read straight from the parsed row when it is written as ARM writes it; the Node reader
// below reads every other rule, and says what is wrong with it.
import { isValidAddressEntry, nsgPrefixes, readAddresses } from "./addresses.ts";
import { joined, noItems } from "./compact.ts";
import type { DroppedElements } from "./content-gaps.ts";
import type { SecurityRule } from "./model.ts";
import { isRecord, nonEmpty, ownValue, saysSomething, type Node } from "./read.ts";

/** What a rule's row says, before the rule gets its ids and shared lists (nsg.ts `readSecurityRule`). */
export type SecurityRuleFields = Omit<SecurityRule, "id" | "key" | "name" | "nsgKey" | "isDefault"> & {
  readonly id: string;
  /** Undefined when the row has none (the id was built from its list's prefix and the name, or names it). */
  readonly name: string | undefined;
};

/** `direction` as the rule means it, whatever its casing. */
function directionOf(text: string | undefined): SecurityRule["direction"] | undefined {
  const direction = text?.toLowerCase();
  if (direction === "inbound") return "Inbound";
  return direction === "outbound" ? "Outbound" : undefined;
}

/** `access` as the rule means it, whatever its casing. */
function accessOf(text: string | undefined): SecurityRule["access"] | undefined {
  const access = text?.toLowerCase();
  if (access === "allow") return "Allow";
  return access === "deny" ? "Deny" : undefined;
}

/** A lone string in the singular field, or nothing; undefined for anything the Node reader would report. */
function singular(value: unknown): readonly string[] | undefined {
  if (value === undefined || value === null) return noItems;
  return typeof value === "string" ? [value] : undefined;
}

/** An array of strings in the plural field, or nothing; undefined for anything the Node reader would report. */
function plural(value: unknown): readonly string[] | undefined {
  if (value === undefined || value === null) return noItems;
  if (!Array.isArray(value)) return undefined;
  for (const item of value) if (typeof item !== "string") return undefined;
  return value as string[];
}

/** The singular field's entry and the plural field's, in that order; undefined when either is not plain. */
function bothFields(
  properties: Record<string, unknown>,
  one: string,
  many: string,
): readonly string[] | undefined {
  const first = singular(ownValue(properties, one));
  const second = plural(ownValue(properties, many));
  return first === undefined || second === undefined ? undefined : joined(first, second);
}

/** `mergedAddresses` of the Node reader, when every entry is a valid address or service tag. */
function addresses(
  properties: Record<string, unknown>,
  one: string,
  many: string,
): readonly string[] | undefined {
  const both = bothFields(properties, one, many);
  return both?.every((entry) => isValidAddressEntry(entry, nsgPrefixes)) === true ? both : undefined;
}

/** Blank entries are left out without a word, as `mergedStrings` of the Node reader does. */
function withoutBlanks(texts: readonly string[]): readonly string[] {
  return texts.some((text) => text.trim() === "") ? texts.filter((text) => text.trim() !== "") : texts;
}

/** A string that is not blank (`nonEmpty`), whatever the value's type. */
function nonBlank(value: unknown): value is string {
  return typeof value === "string" && nonEmpty(value) !== undefined;
}

/**
 * The fields of a rule with an id and a name, a number for its priority, a known direction and access, a
 * protocol, valid addresses, no application security groups, and a source, destination and destination port:
 * the rules of an ARM or Resource Graph export. Undefined for any other rule, so that the Node reader, which
 * reports each fault where it is, reads it instead. Read this way, 400,000 rules at 10,000 clusters skip two
 * Nodes and about thirty checked reads each (docs/performance.md).
 */
export function plainSecurityRuleFields(rule: unknown): SecurityRuleFields | undefined {
  if (!isRecord(rule)) return undefined;
  const id = ownValue(rule, "id");
  const name = ownValue(rule, "name");
  const properties = ownValue(rule, "properties");
  if (!nonBlank(id) || !nonBlank(name) || !isRecord(properties)) return undefined;
  const priority = ownValue(properties, "priority");
  const protocol = ownValue(properties, "protocol");
  const description = ownValue(properties, "description");
  const directionText = ownValue(properties, "direction");
  const accessText = ownValue(properties, "access");
  if (typeof priority !== "number" || !Number.isFinite(priority) || typeof protocol !== "string")
    return undefined;
  if (typeof directionText !== "string" || typeof accessText !== "string") return undefined;
  if (description !== undefined && description !== null && typeof description !== "string") return undefined;
  const direction = directionOf(directionText);
  const access = accessOf(accessText);
  if (direction === undefined || access === undefined) return undefined;
  if (saysSomething(ownValue(properties, "sourceApplicationSecurityGroups"))) return undefined;
  if (saysSomething(ownValue(properties, "destinationApplicationSecurityGroups"))) return undefined;
  const sourceAddressPrefixes = addresses(properties, "sourceAddressPrefix", "sourceAddressPrefixes");
  const destinationAddressPrefixes = addresses(
    properties,
    "destinationAddressPrefix",
    "destinationAddressPrefixes",
  );
  const sourcePorts = bothFields(properties, "sourcePortRange", "sourcePortRanges");
  const destinationPorts = bothFields(properties, "destinationPortRange", "destinationPortRanges");
  if (sourceAddressPrefixes === undefined || destinationAddressPrefixes === undefined) return undefined;
  if (sourcePorts === undefined || destinationPorts === undefined) return undefined;
  // What the Node reader reports as unmatchable, read off the lists: with no application security groups, an
  // address list is empty exactly when neither of its two fields says something (a blank entry is no valid
  // address, so such a rule is not plain), and so are the destination ports before blanks are left out.
  if (sourceAddressPrefixes.length === 0 || destinationAddressPrefixes.length === 0) return undefined;
  if (destinationPorts.length === 0) return undefined;
  return {
    id,
    name,
    priority,
    direction,
    access,
    protocol,
    sourceAddressPrefixes,
    destinationAddressPrefixes,
    sourcePortRanges: withoutBlanks(sourcePorts),
    destinationPortRanges: withoutBlanks(destinationPorts),
    sourceApplicationSecurityGroupIds: noItems,
    destinationApplicationSecurityGroupIds: noItems,
    description: typeof description === "string" ? nonEmpty(description) : undefined,
  };
}

/** A rule's fields: read plainly when it is written as ARM writes it, else through its Node. */
export function securityRuleFields(
  rule: Node,
  idPrefix: string,
  dropped: DroppedElements,
): SecurityRuleFields | undefined {
  return plainSecurityRuleFields(rule.value) ?? nodeSecurityRuleFields(rule, idPrefix, dropped);
}

/** Azure writes a single entry in the singular field and several in the plural one; the rule means both. */
function mergedAddresses(
  properties: Node,
  singular: string,
  plural: string,
  dropped: DroppedElements,
): readonly string[] {
  return joined(
    readAddresses(properties, singular, nsgPrefixes),
    readAddresses(properties, plural, nsgPrefixes, dropped),
  );
}

function mergedStrings(properties: Node, singular: string, plural: string): readonly string[] {
  return withoutBlanks(joined(properties.strings(singular), properties.strings(plural)));
}

/** A rule's fields read through its Node, each fault reported where it is; undefined when the rule is dropped. */
export function nodeSecurityRuleFields(
  rule: Node,
  idPrefix: string,
  dropped: DroppedElements,
): SecurityRuleFields | undefined {
  const name = nonEmpty(rule.string("name"));
  const id = nonEmpty(rule.string("id")) ?? (name === undefined ? undefined : `${idPrefix}${name}`);
  const properties = rule.object("properties");
  const priority = properties.number("priority");
  const direction = directionOf(properties.string("direction"));
  const access = accessOf(properties.string("access"));
  if (id === undefined || priority === undefined || direction === undefined || access === undefined) {
    rule.report(
      "error",
      "malformed-rule",
      "security rule lacks id/name, priority, direction or access; skipped, so NSG verdicts may be wrong — fix the input",
    );
    dropped.gaps.add(`${rule.path} lacks id/name, priority, direction or access`);
    return undefined;
  }
  const protocol = properties.string("protocol");
  if (protocol === undefined)
    rule.report("warning", "missing-field", "has no protocol; read as '*' (any)", "properties.protocol");
  const fields: SecurityRuleFields = {
    id,
    name,
    priority,
    direction,
    access,
    protocol: protocol ?? "*",
    sourceAddressPrefixes: mergedAddresses(
      properties,
      "sourceAddressPrefix",
      "sourceAddressPrefixes",
      dropped,
    ),
    destinationAddressPrefixes: mergedAddresses(
      properties,
      "destinationAddressPrefix",
      "destinationAddressPrefixes",
      dropped,
    ),
    sourcePortRanges: mergedStrings(properties, "sourcePortRange", "sourcePortRanges"),
    destinationPortRanges: mergedStrings(properties, "destinationPortRange", "destinationPortRanges"),
    sourceApplicationSecurityGroupIds: properties.references("sourceApplicationSecurityGroups"),
    destinationApplicationSecurityGroupIds: properties.references("destinationApplicationSecurityGroups"),
    description: nonEmpty(properties.string("description")),
  };
  reportUnmatchable(rule, properties);
  return fields;
}

/**
 * ARM requires a source, a destination and a port on every rule; without one the evaluator cannot match it
 * and says so in the verdict (`unverified`), and this names the rule and the field.
 */
function reportUnmatchable(rule: Node, properties: Node): void {
  // Checked field by field, without a list or a closure per rule: 400,000 rules at 10,000 clusters.
  if (!given(properties, "sourceAddressPrefix", "sourceAddressPrefixes", "sourceApplicationSecurityGroups"))
    reportUnmatchableField(rule, "sourceAddressPrefix");
  if (
    !given(
      properties,
      "destinationAddressPrefix",
      "destinationAddressPrefixes",
      "destinationApplicationSecurityGroups",
    )
  )
    reportUnmatchableField(rule, "destinationAddressPrefix");
  if (!given(properties, "destinationPortRange", "destinationPortRanges"))
    reportUnmatchableField(rule, "destinationPortRange");
}

/** Whether any of the fields holds a value (`Node.holds`). */
function given(properties: Node, first: string, second: string, third?: string): boolean {
  return (
    properties.holds(first) || properties.holds(second) || (third !== undefined && properties.holds(third))
  );
}

function reportUnmatchableField(rule: Node, field: string): void {
  rule.report(
    "warning",
    "missing-field",
    `has no ${field} (nor its plural); the rule cannot be matched, verdicts that need it answer unverified`,
    `properties.${field}`,
  );
}
