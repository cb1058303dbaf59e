// Evidence for humans: labels from keys, absent values left out, ARM ids shortened, lists of objects as tables.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { armName, evidenceView, labelOf } from "../../src/report/evidence-view.ts";

const subnetId =
  "/subscriptions/aaaaaaaa-0000-4000-8000-00000000a1b2/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-a";

describe("labelOf", () => {
  const cases: [key: string, label: string][] = [
    ["apiServerSubnetId", "API server subnet ID"],
    ["ipv4Prefixes", "IPv4 prefixes"],
    ["nsgName", "NSG name"],
    ["enableVnetIntegration", "Enable VNet integration"],
    ["clusterIds", "Cluster IDs"],
    ["free", "Free"],
    ["reserved_for_clusters", "Reserved for clusters"],
  ];
  for (const [key, label] of cases)
    it(`${key} → ${label}`, () => {
      assert.equal(labelOf(key), label);
    });

  // Labels are kept per key; a label asked for inside a sentence must not come back at its start, or the reverse.
  const inner: [key: string, sentenceStart: string, inner: string][] = [
    ["usedRatio", "Used ratio", "used ratio"],
    ["nsgRules", "NSG rules", "NSG rules"],
    ["ipv6Prefixes", "IPv6 prefixes", "IPv6 prefixes"],
  ];
  for (const [key, start, within] of inner)
    it(`${key} → ${start} at a sentence's start and ${within} inside, asked either way first`, () => {
      assert.equal(labelOf(key, false), within);
      assert.equal(labelOf(key), start);
      assert.equal(labelOf(key, false), within);
      assert.equal(labelOf(key), start);
    });
});

describe("evidenceView", () => {
  it("leaves out null, empty text, empty lists and objects of nothing", () => {
    const view = evidenceView({ a: null, b: "", c: [], d: { e: null }, f: [null, ""], g: 0 });
    assert.deepEqual(
      view.lines.map((line) => line.label),
      ["G"],
    );
    assert.equal(view.count, 1);
  });

  it("shortens ARM ids to their name and keeps the whole id", () => {
    const [line] = evidenceView({ subnetId }).lines;
    assert.deepEqual(line?.values, [{ text: "snet-a", full: subnetId }]);
    assert.equal(armName(subnetId), "snet-a");
  });

  const names: [id: string, name: string][] = [
    ["", ""],
    ["/", "/"],
    ["///", "///"],
    ["snet-a", "snet-a"],
    ["/a/b/", "b"],
    ["a//", "a"],
    ["//a//b//", "b"],
  ];
  for (const [id, name] of names) {
    it(`names ${JSON.stringify(id)} ${JSON.stringify(name)}`, () => {
      assert.equal(armName(id), name);
    });
  }

  it("names any id as its last non-empty segment, or the id itself when it has none (property)", () => {
    const ids = fc
      .array(fc.constantFrom("/", "a", "b", "é", " "), { maxLength: 10 })
      .map((units) => units.join(""));
    fc.assert(
      fc.property(ids, (id) => {
        assert.equal(armName(id), id.split("/").filter(Boolean).at(-1) ?? id);
      }),
      { numRuns: 1000 },
    );
  });

  it("writes booleans as yes/no, lists comma-separated and cut, nested objects as labelled lines", () => {
    const many = Array.from({ length: 12 }, (_, index) => `10.0.${String(index)}.0/24`);
    const view = evidenceView({ delegated: false, prefixes: many, plan: { apiServerSubnet: "10.0.8.0/28" } });
    assert.deepEqual(
      view.lines.map((line) => [line.label, line.values.map((value) => value.text).join(", ")]),
      [
        ["Delegated", "no"],
        ["Prefixes", [...many.slice(0, 10), "and 2 more"].join(", ")],
        ["Plan API server subnet", "10.0.8.0/28"],
      ],
    );
  });

  it("turns a list of objects into a small table of the columns that have values", () => {
    const pools = Array.from({ length: 12 }, (_, index) => ({
      name: `pool${String(index)}`,
      count: index,
      maxSurge: null,
    }));
    const [table] = evidenceView({ pools }).tables;
    assert.deepEqual(table?.columns, ["Name", "Count"]);
    assert.equal(table.rows.length, 10);
    assert.equal(table.moreLabel, "2 more in findings.json");
  });

  it("skips the keys shown elsewhere", () => {
    assert.equal(
      evidenceView({ conversionPlan: { commands: ["az"] } }, new Set(["conversionPlan"])).count,
      0,
    );
  });
});
