import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/rule-pinned-to-old-apiserver-ip.ts";
import type { Config } from "../../src/config/config.ts";
import type { Observations } from "../../src/history/observations.ts";
import type { Cluster, FirewallRule, ResourceChange, SecurityRule } from "../../src/inventory/model.ts";
import type { ApiServerEndpoint } from "../../src/rules/define.ts";
import {
  azureFirewall,
  cluster,
  evaluate,
  inventory,
  ipGroup,
  ipGroupId,
  nsg,
  resourceChange,
  ruleCollectionGroup,
  summarize,
  testSubscriptionId,
} from "../builders.ts";
import type { InventoryParts, OutcomeSummary } from "../builders.ts";

const currentIp = "10.1.0.4";
const oldIp = "10.1.0.9";
const nodeGroupId = `/subscriptions/${testSubscriptionId}/resourceGroups/mc_rg`;
const apiServerLbId = `${nodeGroupId}/providers/Microsoft.Network/loadBalancers/kube-apiserver`;

function aks(name = "aks-1", overrides: Parameters<typeof cluster>[0] = {}): Cluster {
  return cluster({ name, nodeResourceGroup: `mc_${name}`, ...overrides });
}

function endpoints(...pairs: (readonly [Cluster, string])[]): Map<string, ApiServerEndpoint[]> {
  const map = new Map<string, ApiServerEndpoint[]>();
  for (const [owner, ip] of pairs)
    map.set(owner.key, [
      ...(map.get(owner.key) ?? []),
      { ip, evidence: "private-endpoint-nic", source: "nic" },
    ]);
  return map;
}

function history(...pairs: (readonly [Cluster, string])[]): Observations {
  const clusters: Record<string, Observations["clusters"][string]> = {};
  for (const [owner, ip] of pairs) {
    const seen = {
      ip,
      evidence: "private-endpoint-nic" as const,
      firstSeen: "2026-10-01T00:00:00Z",
      lastSeen: "2026-11-01T00:00:00Z",
    };
    clusters[owner.key] = {
      clusterId: owner.id,
      samples: [],
      apiServerIps: [...(clusters[owner.key]?.apiServerIps ?? []), seen],
    };
  }
  return { schemaVersion: 1, clusters };
}

const nsgWith = (rules: Partial<SecurityRule>[]) => nsg({ securityRules: rules });
const nsgRuleId = (name = "rule-1") => `${nsg().id}/securityRules/${name}`;
const pinByNsg = (entry: string): InventoryParts => ({
  nsgs: [nsgWith([{ destinationAddressPrefixes: [entry] }])],
});
const pinByFirewall = (overrides: Partial<FirewallRule>): InventoryParts => ({
  azureFirewalls: [azureFirewall("fw-1", [overrides])],
});

const subject = aks("aks-1", { nodeResourceGroup: "mc_rg" });
const fail = (id: string, detail: string): OutcomeSummary => ({
  id,
  status: "fail",
  severity: "high",
  detail,
});
const pass: OutcomeSummary = { id: subject.id, status: "pass", severity: undefined, detail: undefined };

type OldSource = "history" | "config" | "change" | "none";

function oldSourceContext(source: OldSource): {
  config: Partial<Config>;
  observations?: Observations;
  changes: ResourceChange[];
} {
  const change = resourceChange(apiServerLbId, "2026-11-20T10:00:00Z", {
    "properties.frontendIPConfigurations[0].properties.privateIPAddress": [oldIp, currentIp],
  });
  return {
    config: source === "config" ? { knownApiServerIps: { [subject.id.toUpperCase()]: [oldIp] } } : {},
    ...(source === "history" ? { observations: history([subject, oldIp]) } : {}),
    changes: source === "change" ? [change] : [],
  };
}

interface Case {
  readonly name: string;
  readonly parts: InventoryParts;
  readonly source: OldSource;
  readonly expected: readonly OutcomeSummary[];
}

const firewallId = azureFirewall().id;
const rcgId = ruleCollectionGroup().id;

const cases: Case[] = [
  {
    name: "NSG rule with the exact old IP (history)",
    parts: pinByNsg(oldIp),
    source: "history",
    expected: [fail(nsgRuleId(), oldIp)],
  },
  {
    name: "NSG rule with the /32 of the old IP (config, key in other casing)",
    parts: pinByNsg(`${oldIp}/32`),
    source: "config",
    expected: [fail(nsgRuleId(), oldIp)],
  },
  {
    name: "a /24 holding the old IP pins nothing",
    parts: pinByNsg("10.1.0.0/24"),
    source: "history",
    expected: [pass],
  },
  { name: "a service tag pins nothing", parts: pinByNsg("AzureCloud"), source: "history", expected: [pass] },
  {
    name: "default NSG rules are not checked",
    parts: { nsgs: [nsgWith([{ isDefault: true, destinationAddressPrefixes: [oldIp] }])] },
    source: "history",
    expected: [pass],
  },
  {
    name: "classic firewall network rule (change record on the kube-apiserver load balancer)",
    parts: pinByFirewall({ destinationAddresses: [oldIp] }),
    source: "change",
    expected: [fail(firewallId, `collection-1/rule-1@${oldIp}`)],
  },
  {
    name: "classic firewall NAT rule",
    parts: pinByFirewall({
      kind: "nat",
      collectionName: "dnat",
      name: "to-api",
      destinationAddresses: [oldIp],
    }),
    source: "history",
    expected: [fail(firewallId, `dnat/to-api@${oldIp}`)],
  },
  {
    name: "application rules are not checked",
    parts: pinByFirewall({ kind: "application", destinationAddresses: [oldIp] }),
    source: "history",
    expected: [pass],
  },
  {
    name: "Firewall Policy rule",
    parts: {
      ruleCollectionGroups: [ruleCollectionGroup("rcg-1", [{ destinationAddresses: [`${oldIp}/32`] }])],
    },
    source: "config",
    expected: [fail(rcgId, `collection-1/rule-1@${oldIp}`)],
  },
  {
    name: "IP group reached through destinationIpGroups",
    parts: {
      ...pinByFirewall({ destinationIpGroupIds: [ipGroupId("ipg-api")] }),
      ipGroups: [ipGroup("ipg-api", ["10.9.0.0/16", oldIp])],
    },
    source: "change",
    expected: [fail(ipGroupId("ipg-api"), oldIp)],
  },
  {
    name: "an IP group no rule references is not checked",
    parts: { ipGroups: [ipGroup("ipg-api", [oldIp])] },
    source: "history",
    expected: [pass],
  },
  { name: "no old IP known: nothing to check", parts: pinByNsg(oldIp), source: "none", expected: [] },
];

describe("rule-pinned-to-old-apiserver-ip", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const { config, observations, changes } = oldSourceContext(testCase.source);
      const parts = { ...testCase.parts, clusters: [subject], overrides: { resourceChanges: changes } };
      const outcomes = evaluate(rule, inventory(parts), config, {
        apiServerEndpoints: endpoints([subject, currentIp]),
        ...(observations === undefined ? {} : { observations }),
      });
      assert.deepEqual(summarize(rule, outcomes), testCase.expected);
    });
  }

  it("an IP the cluster has now is never old, whatever history, config or change records say", () => {
    const change = resourceChange(subject.id, "2026-11-20T10:00:00Z", {
      "properties.privateIPAddress": [currentIp, oldIp],
    });
    const parts = {
      ...pinByNsg(`${currentIp}/32`),
      clusters: [subject],
      overrides: { resourceChanges: [change] },
    };
    const outcomes = evaluate(
      rule,
      inventory(parts),
      { knownApiServerIps: { [subject.id]: [currentIp] } },
      {
        apiServerEndpoints: endpoints([subject, currentIp]),
        observations: history([subject, currentIp]),
      },
    );
    assert.deepEqual(summarize(rule, outcomes), []);
  });

  it("change records on other resources or other properties are ignored", () => {
    const otherGroupLb = apiServerLbId.replace("/mc_rg/", "/rg-net/");
    const changes = [
      resourceChange(otherGroupLb, "2026-11-20T10:00:00Z", {
        "properties.frontendIPConfigurations[0].properties.privateIPAddress": [oldIp, currentIp],
      }),
      resourceChange(apiServerLbId, "2026-11-20T10:00:00Z", {
        "properties.frontendIPConfigurations[0].name": [oldIp, "x"],
      }),
    ];
    const parts = { ...pinByNsg(oldIp), clusters: [subject], overrides: { resourceChanges: changes } };
    assert.deepEqual(
      evaluate(rule, inventory(parts), {}, { apiServerEndpoints: endpoints([subject, currentIp]) }),
      [],
    );
  });

  it("several clusters: one fail per (rule, IP), a pass for the cluster nothing pins", () => {
    const clusters = [aks("aks-a"), aks("aks-b"), aks("aks-c")];
    const parts = {
      clusters,
      nsgs: [
        nsgWith([
          { name: "pin-both", destinationAddressPrefixes: ["10.2.0.1", "10.2.0.2/32", "10.2.0.1/32"] },
        ]),
      ],
    };
    const outcomes = evaluate(
      rule,
      inventory(parts),
      {},
      {
        observations: history(
          [clusters[0]!, "10.2.0.1"],
          [clusters[1]!, "10.2.0.2"],
          [clusters[2]!, "10.2.0.3"],
        ),
      },
    );
    assert.deepEqual(summarize(rule, outcomes), [
      fail(nsgRuleId("pin-both"), "10.2.0.1"),
      fail(nsgRuleId("pin-both"), "10.2.0.2"),
      { id: clusters[2]!.id, status: "pass", severity: undefined, detail: undefined },
    ]);
    assert.deepEqual(outcomes[0]?.evidence?.entries, ["10.2.0.1", "10.2.0.1/32"]);
  });

  it("evidence names the cluster, the IP, how it is known and when last seen; IP groups name their rules", () => {
    const parts = {
      ...pinByFirewall({ name: "allow-api", destinationIpGroupIds: [ipGroupId("ipg-api").toUpperCase()] }),
      ipGroups: [ipGroup("ipg-api", [`${oldIp}/32`])],
      clusters: [subject],
    };
    const [outcome] = evaluate(rule, inventory(parts), {}, { observations: history([subject, oldIp]) });
    assert.deepEqual(outcome?.evidence, {
      clusterIds: [subject.id],
      ip: oldIp,
      entries: [`${oldIp}/32`],
      knownAs: [
        {
          clusterId: subject.id,
          evidence: "history:private-endpoint-nic",
          lastSeen: "2026-11-01T00:00:00Z",
          source: undefined,
        },
      ],
      referencedBy: ["firewall rule fw-1 collection-1/allow-api"],
      recommendation: ["the API server FQDN aks-1-dns.hcp.westeurope.azmk8s.io"],
    });
    assert.match(outcome.message, /IP group ipg-api.*aks-1/);
  });
});
