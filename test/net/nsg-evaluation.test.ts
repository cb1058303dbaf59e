// Tests for evaluating one flow against an NSG's custom and default rules the way Azure does.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SecurityRule } from "../../src/inventory/model.ts";
import { evaluateNsgFlow, prepareNsg } from "../../src/net/nsg-evaluation.ts";
import type { FlowEndpoint, NsgDecision, NsgFlow } from "../../src/net/nsg-evaluation.ts";
import { parsePrefix } from "../../src/net/prefix.ts";
import type { Prefix } from "../../src/net/prefix.ts";

const nsgPath = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg";

function rule(name: string, overrides: Partial<SecurityRule> = {}): SecurityRule {
  const collection = overrides.isDefault === true ? "defaultSecurityRules" : "securityRules";
  const id = `${nsgPath}/${collection}/${name}`;
  return {
    id,
    key: id.toLowerCase(),
    name,
    nsgKey: nsgPath.toLowerCase(),
    isDefault: false,
    priority: 100,
    direction: "Inbound",
    access: "Allow",
    protocol: "*",
    sourceAddressPrefixes: ["*"],
    destinationAddressPrefixes: ["*"],
    sourcePortRanges: ["*"],
    destinationPortRanges: ["*"],
    sourceApplicationSecurityGroupIds: [],
    destinationApplicationSecurityGroupIds: [],
    description: undefined,
    ...overrides,
  };
}

function defaultRule(
  name: string,
  priority: number,
  direction: SecurityRule["direction"],
  access: SecurityRule["access"],
  source: string,
  destination: string,
): SecurityRule {
  return rule(name, {
    isDefault: true,
    priority,
    direction,
    access,
    sourceAddressPrefixes: [source],
    destinationAddressPrefixes: [destination],
  });
}

/** Azure's six default rules, which every NSG carries after the custom ones. */
const defaultRules: readonly SecurityRule[] = [
  defaultRule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
  defaultRule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
  defaultRule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
  defaultRule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
  defaultRule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
  defaultRule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
];

function prefixes(...texts: string[]): Prefix[] {
  return texts.map((text) => {
    const parsed = parsePrefix(text);
    assert.ok(parsed, `test fixture ${text} must parse`);
    return parsed;
  });
}

const vnetSpace = prefixes("10.0.0.0/16");
const context = { virtualNetworkPrefixes: vnetSpace };
const nodeSubnet = "10.0.1.0/24";
const apiServerSubnet = "10.0.0.0/28";
const nodes: FlowEndpoint = { prefixes: prefixes(nodeSubnet) };
const apiServer: FlowEndpoint = { prefixes: prefixes(apiServerSubnet) };
const loadBalancer: FlowEndpoint = { serviceTag: "AzureLoadBalancer" };

function flow(overrides: Partial<NsgFlow> = {}): NsgFlow {
  return {
    direction: "Inbound",
    protocol: "Tcp",
    source: nodes,
    destination: apiServer,
    destinationPort: 4443,
    ...overrides,
  };
}

const denyNodesTo4443 = (priority: number): SecurityRule =>
  rule("deny-nodes-4443", {
    priority,
    access: "Deny",
    protocol: "Tcp",
    sourceAddressPrefixes: [nodeSubnet],
    destinationAddressPrefixes: [apiServerSubnet],
    destinationPortRanges: ["4443"],
  });

const allowNodesAt300 = rule("allow-nodes", {
  priority: 300,
  sourceAddressPrefixes: [nodeSubnet],
  destinationPortRanges: ["443", "4443"],
});

/** Only what a rule's evidence shows: the verdict, the deciding rule's name, the names passed over. */
function summary(decision: NsgDecision) {
  return {
    access: decision.access,
    decidingRule: decision.decidingRule?.name,
    notEvaluated: decision.notEvaluated.map((skipped) => skipped.rule.name),
  };
}

interface Case {
  readonly name: string;
  readonly rules: readonly SecurityRule[];
  readonly flow: NsgFlow;
  readonly access: "Allow" | "Deny";
  readonly decidingRule: string | undefined;
  readonly notEvaluated?: readonly string[];
}

const cases: readonly Case[] = [
  {
    name: "a Deny above an Allow decides",
    rules: [allowNodesAt300, denyNodesTo4443(200)],
    flow: flow(),
    access: "Deny",
    decidingRule: "deny-nodes-4443",
  },
  {
    name: "the same Deny below the Allow loses",
    rules: [allowNodesAt300, denyNodesTo4443(400)],
    flow: flow(),
    access: "Allow",
    decidingRule: "allow-nodes",
  },
  {
    name: "a Deny scoped to an ASG is passed over and reported",
    rules: [
      rule("deny-asg", {
        priority: 100,
        access: "Deny",
        destinationAddressPrefixes: [],
        destinationApplicationSecurityGroupIds: [`${nsgPath}/../applicationSecurityGroups/asg-api`],
      }),
      allowNodesAt300,
    ],
    flow: flow(),
    access: "Allow",
    decidingRule: "allow-nodes",
    notEvaluated: ["deny-asg"],
  },
  {
    name: "a Deny on a source ASG the flow's NICs join decides",
    rules: [
      rule("deny-asg", {
        priority: 100,
        access: "Deny",
        sourceAddressPrefixes: [],
        sourceApplicationSecurityGroupIds: [`${nsgPath}/../applicationSecurityGroups/ASG-Nodes`],
      }),
      allowNodesAt300,
    ],
    flow: flow({
      source: {
        ...nodes,
        applicationSecurityGroups: new Set([
          `${nsgPath}/../applicationSecurityGroups/asg-nodes`.toLowerCase(),
        ]),
      },
    }),
    access: "Deny",
    decidingRule: "deny-asg",
    notEvaluated: [],
  },
  {
    name: "a Deny on a source ASG the flow's NICs do not join does not apply",
    rules: [
      rule("deny-asg", {
        priority: 100,
        access: "Deny",
        sourceAddressPrefixes: [],
        sourceApplicationSecurityGroupIds: [`${nsgPath}/../applicationSecurityGroups/asg-nodes`],
      }),
      allowNodesAt300,
    ],
    flow: flow({ source: { ...nodes, applicationSecurityGroups: new Set() } }),
    access: "Allow",
    decidingRule: "allow-nodes",
    notEvaluated: [],
  },
  {
    name: "AzureLoadBalancer traffic is in no ASG",
    rules: [
      rule("deny-asg", {
        priority: 100,
        access: "Deny",
        sourceAddressPrefixes: [],
        sourceApplicationSecurityGroupIds: [`${nsgPath}/../applicationSecurityGroups/asg-nodes`],
        destinationPortRanges: ["9988"],
      }),
    ],
    flow: flow({ source: { serviceTag: "AzureLoadBalancer" }, destinationPort: 9988 }),
    access: "Allow",
    decidingRule: "AllowAzureLoadBalancerInBound",
    notEvaluated: [],
  },
  {
    name: "defaults alone allow a source inside the VNet",
    rules: [],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
  },
  {
    name: "defaults alone deny a source outside the VNet",
    rules: [],
    flow: flow({ source: { prefixes: prefixes("192.168.5.0/24") } }),
    access: "Deny",
    decidingRule: "DenyAllInBound",
  },
  {
    name: "the load balancer probe reaches TCP 9988 through the default rule",
    rules: [],
    flow: flow({ source: loadBalancer, destinationPort: 9988 }),
    access: "Allow",
    decidingRule: "AllowAzureLoadBalancerInBound",
  },
  {
    name: "a custom Deny of AzureLoadBalancer blocks the probe",
    rules: [rule("deny-lb", { priority: 100, access: "Deny", sourceAddressPrefixes: ["AzureLoadBalancer"] })],
    flow: flow({ source: loadBalancer, destinationPort: 9988 }),
    access: "Deny",
    decidingRule: "deny-lb",
  },
  {
    name: "a Deny of the node subnet does not touch the probe",
    rules: [denyNodesTo4443(100)],
    flow: flow({ source: loadBalancer, destinationPort: 4443 }),
    access: "Allow",
    decidingRule: "AllowAzureLoadBalancerInBound",
  },
  {
    name: "a Udp rule does not apply to a Tcp flow",
    rules: [rule("deny-udp", { priority: 100, access: "Deny", protocol: "Udp" })],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
  },
  {
    name: "protocol is compared without case, Any included",
    rules: [rule("deny-any", { priority: 100, access: "Deny", protocol: "Any" })],
    flow: flow({ protocol: "Udp" }),
    access: "Deny",
    decidingRule: "deny-any",
  },
  {
    name: "443 falls in 400-500",
    rules: [rule("deny-range", { priority: 100, access: "Deny", destinationPortRanges: ["400-500"] })],
    flow: flow({ destinationPort: 443 }),
    access: "Deny",
    decidingRule: "deny-range",
  },
  {
    name: "443 falls outside 444-500",
    rules: [rule("deny-range", { priority: 100, access: "Deny", destinationPortRanges: ["444-500"] })],
    flow: flow({ destinationPort: 443 }),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
  },
  {
    name: "a port list holds 443",
    rules: [rule("deny-list", { priority: 100, access: "Deny", destinationPortRanges: ["80", "443"] })],
    flow: flow({ destinationPort: 443 }),
    access: "Deny",
    decidingRule: "deny-list",
  },
  {
    name: "a port list without the port does not apply",
    rules: [rule("deny-list", { priority: 100, access: "Deny", destinationPortRanges: ["80", "8443"] })],
    flow: flow({ destinationPort: 443 }),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
  },
  {
    name: "a source prefix list applies when one entry overlaps",
    rules: [
      rule("deny-sources", {
        priority: 100,
        access: "Deny",
        sourceAddressPrefixes: ["172.16.0.0/24", "10.0.1.128/25"],
      }),
    ],
    flow: flow(),
    access: "Deny",
    decidingRule: "deny-sources",
  },
  {
    name: "a source prefix list without overlap does not apply",
    rules: [
      rule("deny-sources", {
        priority: 100,
        access: "Deny",
        sourceAddressPrefixes: ["172.16.0.0/24", "10.0.2.0/24"],
      }),
    ],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
  },
  {
    name: "* everywhere applies",
    rules: [rule("deny-all-custom", { priority: 4096, access: "Deny" })],
    flow: flow(),
    access: "Deny",
    decidingRule: "deny-all-custom",
  },
  {
    name: "0.0.0.0/0 matches every IPv4 source",
    rules: [rule("deny-zero", { priority: 100, access: "Deny", sourceAddressPrefixes: ["0.0.0.0/0"] })],
    flow: flow(),
    access: "Deny",
    decidingRule: "deny-zero",
  },
  {
    name: "an outbound rule does not decide an inbound flow",
    rules: [rule("deny-out", { priority: 100, access: "Deny", direction: "Outbound" })],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
  },
  {
    name: "an outbound flow uses outbound rules only",
    rules: [rule("deny-out", { priority: 100, access: "Deny", direction: "Outbound" }), rule("allow-in")],
    flow: flow({ direction: "Outbound" }),
    access: "Deny",
    decidingRule: "deny-out",
  },
  {
    name: "a Storage service-tag rule is passed over and reported",
    rules: [rule("deny-storage", { priority: 100, access: "Deny", destinationAddressPrefixes: ["Storage"] })],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
    notEvaluated: ["deny-storage"],
  },
  {
    name: "a service-tag rule on another port is not worth reporting",
    rules: [
      rule("deny-storage", {
        priority: 100,
        access: "Deny",
        destinationAddressPrefixes: ["AzureCloud.westeurope"],
        destinationPortRanges: ["80"],
      }),
    ],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
  },
  {
    name: "a known prefix that matches decides despite a service tag beside it",
    rules: [
      rule("deny-mixed", { priority: 100, access: "Deny", sourceAddressPrefixes: ["Storage", nodeSubnet] }),
    ],
    flow: flow(),
    access: "Deny",
    decidingRule: "deny-mixed",
  },
  {
    name: "a prefix that does not parse is reported",
    rules: [rule("deny-broken", { priority: 100, access: "Deny", sourceAddressPrefixes: ["10.0.1.300/24"] })],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
    notEvaluated: ["deny-broken"],
  },
  {
    name: "a specific source port cannot be decided",
    rules: [rule("deny-source-port", { priority: 100, access: "Deny", sourcePortRanges: ["1024-65535"] })],
    flow: flow(),
    access: "Allow",
    decidingRule: "AllowVnetInBound",
    notEvaluated: ["deny-source-port"],
  },
  {
    name: "skipped rules after the deciding one are not reported",
    rules: [
      denyNodesTo4443(100),
      rule("deny-storage", { priority: 200, destinationAddressPrefixes: ["Storage"] }),
    ],
    flow: flow(),
    access: "Deny",
    decidingRule: "deny-nodes-4443",
  },
  {
    name: "VirtualNetwork does not cover a source outside the VNet space",
    rules: [rule("deny-vnet", { priority: 100, access: "Deny", sourceAddressPrefixes: ["VirtualNetwork"] })],
    flow: flow({ source: { prefixes: prefixes("10.1.0.0/24") } }),
    access: "Deny",
    decidingRule: "DenyAllInBound",
  },
  {
    name: "Internet covers a public destination outbound",
    rules: [],
    flow: flow({
      direction: "Outbound",
      destination: { prefixes: prefixes("20.50.1.1") },
      destinationPort: 443,
    }),
    access: "Allow",
    decidingRule: "AllowInternetOutBound",
  },
  {
    name: "Internet does not cover private space outside the VNet",
    rules: [],
    flow: flow({
      direction: "Outbound",
      destination: { prefixes: prefixes("172.20.0.4") },
      destinationPort: 443,
    }),
    access: "Deny",
    decidingRule: "DenyAllOutBound",
  },
  {
    name: "tags are read without case, classic names included",
    rules: [
      rule("deny-lb-classic", {
        priority: 100,
        access: "Deny",
        sourceAddressPrefixes: ["AZURE_LOADBALANCER"],
      }),
    ],
    flow: flow({ source: loadBalancer, destinationPort: 9988 }),
    access: "Deny",
    decidingRule: "deny-lb-classic",
  },
];

describe("evaluateNsgFlow", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const rules = [...testCase.rules, ...defaultRules];
      const expected = {
        access: testCase.access,
        decidingRule: testCase.decidingRule,
        notEvaluated: testCase.notEvaluated ?? [],
      };
      assert.deepEqual(summary(evaluateNsgFlow(rules, testCase.flow, context)), expected);
      assert.deepEqual(summary(evaluateNsgFlow(prepareNsg(rules), testCase.flow, context)), expected);
    });
  }

  it("names the rule object that decided and why others were skipped", () => {
    const deny = denyNodesTo4443(200);
    const asgRule = rule("deny-asg", {
      priority: 100,
      access: "Deny",
      sourceAddressPrefixes: [],
      sourceApplicationSecurityGroupIds: ["/subscriptions/s/x/applicationSecurityGroups/asg-nodes"],
    });
    const decision = evaluateNsgFlow([deny, asgRule, ...defaultRules], flow(), context);
    assert.equal(decision.decidingRule, deny);
    assert.deepEqual(decision.notEvaluated, [
      {
        rule: asgRule,
        reason: 'source application security group "asg-nodes": the NICs\' membership is unknown',
      },
    ]);
  });

  it("denies with no deciding rule when no rule applies", () => {
    const decision = evaluateNsgFlow([rule("allow-udp", { protocol: "Udp" })], flow(), context);
    assert.deepEqual(summary(decision), { access: "Deny", decidingRule: undefined, notEvaluated: [] });
  });

  it("orders by priority whatever the input order, defaults included", () => {
    const late = rule("allow-late", { priority: 4000 });
    const early = rule("deny-early", { priority: 150, access: "Deny" });
    const prepared = prepareNsg([...defaultRules, late, early]);
    assert.deepEqual(
      prepared.inbound.map((entry) => entry.rule.name),
      ["deny-early", "allow-late", "AllowVnetInBound", "AllowAzureLoadBalancerInBound", "DenyAllInBound"],
    );
    assert.deepEqual(
      prepared.outbound.map((entry) => entry.rule.name),
      ["AllowVnetOutBound", "AllowInternetOutBound", "DenyAllOutBound"],
    );
  });

  it("gives the same verdicts for many flows against one NSG of hundreds of rules", () => {
    // 400 Deny rules, each for one /24 outside the VNet, then the defaults.
    const denies = Array.from({ length: 400 }, (_, index) =>
      rule(`deny-${String(index)}`, {
        priority: 100 + index,
        access: "Deny",
        sourceAddressPrefixes: [`172.16.${String(index % 256)}.${index < 256 ? "0/25" : "128/25"}`],
      }),
    );
    const prepared = prepareNsg([...denies, ...defaultRules]);
    const verdicts = Array.from({ length: 512 }, (_, index) => {
      const source = { prefixes: prefixes(`172.16.${String(index % 256)}.${index < 256 ? "1" : "129"}`) };
      return evaluateNsgFlow(prepared, flow({ source }), context).decidingRule?.name;
    });
    assert.equal(verdicts.filter((name) => name?.startsWith("deny-")).length, 400);
    assert.equal(verdicts.filter((name) => name === "DenyAllInBound").length, 112);
  });
});

describe("prepareNsg parts, parsed when first read", () => {
  const asg =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/Asg-Nodes";
  const cases: [name: string, overrides: Partial<SecurityRule>, expected: Record<string, unknown>][] = [
    [
      "a plain rule",
      { protocol: " TCP ", destinationPortRanges: ["443", "8080-8090"] },
      {
        protocol: "tcp",
        source: [{ kind: "any" }],
        destination: [{ kind: "any" }],
        destinationPorts: [
          { from: 443, to: 443 },
          { from: 8080, to: 8090 },
        ],
        sourcePort: "yes",
      },
    ],
    [
      "tags, a prefix, an ASG, a port list and a specific source port",
      {
        sourceAddressPrefixes: ["VirtualNetwork", "10.0.0.5/24"],
        destinationAddressPrefixes: [],
        destinationApplicationSecurityGroupIds: [asg],
        sourcePortRanges: ["1024"],
        destinationPortRanges: ["80,443"],
      },
      {
        protocol: "*",
        source: [{ kind: "virtualNetwork" }, { kind: "prefix", prefix: parsePrefix("10.0.0.0/24") }],
        destination: [
          {
            kind: "applicationSecurityGroup",
            key: asg.toLowerCase(),
            name: "Asg-Nodes",
            side: "destination",
          },
        ],
        destinationPorts: [
          { from: 80, to: 80 },
          { from: 443, to: 443 },
        ],
        sourcePort: {
          reason: 'source port range "1024" is not evaluated (the flow\'s source port is ephemeral)',
        },
      },
    ],
    [
      "parts that cannot be decided",
      {
        sourceAddressPrefixes: ["AzureCloud"],
        destinationAddressPrefixes: ["10.0.0.0/33"],
        destinationPortRanges: [],
      },
      {
        protocol: "*",
        source: [{ kind: "unsupported", reason: 'source service tag "AzureCloud" is not evaluated' }],
        destination: [
          { kind: "unsupported", reason: 'destination address prefix "10.0.0.0/33" does not parse' },
        ],
        destinationPorts: [{ reason: "rule has no destination port range" }],
        sourcePort: "yes",
      },
    ],
  ];
  const parts = ["protocol", "source", "destination", "destinationPorts", "sourcePort"] as const;

  // Rules written alike share one parse; these pairs differ in form only where the parse must tell them apart.
  const pairs: [name: string, a: Partial<SecurityRule>, b: Partial<SecurityRule>, same: boolean][] = [
    [
      "ports as a list or in one entry",
      { destinationPortRanges: ["80", "443"] },
      { destinationPortRanges: ["80,443"] },
      true,
    ],
    ["one empty port entry or none", { destinationPortRanges: [""] }, { destinationPortRanges: [] }, false],
    [
      "source ports as a list or in one entry",
      { sourcePortRanges: ["1", "2"] },
      { sourcePortRanges: ["1,2"] },
      false,
    ],
    [
      "an entry alone or beside an ASG",
      { sourceAddressPrefixes: ["*"] },
      { sourceApplicationSecurityGroupIds: [asg] },
      false,
    ],
    [
      "one entry or two",
      { destinationAddressPrefixes: ["10.0.0.0/24"] },
      { destinationAddressPrefixes: ["10.0.0.0/24", "*"] },
      false,
    ],
  ];
  for (const [name, a, b, same] of pairs) {
    it(`${name}: ${same ? "the same" : "different"} parts`, () => {
      const [first, second] = prepareNsg([rule("a", a), rule("b", { priority: 200, ...b })]).inbound;
      assert.ok(first && second);
      const read = (prepared: typeof first) => parts.map((part) => prepared[part]);
      if (same) assert.deepEqual(read(first), read(second));
      else assert.notDeepEqual(read(first), read(second));
    });
  }

  it("shares one frozen parse between rules written alike", () => {
    const [first, second] = prepareNsg([rule("a"), rule("b", { priority: 200 })]).inbound;
    assert.ok(first && second);
    for (const part of ["source", "destination", "destinationPorts"] as const) {
      assert.equal(first[part], second[part]);
      assert.ok(Object.isFrozen(first[part]), `${part} is frozen`);
    }
  });
  for (const [name, overrides, expected] of cases) {
    it(`${name}: the same parts in any reading order, parsed once`, () => {
      for (const order of [parts, [...parts].reverse()]) {
        const [prepared] = prepareNsg([rule("r", overrides)]).inbound;
        assert.ok(prepared);
        const read = Object.fromEntries(order.map((part) => [part, prepared[part]]));
        assert.deepEqual(read, expected);
        for (const part of order)
          assert.equal(prepared[part], read[part], `${part} is kept, not parsed again`);
      }
    });
  }
});
