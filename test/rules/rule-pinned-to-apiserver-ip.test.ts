import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/rule-pinned-to-apiserver-ip.ts";
import type { Cluster, FirewallRule, SecurityRule } from "../../src/inventory/model.ts";
import type { ApiServerEndpoint } from "../../src/rules/define.ts";
import {
  apiServerSubnet,
  azureFirewall,
  cluster,
  evaluate,
  inventory,
  ipGroup,
  ipGroupId,
  nsg,
  ruleCollectionGroup,
  firewallPolicy,
  testTenantId,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";
import type { ClusterOverrides, InventoryParts, OutcomeSummary } from "../builders.ts";

const ip = "10.1.0.4";

function endpoints(...pairs: (readonly [Cluster, string])[]): Map<string, ApiServerEndpoint[]> {
  const map = new Map<string, ApiServerEndpoint[]>();
  for (const [owner, address] of pairs)
    map.set(owner.key, [
      ...(map.get(owner.key) ?? []),
      { ip: address, evidence: "kube-apiserver-frontend", source: "frontend" },
    ]);
  return map;
}

const nsgWith = (rules: Partial<SecurityRule>[]) => nsg({ securityRules: rules });
const nsgRuleId = `${nsg().id}/securityRules/rule-1`;
const pinByNsg = (entry: string): InventoryParts => ({
  nsgs: [nsgWith([{ destinationAddressPrefixes: [entry] }])],
});
const pinByFirewall = (overrides: Partial<FirewallRule>): InventoryParts => ({
  azureFirewalls: [azureFirewall("fw-1", [overrides])],
});

const integrated: ClusterOverrides = { apiServerAccessProfile: { enableVnetIntegration: true } };
const fail = (id: string, severity: string, detail: string): OutcomeSummary => ({
  id,
  status: "fail",
  severity,
  detail,
});

interface Case {
  readonly name: string;
  readonly cluster: ClusterOverrides;
  readonly parts: InventoryParts;
  readonly expected: (subject: Cluster) => readonly OutcomeSummary[];
}

const passOf = (subject: Cluster): OutcomeSummary => ({
  id: subject.id,
  status: "pass",
  severity: undefined,
  detail: undefined,
});

const cases: Case[] = [
  {
    name: "non-integrated: exact IP in an NSG rule is medium",
    cluster: {},
    parts: pinByNsg(ip),
    expected: () => [fail(nsgRuleId, "medium", ip)],
  },
  {
    name: "integrated: exact IP is low",
    cluster: integrated,
    parts: pinByNsg(ip),
    expected: () => [fail(nsgRuleId, "low", ip)],
  },
  {
    name: "the /32 form pins",
    cluster: {},
    parts: pinByNsg(`${ip}/32`),
    expected: () => [fail(nsgRuleId, "medium", ip)],
  },
  {
    name: "a /24 does not pin",
    cluster: {},
    parts: pinByNsg("10.1.0.0/24"),
    expected: (subject) => [passOf(subject)],
  },
  {
    name: "classic firewall network rule",
    cluster: {},
    parts: pinByFirewall({ destinationAddresses: [ip] }),
    expected: () => [fail(azureFirewall().id, "medium", `collection-1/rule-1@${ip}`)],
  },
  {
    name: "classic firewall NAT rule",
    cluster: integrated,
    parts: pinByFirewall({ kind: "nat", collectionName: "dnat", destinationAddresses: [ip] }),
    expected: () => [fail(azureFirewall().id, "low", `dnat/rule-1@${ip}`)],
  },
  {
    name: "Firewall Policy rule",
    cluster: {},
    parts: { ruleCollectionGroups: [ruleCollectionGroup("rcg-1", [{ destinationAddresses: [ip] }])] },
    expected: () => [fail(ruleCollectionGroup().id, "medium", `collection-1/rule-1@${ip}`)],
  },
  {
    name: "IP group through destinationIpGroups",
    cluster: {},
    parts: {
      ruleCollectionGroups: [ruleCollectionGroup("rcg-1", [{ destinationIpGroupIds: [ipGroupId("ipg-1")] }])],
      ipGroups: [ipGroup("ipg-1", [`${ip}/32`])],
    },
    expected: () => [fail(ipGroupId("ipg-1"), "medium", ip)],
  },
];

describe("rule-pinned-to-apiserver-ip", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const subject = cluster(testCase.cluster);
      const outcomes = evaluate(
        rule,
        inventory({ ...testCase.parts, clusters: [subject] }),
        {},
        {
          apiServerEndpoints: endpoints([subject, ip]),
        },
      );
      assert.deepEqual(summarize(rule, outcomes), testCase.expected(subject));
    });
  }

  const missing: [string, ClusterOverrides, readonly string[]][] = [
    [
      "private non-integrated cluster without endpoint evidence is unverified medium",
      { apiServerAccessProfile: { enablePrivateCluster: true } },
      ["unverified", "medium"],
    ],
    ["integrated cluster without endpoint evidence is unverified low", integrated, ["unverified", "low"]],
    ["public non-integrated cluster without DNS answers: nothing to check", {}, []],
  ];
  for (const [name, overrides, expected] of missing) {
    it(name, () => {
      const subject = cluster(overrides);
      const outcomes = evaluate(rule, inventory({ ...pinByNsg(ip), clusters: [subject] }));
      assert.deepEqual(outcomes.map((outcome) => [outcome.status, outcome.severity]).flat(), expected);
    });
  }

  it("an IP shared by an integrated and a non-integrated cluster is medium; other clusters pass", () => {
    const clusters = [
      cluster({ name: "aks-a", ...integrated }),
      cluster({ name: "aks-b" }),
      cluster({ name: "aks-c" }),
    ];
    const outcomes = evaluate(
      rule,
      inventory({ ...pinByNsg(ip), clusters }),
      {},
      {
        apiServerEndpoints: endpoints([clusters[0]!, ip], [clusters[1]!, ip], [clusters[2]!, "10.1.0.5"]),
      },
    );
    assert.deepEqual(summarize(rule, outcomes), [fail(nsgRuleId, "medium", ip), passOf(clusters[2]!)]);
    assert.deepEqual(outcomes[0]?.evidence?.clusterIds, [clusters[0]!.id, clusters[1]!.id]);
  });

  it("pins of one IP in several rules each name every cluster that has it, and what to write instead", () => {
    const clusters = [cluster({ name: "aks-a" }), cluster({ name: "aks-b" })];
    const parts: InventoryParts = {
      nsgs: [
        nsgWith([
          { name: "rule-1", destinationAddressPrefixes: [ip] },
          { name: "rule-2", priority: 200, destinationAddressPrefixes: ["*", `${ip}/32`] },
        ]),
      ],
      ruleCollectionGroups: [ruleCollectionGroup("rcg-1", [{ destinationAddresses: [ip] }])],
    };
    const outcomes = evaluate(
      rule,
      inventory({ ...parts, clusters }),
      {},
      { apiServerEndpoints: endpoints([clusters[0]!, ip], [clusters[1]!, ip]) },
    );
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.detail, outcome.evidence?.entries]),
      [
        [ip, [ip]],
        [ip, [`${ip}/32`]],
        [`collection-1/rule-1@${ip}`, [ip]],
      ],
    );
    for (const outcome of outcomes) {
      assert.deepEqual(outcome.evidence?.clusterIds, [clusters[0]!.id, clusters[1]!.id]);
      assert.deepEqual(outcome.evidence.recommendation, [
        "the API server FQDN aks-a-dns.hcp.westeurope.azmk8s.io",
        "the API server FQDN aks-b-dns.hcp.westeurope.azmk8s.io",
      ]);
      assert.match(outcome.message, /cluster aks-a, aks-b/);
    }
    assert.notEqual(outcomes[0]!.evidence?.recommendation, outcomes[1]!.evidence?.recommendation);
  });

  it("recommends the API server subnet CIDR of an integrated cluster with its own subnet", () => {
    const subnet = apiServerSubnet({ addressPrefixes: ["10.0.255.0/28"] });
    const subject = cluster({
      ...integrated,
      apiServerAccessProfile: { enableVnetIntegration: true, subnetId: subnetId("vnet-1", "apiserver") },
    });
    const [outcome] = evaluate(
      rule,
      inventory({ ...pinByNsg(ip), clusters: [subject], vnets: [vnet({ subnets: [subnet] })] }),
      {},
      {
        apiServerEndpoints: endpoints([subject, ip]),
      },
    );
    assert.deepEqual(outcome?.evidence?.recommendation, ["the API server subnet CIDR 10.0.255.0/28"]);
    assert.deepEqual(outcome.evidence.knownAs, [
      {
        clusterId: subject.id,
        evidence: "kube-apiserver-frontend",
        lastSeen: "2026-11-26T00:00:00.000Z",
        source: "frontend",
      },
    ]);
  });

  it("scale: 100,000 NSG rule entries against 10,000 clusters' IPs", () => {
    const clusterCount = 10_000;
    const clusters = Array.from({ length: clusterCount }, (_, index) => cluster({ name: `aks-${index}` }));
    const ipOf = (index: number) => `10.${Math.floor(index / 256) % 256}.${index % 256}.4`;
    const map = new Map(
      clusters.map((owner, index) => [
        owner.key,
        [{ ip: ipOf(index), evidence: "dns" as const, source: "fqdn" }],
      ]),
    );
    // 50,000 rules of 2 entries: every 10th rule pins the IP of cluster (rule / 10) in /32 form; the rest use
    // prefixes, tags and unrelated hosts, which must all miss.
    const rulesPerNsg = 500;
    const nsgs = Array.from({ length: 100 }, (_, group) =>
      nsg({
        name: `nsg-${group}`,
        securityRules: Array.from({ length: rulesPerNsg }, (_, offset) => {
          const index = group * rulesPerNsg + offset;
          const first = index % 10 === 0 ? `${ipOf(index / 10)}/32` : `10.${index % 256}.0.0/16`;
          return {
            name: `r-${index}`,
            destinationAddressPrefixes: [first, index % 2 === 0 ? "VirtualNetwork" : "192.168.1.1"],
          };
        }),
      }),
    );
    const context = inventory({ clusters, nsgs });
    const started = performance.now();
    const outcomes = evaluate(rule, context, {}, { apiServerEndpoints: map });
    const elapsed = performance.now() - started;
    const fails = outcomes.filter((outcome) => outcome.status === "fail").length;
    const passes = outcomes.filter((outcome) => outcome.status === "pass").length;
    assert.equal(fails, 5_000);
    assert.equal(passes, clusterCount - 5_000);
    assert.equal(outcomes.length, clusterCount);
    console.log(`# scale: ${outcomes.length} results in ${elapsed.toFixed(0)} ms`);
  });

  it("a base policy's rules apply to the firewall of a child policy: the finding names that firewall", () => {
    const subject = cluster();
    const group = ruleCollectionGroup("rcg-1", [{ destinationAddresses: [ip] }]);
    const basePolicy = firewallPolicy("policy-1", { ruleCollectionGroupIds: [group.id] });
    const childPolicy = firewallPolicy("policy-child", {
      basePolicyId: basePolicy.id,
      firewallIds: [azureFirewall("fw-hub").id],
    });
    const outcomes = evaluate(
      rule,
      inventory({
        clusters: [subject],
        ruleCollectionGroups: [group],
        firewallPolicies: [basePolicy, childPolicy],
      }),
      {},
      { apiServerEndpoints: endpoints([subject, ip]) },
    );
    const [outcome] = outcomes;
    assert.ok(outcome !== undefined);
    assert.equal(outcome.status, "fail");
    assert.deepEqual(outcome.evidence?.enforcedBy, [azureFirewall("fw-hub").id]);
    assert.match(outcome.message, /enforced by firewall fw-hub/);
  });

  it("a group its policy lists but nobody could read is unverified, and so is every cluster pass in its tenant", () => {
    const subject = cluster();
    const group = ruleCollectionGroup("rcg-unread");
    const unread = {
      id: group.id,
      key: group.key,
      firewallPolicyId: group.firewallPolicyId,
      tenantId: testTenantId,
    };
    const outcomes = evaluate(
      rule,
      inventory({ clusters: [subject], overrides: { unreadRuleCollectionGroups: [unread] } }),
      {},
      { apiServerEndpoints: endpoints([subject, ip]) },
    );
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.status, outcome.subject.id]),
      [
        ["unverified", group.id],
        ["unverified", subject.id],
      ],
    );
    for (const outcome of outcomes) assert.ok(outcome.message.includes(group.id), outcome.message);
  });
});
