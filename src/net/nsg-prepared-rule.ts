// One NSG's security rules made ready to evaluate: split by direction, sorted by priority, addresses and ports
// parsed once, with a reason for every part that cannot be decided offline.
import type { SecurityRule } from "./security-rule.ts";
import { parsePrefix } from "./prefix.ts";
import type { Prefix } from "./prefix.ts";

/** Whether a rule (or one of its parts) covers the flow; a reason when that cannot be known offline. */
export type Applies = "yes" | "no" | { readonly reason: string };

type TagKind = "any" | "virtualNetwork" | "azureLoadBalancer" | "internet";

export type AddressTerm =
  | { readonly kind: TagKind }
  | {
      readonly kind: "applicationSecurityGroup";
      readonly key: string;
      readonly name: string;
      readonly side: string;
    }
  | { readonly kind: "prefix"; readonly prefix: Prefix }
  | { readonly kind: "unsupported"; readonly reason: string };

export type PortTerm = { readonly from: number; readonly to: number } | { readonly reason: string };

export interface PreparedRule {
  readonly rule: SecurityRule;
  /** Lower-cased. */
  readonly protocol: string;
  readonly source: readonly AddressTerm[];
  readonly destination: readonly AddressTerm[];
  readonly destinationPorts: readonly PortTerm[];
  readonly sourcePort: Applies;
}

/** An NSG's rules split by direction, sorted by priority, addresses and ports parsed once. */
export interface PreparedNsg {
  readonly inbound: readonly PreparedRule[];
  readonly outbound: readonly PreparedRule[];
}

/** Tags written in any case; the upper-case forms are the classic names Azure still accepts. */
const knownTags: Readonly<Partial<Record<string, TagKind>>> = {
  "*": "any",
  any: "any",
  virtualnetwork: "virtualNetwork",
  virtual_network: "virtualNetwork",
  azureloadbalancer: "azureLoadBalancer",
  azure_loadbalancer: "azureLoadBalancer",
  internet: "internet",
};

const portPattern = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/;
const maxPort = 65535;

function looksLikeAddress(entry: string): boolean {
  return /^[0-9]/.test(entry) || entry.includes(":") || entry.includes("/");
}

function parseAddressTerm(side: string, text: string): AddressTerm {
  const entry = text.trim();
  const tag = knownTags[entry.toLowerCase()];
  if (tag !== undefined) return { kind: tag };
  if (!looksLikeAddress(entry))
    return { kind: "unsupported", reason: `${side} service tag "${entry}" is not evaluated` };
  const prefix = parsePrefix(entry);
  return prefix === undefined
    ? { kind: "unsupported", reason: `${side} address prefix "${entry}" does not parse` }
    : { kind: "prefix", prefix };
}

function parseAddressSide(
  side: string,
  prefixes: readonly string[],
  applicationSecurityGroupIds: readonly string[],
): AddressTerm[] {
  const terms = prefixes.map((text) => parseAddressTerm(side, text));
  for (const id of applicationSecurityGroupIds) {
    const name = id.split("/").at(-1) ?? id;
    terms.push({ kind: "applicationSecurityGroup", key: id.toLowerCase(), name, side });
  }
  if (terms.length === 0) terms.push({ kind: "unsupported", reason: `rule has no ${side} address prefix` });
  return terms;
}

function parsePortTerm(text: string): PortTerm {
  const entry = text.trim();
  if (entry === "*" || entry.toLowerCase() === "any") return { from: 0, to: maxPort };
  const match = portPattern.exec(entry);
  const from = Number(match?.[1]);
  const to = match?.[2] === undefined ? from : Number(match[2]);
  return match !== null && from <= to && to <= maxPort
    ? { from, to }
    : { reason: `destination port range "${entry}" does not parse` };
}

function parseDestinationPorts(ranges: readonly string[]): PortTerm[] {
  // "80,443" in one entry is read as a list: the intent is plain, and reporting it as unparsable would only add noise.
  const terms = ranges.flatMap((range) => range.split(",")).map(parsePortTerm);
  return terms.length > 0 ? terms : [{ reason: "rule has no destination port range" }];
}

/** Flows here have no source port (it is ephemeral), so only an any-port source range can be decided. */
function sourcePortApplies(ranges: readonly string[]): Applies {
  const specific = ranges
    .map((range) => range.trim())
    .filter((range) => range !== "*" && range.toLowerCase() !== "any");
  return specific.length === 0
    ? "yes"
    : {
        reason: `source port range "${specific.join(", ")}" is not evaluated (the flow's source port is ephemeral)`,
      };
}

function prepareRule(rule: SecurityRule): PreparedRule {
  return {
    rule,
    protocol: rule.protocol.trim().toLowerCase(),
    source: parseAddressSide("source", rule.sourceAddressPrefixes, rule.sourceApplicationSecurityGroupIds),
    destination: parseAddressSide(
      "destination",
      rule.destinationAddressPrefixes,
      rule.destinationApplicationSecurityGroupIds,
    ),
    destinationPorts: parseDestinationPorts(rule.destinationPortRanges),
    sourcePort: sourcePortApplies(rule.sourcePortRanges),
  };
}

function byPriority(a: PreparedRule, b: PreparedRule): number {
  return a.rule.priority - b.rule.priority;
}

/** Sorts and parses once; evaluate as many flows against the result as needed. */
export function prepareNsg(rules: readonly SecurityRule[]): PreparedNsg {
  const prepared = rules.map(prepareRule).toSorted(byPriority);
  return {
    inbound: prepared.filter((rule) => rule.rule.direction === "Inbound"),
    outbound: prepared.filter((rule) => rule.rule.direction === "Outbound"),
  };
}
