// Cluster rows: mode and pricing tier (`sku.name` says Automatic or Base, `sku.tier` Free, Standard or Premium), and agent pools.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { sharedText } from "../../src/inventory/cluster.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const premium = JSON.parse(
  readFileSync(new URL("../fixtures/arm/aks-ManagedClustersCreate_Premium.json", import.meta.url), "utf8"),
) as { responses: { "200": { body: Record<string, unknown> } } };
const premiumBody = premium.responses["200"].body;

function readCluster(row: Record<string, unknown>) {
  const inventory = normalize([{ table: "resources", value: row, source: { origin: "test", row: 0 } }]);
  const [cluster] = inventory.clusters.values();
  assert.ok(cluster, "the row reads as a cluster");
  return cluster;
}

describe("cluster sku", () => {
  const cases: [name: string, sku: unknown, mode: string, tier: string | undefined][] = [
    ["the REST example (Base, Premium)", premiumBody.sku, "Base", "Premium"],
    ["AKS Automatic on the Standard tier", { name: "Automatic", tier: "Standard" }, "Automatic", "Standard"],
    ["the legacy Basic name on the Free tier", { name: "Basic", tier: "Free" }, "Base", "Free"],
    ["lower-case automatic", { name: "automatic" }, "Automatic", undefined],
    ["no sku at all", undefined, "Base", undefined],
  ];
  for (const [name, sku, mode, tier] of cases) {
    it(`reads ${name} as mode ${mode}, tier ${tier ?? "none"}`, () => {
      const cluster = readCluster({ ...premiumBody, sku });
      assert.equal(cluster.sku, mode);
      assert.equal(cluster.tier, tier);
    });
  }
});

describe("agent pools of one cluster share repeated text", () => {
  const subnet =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes";
  const profiles = [
    { name: "system", count: 3, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: subnet },
    { name: "user", count: 2, vmSize: "Standard_D4s_v5", mode: "User", vnetSubnetID: subnet },
    {
      name: "asg",
      count: 1,
      vmSize: "Standard_D8s_v5",
      vnetSubnetID: subnet.toUpperCase(),
      upgradeSettings: { maxSurge: "33%" },
      networkProfile: { applicationSecurityGroups: ["asg-1"] },
    },
  ];
  const expected = [
    ["system", "Standard_D4s_v5", "System", subnet, undefined, []],
    ["user", "Standard_D4s_v5", "User", subnet, undefined, []],
    ["asg", "Standard_D8s_v5", undefined, subnet.toUpperCase(), "33%", ["asg-1"]],
  ];

  it("reads every pool as written (casing kept), as without sharing", () => {
    const cluster = readCluster({
      ...premiumBody,
      properties: { ...(premiumBody.properties as object), agentPoolProfiles: profiles },
    });
    assert.deepEqual(
      cluster.agentPools.map((pool) => [
        pool.name,
        pool.vmSize,
        pool.mode,
        pool.vnetSubnetId,
        pool.maxSurge,
        pool.applicationSecurityGroupIds,
      ]),
      expected,
    );
    const [system, user] = cluster.agentPools;
    // Pools without ASGs share one empty list, which must not take an element for one pool and give it to all.
    assert.equal(system?.applicationSecurityGroupIds, user?.applicationSecurityGroupIds);
    assert.throws(() => (system?.applicationSecurityGroupIds as string[]).push("asg-2"), TypeError);
    assert.deepEqual(user?.applicationSecurityGroupIds, []);
  });

  it("sharedText gives back the text it is given, the first copy of equal texts, and undefined for none", () => {
    const shared = sharedText();
    const first = ["a", "b"].join("/");
    const second = ["a", "b"].join("/");
    assert.equal(shared(first), "a/b");
    assert.equal(shared(second), "a/b");
    assert.equal(shared(undefined), undefined);
    assert.equal(shared("A/B"), "A/B");
  });
});
