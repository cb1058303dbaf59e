// Decides which security rule of one NSG allows or denies one flow, in Azure's priority order (DESIGN §4).
import type { SecurityRule, SecurityRuleDirection } from "./security-rule.ts";
import {
  prepareNsg,
  type AddressTerm,
  type Applies,
  type PortTerm,
  type PreparedNsg,
  type PreparedRule,
} from "./nsg-prepared-rule.ts";
export { prepareNsg, type PreparedNsg } from "./nsg-prepared-rule.ts";
import { parsePrefix, prefixContains, prefixesOverlap } from "./prefix.ts";
import type { Prefix } from "./prefix.ts";

/**
 * Either concrete address ranges, or the Azure load balancer health probe, which has no range of its own.
 * `applicationSecurityGroups` is the set of ASG ids (lower-cased) the endpoint's NICs are in; undefined when that
 * is unknown, so a rule naming an ASG is then not evaluated. The probe is never in an ASG.
 */
export type FlowEndpoint =
  | { readonly prefixes: readonly Prefix[]; readonly applicationSecurityGroups?: ReadonlySet<string> }
  | { readonly serviceTag: "AzureLoadBalancer" };

export interface NsgFlow {
  readonly direction: SecurityRuleDirection;
  readonly protocol: "Tcp" | "Udp";
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  readonly destinationPort: number;
}

export interface NsgContext {
  /** Address space of the VNet the NSG protects; what the `VirtualNetwork` tag stands for here. */
  readonly virtualNetworkPrefixes: readonly Prefix[];
}

export interface NotEvaluatedRule {
  readonly rule: SecurityRule;
  readonly reason: string;
}

export interface NsgDecision {
  readonly access: "Allow" | "Deny";
  /** The first applicable rule; undefined only when no rule applied (an NSG without its default rules). */
  readonly decidingRule: SecurityRule | undefined;
  /** Rules ahead of the deciding one that might apply but could not be evaluated; they could change the verdict. */
  readonly notEvaluated: readonly NotEvaluatedRule[];
}

/** The health probe and the `AzureLoadBalancer` tag's traffic come from this platform address. */
const azureLoadBalancerAddress = parsePrefix("168.63.129.16")!;

/**
 * What `Internet` excludes besides the VNet: RFC 1918, shared (RFC 6598, used in VNets) and IPv6 unique local
 * space. Peered and on-premises ranges are not known here, so they count as Internet.
 */
const privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map(
  (text) => parsePrefix(text)!,
);

const preparedByRules = new WeakMap<readonly SecurityRule[], PreparedNsg>();

function preparedFor(nsg: readonly SecurityRule[] | PreparedNsg): PreparedNsg {
  if ("inbound" in nsg) return nsg;
  let prepared = preparedByRules.get(nsg);
  if (prepared === undefined) {
    prepared = prepareNsg(nsg);
    preparedByRules.set(nsg, prepared);
  }
  return prepared;
}

type PartTest<T> = (item: T, flow: NsgFlow, context: NsgContext) => Applies;

/** "yes" when one item is; otherwise the first undecidable reason; "no" when every item is "no". */
function anyOf<T>(items: readonly T[], flow: NsgFlow, context: NsgContext, test: PartTest<T>): Applies {
  let pending: Applies = "no";
  for (const item of items) {
    const applies = test(item, flow, context);
    if (applies === "yes") return "yes";
    if (pending === "no") pending = applies;
  }
  return pending;
}

function answer(matches: boolean): Applies {
  return matches ? "yes" : "no";
}

function overlapsAny(ranges: readonly Prefix[], space: readonly Prefix[]): boolean {
  return ranges.some((range) => space.some((block) => prefixesOverlap(range, block)));
}

function addressTermApplies(term: AddressTerm, endpoint: FlowEndpoint, context: NsgContext): Applies {
  const isLoadBalancer = "serviceTag" in endpoint;
  switch (term.kind) {
    case "any":
      return "yes";
    case "unsupported":
      return { reason: term.reason };
    // ASGs hold NICs only: the load balancer's traffic is in none, and other endpoints say which they are in.
    case "applicationSecurityGroup":
      if (isLoadBalancer) return "no";
      return endpoint.applicationSecurityGroups === undefined
        ? {
            reason: `${term.side} application security group "${term.name}": the NICs' membership is unknown`,
          }
        : answer(endpoint.applicationSecurityGroups.has(term.key));
    case "azureLoadBalancer":
      return answer(isLoadBalancer);
    case "prefix":
      return isLoadBalancer
        ? answer(prefixesOverlap(azureLoadBalancerAddress, term.prefix))
        : answer(endpoint.prefixes.some((range) => prefixesOverlap(range, term.prefix)));
    // Azure's VirtualNetwork tag also covers the host address 168.63.129.16; DESIGN keeps the probe to its own tag.
    case "virtualNetwork":
      return answer(!isLoadBalancer && overlapsAny(endpoint.prefixes, context.virtualNetworkPrefixes));
    case "internet": {
      if (isLoadBalancer) return "no";
      const notInternet = [...context.virtualNetworkPrefixes, ...privateRanges];
      return answer(
        endpoint.prefixes.some((range) => !notInternet.some((block) => prefixContains(block, range))),
      );
    }
  }
}

function protocolApplies(ruleProtocol: string, flow: NsgFlow): boolean {
  return ruleProtocol === "*" || ruleProtocol === "any" || ruleProtocol === flow.protocol.toLowerCase();
}

function portApplies(port: PortTerm, flow: NsgFlow): Applies {
  return "reason" in port
    ? port
    : answer(port.from <= flow.destinationPort && flow.destinationPort <= port.to);
}

const sourceTermApplies: PartTest<AddressTerm> = (term, flow, context) =>
  addressTermApplies(term, flow.source, context);
const destinationTermApplies: PartTest<AddressTerm> = (term, flow, context) =>
  addressTermApplies(term, flow.destination, context);

/** Cheapest first; module-level functions, since this runs for every rule of every flow. */
const ruleParts: readonly PartTest<PreparedRule>[] = [
  (rule, flow, context) => anyOf(rule.destinationPorts, flow, context, portApplies),
  (rule) => rule.sourcePort,
  (rule, flow, context) => anyOf(rule.source, flow, context, sourceTermApplies),
  (rule, flow, context) => anyOf(rule.destination, flow, context, destinationTermApplies),
];

/** "no" when one part is; otherwise the first undecidable reason; "yes" when every part is "yes". */
function ruleApplies(rule: PreparedRule, flow: NsgFlow, context: NsgContext): Applies {
  if (!protocolApplies(rule.protocol, flow)) return "no";
  let pending: Applies = "yes";
  for (const part of ruleParts) {
    const applies = part(rule, flow, context);
    if (applies === "no") return "no";
    if (pending === "yes") pending = applies;
  }
  return pending;
}

/**
 * Azure's NSG verdict for one flow: rules of the flow's direction, custom and default, by ascending priority; the
 * first applicable one decides. Rules that might apply but cannot be evaluated offline (other service tags,
 * application security groups, unparsable entries, specific source ports) are passed over and reported.
 * Pass `prepareNsg(rules)` or the same rules array each time: either way the rules are parsed only once.
 */
export function evaluateNsgFlow(
  nsg: readonly SecurityRule[] | PreparedNsg,
  flow: NsgFlow,
  context: NsgContext,
): NsgDecision {
  const prepared = preparedFor(nsg);
  const rules = flow.direction === "Inbound" ? prepared.inbound : prepared.outbound;
  const notEvaluated: NotEvaluatedRule[] = [];
  for (const rule of rules) {
    const applies = ruleApplies(rule, flow, context);
    if (applies === "yes") return { access: rule.rule.access, decidingRule: rule.rule, notEvaluated };
    if (applies !== "no") notEvaluated.push({ rule: rule.rule, reason: applies.reason });
  }
  return { access: "Deny", decidingRule: undefined, notEvaluated };
}
