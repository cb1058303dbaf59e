// Security rules are kept in their NSGs' lists: one key is still one rule fleet-wide (the first read wins, the
// rest are reported), and the index walks, counts and finds them in the order they were read.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const nsgId = (name: string): string =>
  `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/${name}`;
const ruleId = (nsg: string, rule: string, list = "securityRules"): string => `${nsgId(nsg)}/${list}/${rule}`;

const properties = { priority: 100, direction: "Inbound", access: "Deny", protocol: "*" };
/** One default rule given, so that the six Azure defaults are not synthesized into every case's expectation. */
const defaults = (nsg: string) => [
  { name: "DenyAllInBound", id: ruleId(nsg, "DenyAllInBound", "defaultSecurityRules"), properties },
];

type RuleSpec = { readonly name: string; readonly id?: string };

function nsgRow(name: string, rules: readonly RuleSpec[], lastModifiedAt?: string): unknown {
  return {
    id: nsgId(name),
    type: "Microsoft.Network/networkSecurityGroups",
    ...(lastModifiedAt ? { systemData: { lastModifiedAt } } : {}),
    properties: {
      securityRules: rules.map((rule) => ({ ...rule, properties })),
      defaultSecurityRules: defaults(name),
    },
  };
}

function standaloneRow(id: string): unknown {
  return {
    id,
    name: id.split("/").at(-1),
    type: "Microsoft.Network/networkSecurityGroups/securityRules",
    properties,
  };
}

const asRows = (values: readonly unknown[]): RawRow[] =>
  values.map((value, row) => ({ table: "resources", value, source: { origin: "test.json", row } }));

const key = (id: string): string => id.toLowerCase();
const defaultKey = (nsg: string): string => key(ruleId(nsg, "DenyAllInBound", "defaultSecurityRules"));

interface Case {
  readonly name: string;
  readonly rows: readonly unknown[];
  /** Every rule key of the index, in its order. */
  readonly keys: readonly string[];
  /** Rule keys each NSG's list holds. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
  readonly duplicates: number;
}

const cases: readonly Case[] = [
  {
    name: "a name repeated in one NSG, in other casing",
    rows: [nsgRow("a", [{ name: "x" }, { name: "X" }])],
    keys: [key(ruleId("a", "x")), defaultKey("a")],
    lists: { a: [key(ruleId("a", "x")), defaultKey("a")] },
    duplicates: 1,
  },
  {
    name: "an id that names another NSG's rule, read after it",
    rows: [nsgRow("a", [{ name: "x" }]), nsgRow("b", [{ name: "y", id: ruleId("a", "x") }])],
    keys: [key(ruleId("a", "x")), defaultKey("a"), defaultKey("b")],
    lists: { a: [key(ruleId("a", "x")), defaultKey("a")], b: [defaultKey("b")] },
    duplicates: 1,
  },
  {
    name: "an id that names another NSG's rule, read before it",
    rows: [nsgRow("b", [{ name: "y", id: ruleId("a", "x") }]), nsgRow("a", [{ name: "x" }])],
    keys: [key(ruleId("a", "x")), defaultKey("b"), defaultKey("a")],
    lists: { b: [key(ruleId("a", "x")), defaultKey("b")], a: [defaultKey("a")] },
    duplicates: 1,
  },
  {
    name: "two NSGs' ids naming one rule of an NSG no row describes",
    rows: [
      nsgRow("b", [{ name: "y", id: ruleId("c", "z") }]),
      nsgRow("d", [{ name: "w", id: ruleId("c", "z") }]),
    ],
    keys: [key(ruleId("c", "z")), defaultKey("b"), defaultKey("d")],
    lists: { b: [key(ruleId("c", "z")), defaultKey("b")], d: [defaultKey("d")] },
    duplicates: 1,
  },
  {
    name: "an id of its own NSG in other casing, then the rule by its name",
    rows: [nsgRow("a", [{ name: "q", id: key(ruleId("a", "x")) }, { name: "x" }])],
    keys: [key(ruleId("a", "x")), defaultKey("a")],
    lists: { a: [key(ruleId("a", "x")), defaultKey("a")] },
    duplicates: 1,
  },
  {
    name: "the rule by its name, then an id of its own NSG in other casing",
    rows: [nsgRow("a", [{ name: "x" }, { name: "q", id: key(ruleId("a", "x")) }])],
    keys: [key(ruleId("a", "x")), defaultKey("a")],
    lists: { a: [key(ruleId("a", "x")), defaultKey("a")] },
    duplicates: 1,
  },
  {
    name: "a default rule's id in other casing on a custom rule",
    rows: [
      {
        ...(nsgRow("a", []) as object),
        properties: {
          defaultSecurityRules: defaults("a"),
          securityRules: [
            { name: "d", id: key(ruleId("a", "DenyAllInBound", "defaultSecurityRules")), properties },
          ],
        },
      },
    ],
    keys: [defaultKey("a")],
    lists: { a: [defaultKey("a")] },
    duplicates: 1,
  },
  {
    name: "a custom rule whose id is a default rule's",
    rows: [nsgRow("a", [{ name: "d", id: ruleId("a", "DenyAllInBound", "defaultSecurityRules") }])],
    keys: [defaultKey("a")],
    lists: { a: [defaultKey("a")] },
    duplicates: 1,
  },
  {
    name: "a name with a slash that spells another NSG's own rule key",
    rows: [nsgRow("a", [{ name: "x/securityRules/y" }]), nsgRow("a/securityRules/x", [{ name: "y" }])],
    keys: [key(ruleId("a", "x/securityRules/y")), defaultKey("a"), defaultKey("a/securityRules/x")],
    lists: {
      a: [key(ruleId("a", "x/securityRules/y")), defaultKey("a")],
      "a/securityRules/x": [defaultKey("a/securityRules/x")],
    },
    // Both spell one key: the second read is the duplicate, whichever NSG it is in.
    duplicates: 1,
  },
  {
    name: "standalone rules: listed ones dropped, others joining their NSG or kept alone, after every list",
    rows: [
      standaloneRow(ruleId("a", "w")),
      nsgRow("a", [{ name: "x" }]),
      standaloneRow(ruleId("a", "x")),
      standaloneRow(ruleId("q", "o")),
    ],
    keys: [key(ruleId("a", "x")), defaultKey("a"), key(ruleId("a", "w")), key(ruleId("q", "o"))],
    lists: { a: [key(ruleId("a", "x")), defaultKey("a"), key(ruleId("a", "w"))] },
    duplicates: 0,
  },
  {
    name: "a newer copy of an NSG frees the older copy's keys",
    rows: [
      nsgRow("b", [{ name: "y", id: ruleId("a", "x") }], "2024-01-01T00:00:00Z"),
      nsgRow("b", [{ name: "y" }], "2025-01-01T00:00:00Z"),
      nsgRow("a", [{ name: "x" }]),
    ],
    keys: [key(ruleId("b", "y")), defaultKey("b"), key(ruleId("a", "x")), defaultKey("a")],
    lists: { b: [key(ruleId("b", "y")), defaultKey("b")], a: [key(ruleId("a", "x")), defaultKey("a")] },
    // The older copy of the NSG is the one duplicate said; its rule's key is free for NSG a.
    duplicates: 1,
  },
];

describe("security rules by key", () => {
  for (const { name, rows, keys, lists, duplicates } of cases) {
    test(name, () => {
      const inventory = normalize(asRows(rows));
      const index = inventory.securityRules;
      assert.deepEqual([...index.keys()], keys);
      assert.deepEqual(
        [...index].map(([each]) => each),
        keys,
      );
      assert.equal(index.size, keys.length);
      for (const [nsg, expected] of Object.entries(lists)) {
        const list = inventory.networkSecurityGroups.get(key(nsgId(nsg)))?.securityRules ?? [];
        assert.deepEqual(
          list.map((rule) => rule.key),
          expected,
          nsg,
        );
        for (const rule of list) {
          assert.equal(index.get(rule.key), rule);
          assert.ok(index.has(rule.key));
        }
      }
      assert.equal(index.get("no such rule"), undefined);
      assert.equal(inventory.diagnostics.filter((d) => d.code === "duplicate-id").length, duplicates);
      const walked: string[] = [];
      index.forEach((rule, ruleKey, map) => {
        assert.equal(rule.key, ruleKey);
        assert.equal(map, index);
        walked.push(ruleKey);
      });
      assert.deepEqual(walked, keys);
    });
  }
});
