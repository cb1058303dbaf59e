import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/nsg-blocks-apiserver-traffic.ts";
import type { AgentPool, Cluster, NetworkSecurityGroup, SecurityRule } from "../../src/inventory/model.ts";
import {
  agentPool,
  apiServerSubnet,
  cluster,
  clusterId,
  defaultSecurityRules,
  evaluate,
  inventory,
  nsg,
  nsgId,
  subnet,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";

const apiServerSubnetId = subnetId("vnet-1", "apiserver");
const nodeSubnetId = subnetId("vnet-1", "nodes");
const apiServerCidr = "10.0.255.0/28";
const asgId =
  "/subscriptions/x/resourceGroups/rg-net/providers/Microsoft.Network/applicationSecurityGroups/asg-nodes";

function integrated(overrides: { subnetId?: string; enableVnetIntegration?: boolean } = {}): Cluster {
  return cluster({
    networkPlugin: "azure",
    agentPools: [agentPool({ vnetSubnetId: nodeSubnetId })],
    apiServerAccessProfile: { enableVnetIntegration: true, subnetId: apiServerSubnetId, ...overrides },
  });
}

/** An integrated cluster whose pools (all on the node subnet) carry the given fields. */
function withPools(pools: readonly Partial<AgentPool>[]): Cluster {
  return cluster({
    networkPlugin: "azure",
    agentPools: pools.map((pool) => agentPool({ vnetSubnetId: nodeSubnetId, ...pool })),
    apiServerAccessProfile: { enableVnetIntegration: true, subnetId: apiServerSubnetId },
  });
}

function ruleId(nsgName: string, name: string): string {
  return `${nsgId(nsgName)}/securityRules/${name}`;
}

const denyKonnectivity: Partial<SecurityRule> = {
  name: "deny-4443",
  priority: 200,
  access: "Deny",
  destinationPortRanges: ["4443"],
};
const allowNodes: Partial<SecurityRule> = {
  name: "allow-nodes",
  priority: 300,
  sourceAddressPrefixes: ["10.0.0.0/24"],
  destinationAddressPrefixes: [apiServerCidr],
  destinationPortRanges: ["443", "4443"],
};

interface Case {
  readonly name: string;
  readonly clusters?: readonly Cluster[];
  /** Custom rules of the NSG on the node subnet; undefined = no NSG. Azure's defaults are added. */
  readonly nodeRules?: readonly Partial<SecurityRule>[];
  readonly apiServerRules?: readonly Partial<SecurityRule>[];
  /** Subnets left out of the inventory. */
  readonly omit?: readonly ("nodes" | "apiserver" | "nsg-api")[];
  readonly status: string;
  /** Id of the rule deciding the first denied check. */
  readonly deniedBy?: string;
  /** Rule ids reported as not evaluated, over every check. */
  readonly notEvaluated?: readonly string[];
}

const cases: Case[] = [
  { name: "no NSGs", status: "pass", notEvaluated: [] },
  { name: "NSGs with only Azure's default rules", nodeRules: [], apiServerRules: [], status: "pass" },
  {
    name: "4443 Deny at 200 above Allow at 300",
    apiServerRules: [denyKonnectivity, allowNodes],
    status: "fail",
    deniedBy: ruleId("nsg-api", "deny-4443"),
  },
  {
    name: "same Deny at 400, below the Allow",
    apiServerRules: [{ ...denyKonnectivity, priority: 400 }, allowNodes],
    status: "pass",
  },
  {
    name: "Deny on an ASG the pools do not join does not apply to them",
    apiServerRules: [
      { ...denyKonnectivity, sourceAddressPrefixes: [], sourceApplicationSecurityGroupIds: [asgId] },
      allowNodes,
    ],
    status: "pass",
    notEvaluated: [],
  },
  {
    name: "Deny on an ASG the pool joins applies to its nodes",
    clusters: [withPools([{ applicationSecurityGroupIds: [asgId] }])],
    apiServerRules: [
      { ...denyKonnectivity, sourceAddressPrefixes: [], sourceApplicationSecurityGroupIds: [asgId] },
      allowNodes,
    ],
    status: "fail",
    deniedBy: ruleId("nsg-api", "deny-4443"),
  },
  {
    name: "ASG ids compare case-insensitively",
    clusters: [withPools([{ applicationSecurityGroupIds: [asgId.toUpperCase()] }])],
    apiServerRules: [
      { ...denyKonnectivity, sourceAddressPrefixes: [], sourceApplicationSecurityGroupIds: [asgId] },
      allowNodes,
    ],
    status: "fail",
    deniedBy: ruleId("nsg-api", "deny-4443"),
  },
  {
    name: "one of two pools joins the denied ASG: the subnet's flows fail for that pool",
    clusters: [withPools([{ name: "system" }, { name: "tagged", applicationSecurityGroupIds: [asgId] }])],
    apiServerRules: [
      { ...denyKonnectivity, sourceAddressPrefixes: [], sourceApplicationSecurityGroupIds: [asgId] },
      allowNodes,
    ],
    status: "fail",
    deniedBy: ruleId("nsg-api", "deny-4443"),
  },
  {
    name: "membership that could not be read leaves an ASG Deny in doubt",
    clusters: [withPools([{ applicationSecurityGroupIds: undefined }])],
    apiServerRules: [
      { ...denyKonnectivity, sourceAddressPrefixes: [], sourceApplicationSecurityGroupIds: [asgId] },
      allowNodes,
    ],
    status: "unverified",
    notEvaluated: [ruleId("nsg-api", "deny-4443")],
  },
  {
    name: "a Deny on an ASG never applies to the load balancer's probe",
    clusters: [withPools([{ applicationSecurityGroupIds: [asgId] }])],
    apiServerRules: [
      {
        name: "deny-probe-asg",
        priority: 100,
        access: "Deny",
        sourceAddressPrefixes: [],
        sourceApplicationSecurityGroupIds: [asgId],
        destinationPortRanges: ["9988"],
      },
    ],
    status: "pass",
    notEvaluated: [],
  },
  {
    name: "Deny from another service tag ahead of the default Allow",
    apiServerRules: [{ ...denyKonnectivity, sourceAddressPrefixes: ["AzureCloud"] }],
    status: "unverified",
    notEvaluated: [ruleId("nsg-api", "deny-4443")],
  },
  {
    name: "Allow from a service tag ahead of an Allow cannot change the verdict",
    apiServerRules: [
      { ...allowNodes, name: "allow-tag", priority: 100, sourceAddressPrefixes: ["AzureCloud"] },
    ],
    status: "pass",
    notEvaluated: [ruleId("nsg-api", "allow-tag"), ruleId("nsg-api", "allow-tag")],
  },
  {
    name: "Allow by an ASG the pools do not join: the custom DenyAll decides",
    apiServerRules: [
      {
        ...allowNodes,
        name: "allow-asg",
        priority: 100,
        sourceAddressPrefixes: [],
        sourceApplicationSecurityGroupIds: [asgId],
      },
      { name: "deny-all", priority: 200, access: "Deny", protocol: "*", destinationPortRanges: ["*"] },
      {
        name: "allow-probe",
        priority: 90,
        sourceAddressPrefixes: ["AzureLoadBalancer"],
        destinationPortRanges: ["9988"],
      },
    ],
    status: "fail",
    deniedBy: ruleId("nsg-api", "deny-all"),
  },
  {
    name: "Allow by an ASG the pools join, ahead of a custom DenyAll",
    clusters: [withPools([{ applicationSecurityGroupIds: [asgId] }])],
    apiServerRules: [
      {
        ...allowNodes,
        name: "allow-asg",
        priority: 100,
        sourceAddressPrefixes: [],
        sourceApplicationSecurityGroupIds: [asgId],
      },
      { name: "deny-all", priority: 200, access: "Deny", protocol: "*", destinationPortRanges: ["*"] },
      {
        name: "allow-probe",
        priority: 90,
        sourceAddressPrefixes: ["AzureLoadBalancer"],
        destinationPortRanges: ["9988"],
      },
    ],
    status: "pass",
    notEvaluated: [],
  },
  {
    name: "outbound Deny on the node subnet NSG",
    nodeRules: [
      {
        name: "deny-apiserver",
        priority: 100,
        direction: "Outbound",
        access: "Deny",
        destinationAddressPrefixes: [apiServerCidr],
      },
    ],
    apiServerRules: [],
    status: "fail",
    deniedBy: ruleId("nsg-nodes", "deny-apiserver"),
  },
  {
    name: "AzureLoadBalancer 9988 denied by a custom DenyAll at 100",
    apiServerRules: [
      { ...allowNodes, priority: 90 },
      { name: "deny-all", priority: 100, access: "Deny", protocol: "*", destinationPortRanges: ["*"] },
    ],
    status: "fail",
    deniedBy: ruleId("nsg-api", "deny-all"),
  },
  {
    name: "VirtualNetwork tag covers nodes ahead of a DenyAll",
    apiServerRules: [
      {
        name: "allow-vnet",
        priority: 100,
        sourceAddressPrefixes: ["VirtualNetwork"],
        destinationPortRanges: ["443", "4443"],
      },
      {
        name: "allow-probe",
        priority: 110,
        sourceAddressPrefixes: ["AzureLoadBalancer"],
        destinationPortRanges: ["9988"],
      },
      { name: "deny-all", priority: 200, access: "Deny", protocol: "*", destinationPortRanges: ["*"] },
    ],
    status: "pass",
  },
  {
    name: "non-integrated cluster",
    clusters: [integrated({ enableVnetIntegration: false })],
    status: "not_applicable",
  },
  { name: "AKS-managed VNet", clusters: [integrated({ subnetId: "" })], status: "not_applicable" },
  { name: "API server subnet missing", omit: ["apiserver"], status: "unverified" },
  { name: "node subnet missing", omit: ["nodes"], status: "unverified" },
  { name: "API server NSG missing", apiServerRules: [], omit: ["nsg-api"], status: "unverified" },
  {
    name: "a Deny still fails when a node subnet is missing",
    apiServerRules: [
      { name: "deny-all", priority: 100, access: "Deny", protocol: "*", destinationPortRanges: ["*"] },
    ],
    omit: ["nodes"],
    status: "fail",
    deniedBy: ruleId("nsg-api", "deny-all"),
  },
];

function withDefaults(
  name: string,
  rules: readonly Partial<SecurityRule>[] | undefined,
): NetworkSecurityGroup[] {
  return rules === undefined ? [] : [nsg({ name, securityRules: [...rules, ...defaultSecurityRules()] })];
}

function build(testCase: Case) {
  const omit = new Set(testCase.omit ?? []);
  const nodeNsgs = withDefaults("nsg-nodes", testCase.nodeRules);
  const apiServerNsgs = withDefaults("nsg-api", testCase.apiServerRules);
  const subnets = [
    ...(omit.has("nodes") ? [] : [subnet({ name: "nodes", networkSecurityGroupId: nodeNsgs[0]?.id })]),
    ...(omit.has("apiserver") ? [] : [apiServerSubnet({ networkSecurityGroupId: apiServerNsgs[0]?.id })]),
  ];
  return inventory({
    clusters: testCase.clusters ?? [integrated()],
    vnets: [vnet({ subnets })],
    nsgs: [...nodeNsgs, ...(omit.has("nsg-api") ? [] : apiServerNsgs)],
  });
}

interface CheckEvidence {
  readonly verdict: string;
  readonly decidingRuleId: string | null;
  readonly notEvaluated: readonly { readonly ruleId: string; readonly reason: string }[];
}

function checksOf(evidence: unknown): readonly CheckEvidence[] {
  return (evidence as { checks: CheckEvidence[] }).checks;
}

describe("nsg-blocks-apiserver-traffic", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const outcomes = evaluate(rule, build(testCase));
      const severity = testCase.status === "fail" || testCase.status === "unverified" ? "high" : undefined;
      assert.deepEqual(summarize(rule, outcomes), [
        { id: clusterId("aks-1"), status: testCase.status, severity, detail: undefined },
      ]);
      const checks = checksOf(outcomes[0]?.evidence ?? { checks: [] });
      if (testCase.deniedBy !== undefined) {
        const denied = checks.find((check) => check.verdict === "Deny");
        assert.equal(denied?.decidingRuleId, testCase.deniedBy);
        const name = testCase.deniedBy.split("/").at(-1) ?? "";
        assert.ok(outcomes[0]?.message.includes(name), "the message names the deciding rule");
      }
      if (testCase.notEvaluated !== undefined) {
        const skipped = checks.flatMap((check) => check.notEvaluated.map((entry) => entry.ruleId));
        assert.deepEqual(skipped, testCase.notEvaluated);
      }
    });
  }

  it("lists every flow: the probe, then 443 and 4443 outbound on nodes and inbound on the API server subnet", () => {
    const [outcome] = evaluate(rule, build({ name: "", nodeRules: [], apiServerRules: [], status: "pass" }));
    const flows = checksOf(outcome?.evidence).map((check) => {
      const { flow, direction } = check as unknown as { flow: string; direction: string };
      return `${flow} ${direction}`;
    });
    assert.deepEqual(flows, [
      "AzureLoadBalancer → apiserver TCP 9988 Inbound",
      "nodes → apiserver TCP 443 Outbound",
      "nodes → apiserver TCP 443 Inbound",
      "nodes → apiserver TCP 4443 Outbound",
      "nodes → apiserver TCP 4443 Inbound",
    ]);
    assert.ok(checksOf(outcome?.evidence).every((check) => check.decidingRuleId !== null));
  });

  it("names the application security group when membership is unknown", () => {
    const testCase = cases.find((entry) => entry.name.startsWith("membership that could not be read"))!;
    const [outcome] = evaluate(rule, build(testCase));
    const reasons = checksOf(outcome?.evidence).flatMap((check) =>
      check.notEvaluated.map((entry) => entry.reason),
    );
    assert.ok(reasons.some((reason) => reason.includes('"asg-nodes": the NICs\' membership is unknown')));
    assert.ok(outcome?.message.includes("deny-4443"));
  });

  it("names the pools when a node subnet holds pools of different ASGs", () => {
    const testCase = cases.find((entry) => entry.name.startsWith("one of two pools"))!;
    const [outcome] = evaluate(rule, build(testCase));
    const flows = checksOf(outcome?.evidence).map((check) => (check as unknown as { flow: string }).flow);
    assert.ok(flows.includes("nodes (pools tagged) → apiserver TCP 4443"), flows.join("; "));
    assert.ok(flows.includes("nodes (pools system) → apiserver TCP 4443"));
    assert.match(outcome?.message ?? "", /denies nodes \(pools tagged\) → apiserver TCP 4443/);
  });
});
