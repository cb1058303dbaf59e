// The bench fleet is the same for the same seed, different for another, and keeps the asked proportions.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fleetTables, generateFleet, rowCount } from "../../bench/fleet.ts";
import { firewallRulesPerCluster, nsgRulesPerCluster, subnetsPerCluster } from "../../bench/subscription.ts";

const clusters = 40;
const fleet = generateFleet({ seed: 7, clusters });
const tables = fleetTables(fleet);
const ofType = (type: string): unknown[] =>
  [...tables.resources, ...tables.networkresources].filter((row) => row.type === type);

/** The value at `path` below `value`, or undefined. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined,
    value,
  );
}
const length = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

describe("generateFleet", () => {
  it("gives the same rows for the same seed and size", () => {
    assert.deepEqual(
      JSON.stringify(fleetTables(generateFleet({ seed: 7, clusters }))),
      JSON.stringify(tables),
    );
  });

  it("gives other rows for another seed", () => {
    assert.notEqual(
      JSON.stringify(fleetTables(generateFleet({ seed: 8, clusters }))),
      JSON.stringify(tables),
    );
  });

  it("spreads the clusters over four tenants with their own subscriptions", () => {
    assert.equal(fleet.tenants.length, 4);
    assert.equal(new Set(fleet.tenants.map((tenant) => tenant.tenantId)).size, 4);
    assert.equal(ofType("microsoft.containerservice/managedclusters").length, clusters);
    assert.ok(rowCount(fleet) > clusters * 3);
  });

  const proportions: [string, (row: unknown) => number, number][] = [
    ["subnets", (row) => length(at(row, "properties", "subnets")), subnetsPerCluster],
    [
      "NSG rules",
      (row) =>
        length(at(row, "properties", "securityRules")) +
        length(at(row, "properties", "defaultSecurityRules")),
      nsgRulesPerCluster,
    ],
    [
      "firewall rules",
      (row) => length(at(row, "properties", "ruleCollections", 0, "rules")),
      firewallRulesPerCluster,
    ],
  ];
  const sourceType: Record<string, string> = {
    subnets: "microsoft.network/virtualnetworks",
    "NSG rules": "microsoft.network/networksecuritygroups",
    "firewall rules": "microsoft.network/firewallpolicies/rulecollectiongroups",
  };
  for (const [name, count, perCluster] of proportions) {
    it(`has ${perCluster} ${name} per cluster`, () => {
      const total = ofType(sourceType[name]!).reduce((sum: number, row) => sum + count(row), 0);
      assert.equal(total, perCluster * clusters);
    });
  }

  it("mixes integrated, private and public clusters, CNI modes and autoscaling", () => {
    const rows = ofType("microsoft.containerservice/managedclusters");
    const seen = (...path: (string | number)[]): Set<unknown> =>
      new Set(rows.map((row) => at(row, "properties", ...path)));
    assert.ok(seen("apiServerAccessProfile", "enableVnetIntegration").has(true));
    assert.ok(seen("apiServerAccessProfile", "enablePrivateCluster").has(true));
    assert.ok(seen("apiServerAccessProfile", "enablePrivateCluster").has(false));
    assert.ok(seen("networkProfile", "networkPluginMode").has("overlay"));
    assert.deepEqual(seen("networkProfile", "networkPlugin"), new Set(["azure", "kubenet"]));
    assert.deepEqual(seen("agentPoolProfiles", 0, "enableAutoScaling"), new Set([true, false]));
  });
});
