// NSG rows between threads: told from their first bytes, and written to text and back without a change.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { createNormalizer } from "../../src/inventory/normalize.ts";
import { decodeNsgBatch, encodeNsgBatch, isNsgRowText } from "../../src/inventory/nsg-rows.ts";
import { SharedLists } from "../../src/inventory/compact.ts";
import type { NetworkSecurityGroup } from "../../src/inventory/model.ts";
import { leaveHeadBytes } from "../../src/collect/json-stream.ts";
import { resourceGraphRow } from "./resource-graph-rows.ts";

// Microsoft's NSG GET example (one custom rule, the six defaults) as Resource Graph lists it.
const example = JSON.parse(
  readFileSync(
    new URL("../../../shared/fixtures/arm-examples/net-NetworkSecurityGroupGet.json", import.meta.url),
    "utf8",
  ),
) as { responses: { "200": { body: Record<string, unknown> } } };
const nsgRow = resourceGraphRow(example.responses["200"].body, "tenant-a");

const head = (text: string): Buffer => Buffer.from(text).subarray(0, leaveHeadBytes);

describe("isNsgRowText", () => {
  const cases: [string, string, boolean][] = [
    ["the example as Resource Graph lists it", JSON.stringify(nsgRow), true],
    ["the same, indented as `az graph query` prints it", JSON.stringify(nsgRow, null, 2), true],
    [
      "the example as ARM returns it (type not lower-cased)",
      JSON.stringify(example.responses["200"].body),
      false,
    ],
    [
      "an NSG's rule as a row of its own",
      JSON.stringify({ ...nsgRow, type: "microsoft.network/networksecuritygroups/securityrules" }),
      false,
    ],
    [
      "the type after the first bytes (nested, or another writer's order)",
      JSON.stringify({ id: nsgRow.id, pad: "x".repeat(leaveHeadBytes), type: nsgRow.type }),
      false,
    ],
    ["a VNet row", JSON.stringify({ ...nsgRow, type: "microsoft.network/virtualnetworks" }), false],
  ];
  for (const [name, text, expected] of cases)
    it(`${name}: ${String(expected)}`, () => {
      assert.equal(isNsgRowText(head(text)), expected);
    });
});

function readGroups(rows: readonly unknown[]): {
  groups: NetworkSecurityGroup[];
  normalizer: ReturnType<typeof createNormalizer>;
} {
  const normalizer = createNormalizer();
  rows.forEach((value, row) => {
    normalizer.add({ table: "resources", value, source: { origin: "test.json", row } });
  });
  return { groups: [...normalizer.split.builder.networkSecurityGroups.values()], normalizer };
}

describe("encodeNsgBatch and decodeNsgBatch", () => {
  const trimmed = structuredClone(nsgRow) as { properties: Record<string, unknown> };
  // Without defaultSecurityRules the normalizer synthesizes them; those must cross too.
  delete trimmed.properties.defaultSecurityRules;
  const tagged = {
    ...resourceGraphRow(example.responses["200"].body, "tenant-b"),
    tags: { ["__proto__"]: "x", env: "prod" },
  };
  const renamed = JSON.parse(JSON.stringify(tagged).replaceAll("testnsg", "Test-NSG-2")) as unknown;
  const cases: [string, unknown[]][] = [
    ["Microsoft's example", [nsgRow]],
    ["defaults left out (synthesized)", [trimmed]],
    ["tags with __proto__, ids in another casing, two NSGs", [nsgRow, renamed]],
  ];
  for (const [name, rows] of cases)
    it(`gives back what the normalizer read: ${name}`, () => {
      const { groups, normalizer } = readGroups(rows);
      assert.equal(groups.length, rows.length);
      const batch = encodeNsgBatch(groups, normalizer.split.builder.seen);
      assert.ok(batch !== undefined);
      const lists = new SharedLists();
      // As it crosses to the main thread: a structured clone, the numbers' buffer transferred.
      const crossed = structuredClone(batch, { transfer: [batch.rules.buffer] });
      const decoded = [...decodeNsgBatch(crossed, lists)];
      assert.deepEqual(
        decoded.map((entry) => entry.group),
        groups,
      );
      assert.deepEqual(
        decoded.map((entry) => entry.seen),
        groups.map((group) => normalizer.split.builder.seen.get(group.key)),
      );
      // Key order kept: securityRules where the normalizer put it.
      assert.deepEqual(
        decoded.map((entry) => Object.keys(entry.group)),
        groups.map((group) => Object.keys(group)),
      );
      // One-item lists are the receiving thread's shared ones, as its own normalizer would share them.
      const rule = decoded[0]!.group.securityRules[0]!;
      assert.equal(rule.sourcePortRanges, lists.list(["*"]));
    });

  it("refuses a priority that is not a 32-bit integer (the batch holds it as one)", () => {
    const odd = structuredClone(nsgRow) as {
      properties: { securityRules: { properties: { priority: number } }[] };
    };
    odd.properties.securityRules[0]!.properties.priority = 130.5;
    const { groups, normalizer } = readGroups([odd]);
    assert.equal(groups[0]?.securityRules[0]?.priority, 130.5);
    assert.equal(encodeNsgBatch(groups, normalizer.split.builder.seen), undefined);
  });
});
