// Cluster mode and pricing tier: `sku.name` says Automatic or Base, `sku.tier` says Free, Standard or Premium.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
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
