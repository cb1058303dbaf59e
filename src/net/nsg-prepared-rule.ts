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

/**
 * A fleet's rules are written from a few templates, and parsed parts are never changed, so rules written alike
 * share one parse (frozen, since it is shared). The bound keeps memory flat on odd inputs, as the prefix cache's does.
 */
function memoized<T>(parse: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = parse(text);
      if (cache.size >= 50_000) cache.clear();
      cache.set(text, value);
    }
    return value;
  };
}

const oneSourceEntry = memoized((text) => Object.freeze(parseAddressSide("source", [text], [])));
const oneDestinationEntry = memoized((text) => Object.freeze(parseAddressSide("destination", [text], [])));

/** Most rules name one address entry and no ASG; those are parsed once per distinct entry. */
function addressSide(
  side: "source" | "destination",
  prefixes: readonly string[],
  applicationSecurityGroupIds: readonly string[],
): readonly AddressTerm[] {
  const [only] = prefixes;
  if (only === undefined || prefixes.length > 1 || applicationSecurityGroupIds.length > 0)
    return parseAddressSide(side, prefixes, applicationSecurityGroupIds);
  return side === "source" ? oneSourceEntry(only) : oneDestinationEntry(only);
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

// "80,443" in one entry is read as a list: the intent is plain, and reporting it as unparsable would only add noise.
// So ["80", "443"] and ["80,443"] are the same list, and the entries joined with commas are the key.
const portList = memoized((joined) => Object.freeze(joined.split(",").map(parsePortTerm)));

const noDestinationPort: readonly PortTerm[] = Object.freeze([
  { reason: "rule has no destination port range" },
]);

function parseDestinationPorts(ranges: readonly string[]): readonly PortTerm[] {
  return ranges.length > 0 ? portList(ranges.join(",")) : noDestinationPort;
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

const oneSourcePortRange = memoized((range) => sourcePortApplies([range]));

/**
 * Each part is parsed when an evaluation first reads it and kept: a flow is decided by the first rule that
 * applies, and a rule is passed over on its first part that does not, so most parts of most rules are never read.
 */
class LazyPreparedRule implements PreparedRule {
  readonly rule: SecurityRule;
  #protocol: string | undefined;
  #source: readonly AddressTerm[] | undefined;
  #destination: readonly AddressTerm[] | undefined;
  #destinationPorts: readonly PortTerm[] | undefined;
  #sourcePort: Applies | undefined;

  constructor(rule: SecurityRule) {
    this.rule = rule;
  }

  get protocol(): string {
    return (this.#protocol ??= this.rule.protocol.trim().toLowerCase());
  }

  get source(): readonly AddressTerm[] {
    return (this.#source ??= addressSide(
      "source",
      this.rule.sourceAddressPrefixes,
      this.rule.sourceApplicationSecurityGroupIds,
    ));
  }

  get destination(): readonly AddressTerm[] {
    return (this.#destination ??= addressSide(
      "destination",
      this.rule.destinationAddressPrefixes,
      this.rule.destinationApplicationSecurityGroupIds,
    ));
  }

  get destinationPorts(): readonly PortTerm[] {
    return (this.#destinationPorts ??= parseDestinationPorts(this.rule.destinationPortRanges));
  }

  get sourcePort(): Applies {
    const ranges = this.rule.sourcePortRanges;
    return (this.#sourcePort ??=
      ranges.length === 1 ? oneSourcePortRange(ranges[0]!) : sourcePortApplies(ranges));
  }
}

function prepareRule(rule: SecurityRule): PreparedRule {
  return new LazyPreparedRule(rule);
}

function byPriority(a: PreparedRule, b: PreparedRule): number {
  return a.rule.priority - b.rule.priority;
}

/** Sorts once and parses each part at most once; evaluate as many flows against the result as needed. */
export function prepareNsg(rules: readonly SecurityRule[]): PreparedNsg {
  const prepared = rules.map(prepareRule).toSorted(byPriority);
  return {
    inbound: prepared.filter((rule) => rule.rule.direction === "Inbound"),
    outbound: prepared.filter((rule) => rule.rule.direction === "Outbound"),
  };
}
