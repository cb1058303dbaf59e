// Duplicate ids by recency: which copy is kept, and what the diagnostic says.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { newerCopy, type Recency } from "../../src/inventory/duplicates.ts";
import type { RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const none: Recency = { lastModifiedAt: undefined, provisioningState: undefined };
const at = (lastModifiedAt: string, provisioningState?: string): Recency => ({
  lastModifiedAt,
  provisioningState,
});
const state = (provisioningState: string): Recency => ({ lastModifiedAt: undefined, provisioningState });

describe("newerCopy", () => {
  const cases: { name: string; kept: Recency; candidate: Recency; replace: boolean; reason: RegExp }[] = [
    {
      name: "later lastModifiedAt wins",
      kept: at("2025-01-01T00:00:00Z"),
      candidate: at("2025-02-01T00:00:00Z"),
      replace: true,
      reason: /newer systemData.lastModifiedAt 2025-02-01/,
    },
    {
      name: "earlier lastModifiedAt loses",
      kept: at("2025-02-01T00:00:00Z"),
      candidate: at("2025-01-01T00:00:00Z"),
      replace: false,
      reason: /newer systemData.lastModifiedAt 2025-02-01/,
    },
    {
      name: "timestamps beat provisioning state",
      kept: at("2025-02-01T00:00:00Z", "Succeeded"),
      candidate: at("2025-01-01T00:00:00Z", "Succeeded"),
      replace: false,
      reason: /lastModifiedAt/,
    },
    {
      name: "the newer timestamp wins even while Updating",
      kept: at("2025-01-01T00:00:00Z", "Succeeded"),
      candidate: at("2025-03-01T00:00:00Z", "Updating"),
      replace: true,
      reason: /lastModifiedAt 2025-03-01/,
    },
    {
      name: "equal timestamps fall to the state: settled over Updating",
      kept: at("2025-01-01T00:00:00Z", "Succeeded"),
      candidate: at("2025-01-01T00:00:00Z", "Updating"),
      replace: false,
      reason: /Succeeded is settled, Updating was still running/,
    },
    {
      name: "one timestamp only: the state decides",
      kept: at("2025-01-01T00:00:00Z", "Creating"),
      candidate: state("Succeeded"),
      replace: true,
      reason: /Succeeded is settled, Creating/,
    },
    {
      name: "Failed is settled too",
      kept: state("Failed"),
      candidate: state("Updating"),
      replace: false,
      reason: /Failed is settled/,
    },
    {
      name: "two settled copies: the later row",
      kept: state("Succeeded"),
      candidate: state("Failed"),
      replace: true,
      reason: /later row/,
    },
    {
      name: "nothing to compare: the later row",
      kept: none,
      candidate: none,
      replace: true,
      reason: /later row/,
    },
  ];
  for (const { name, kept, candidate, replace, reason } of cases) {
    test(name, () => {
      const verdict = newerCopy(kept, candidate);
      assert.equal(verdict.replace, replace);
      assert.match(verdict.reason, reason);
    });
  }
});

const vnetId =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a";

function vnetRow(prefix: string, lastModifiedAt?: string): unknown {
  return {
    id: vnetId,
    type: "microsoft.network/virtualnetworks",
    ...(lastModifiedAt === undefined ? {} : { systemData: { lastModifiedAt } }),
    properties: {
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [{ name: "nodes", properties: { addressPrefix: prefix } }],
    },
  };
}

function rows(...values: unknown[]): RawRow[] {
  return values.map((value, row) => ({
    table: "resources",
    value,
    source: { origin: "snapshot.json", row },
  }));
}

describe("duplicates in the normalizer", () => {
  test("the newer copy replaces the older one whole, its subnets included", () => {
    const inventory = normalize(
      rows(vnetRow("10.0.1.0/24", "2025-05-02T00:00:00Z"), vnetRow("10.0.2.0/24", "2025-05-01T00:00:00Z")),
    );
    assert.deepEqual(
      [...inventory.subnets.values()].map((subnet) => subnet.addressPrefixes),
      [["10.0.1.0/24"]],
    );
    const reversed = normalize(
      rows(vnetRow("10.0.2.0/24", "2025-05-01T00:00:00Z"), vnetRow("10.0.1.0/24", "2025-05-02T00:00:00Z")),
    );
    assert.deepEqual(
      [...reversed.subnets.values()].map((subnet) => subnet.addressPrefixes),
      [["10.0.1.0/24"]],
    );
    assert.equal(reversed.virtualNetworks.get(vnetId.toLowerCase())?.subnets.length, 1);
    const [diagnostic] = reversed.diagnostics;
    assert.equal(diagnostic?.code, "duplicate-id");
    assert.match(
      diagnostic.message,
      /kept the copy in snapshot.json row 1 \(newer systemData.lastModifiedAt 2025-05-02T00:00:00Z\), dropped the one in snapshot.json row 0/,
    );
  });

  test("an id that is not an ARM resource path is its own diagnostic, not a duplicate", () => {
    const bad = { id: "vnet-a", type: "microsoft.network/virtualnetworks", properties: {} };
    const inventory = normalize(rows(bad, bad));
    assert.equal(inventory.virtualNetworks.size, 0);
    assert.deepEqual(
      inventory.diagnostics.map((diagnostic) => [diagnostic.level, diagnostic.code]),
      [
        ["error", "malformed-id"],
        ["error", "malformed-id"],
      ],
    );
    assert.match(inventory.diagnostics[0]?.message ?? "", /is not an ARM resource path/);
  });
});
