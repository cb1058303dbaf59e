// Tests for the gathered destination entries: rulesMatching finds what a walk of every rule and entry finds.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { SecurityRule } from "../../src/inventory/model.ts";
import { destinationEntries, rulesMatching } from "../../src/rules/_destination-entries.ts";

type RuleShape = Pick<SecurityRule, "key" | "isDefault" | "destinationAddressPrefixes">;

/** The walk the pinned-IP rules made before: every custom rule, every entry, matches kept in order. */
function walk(rules: readonly RuleShape[], matches: (entry: string) => boolean) {
  return rules
    .filter((rule) => !rule.isDefault)
    .map((rule) => ({ key: rule.key, entries: rule.destinationAddressPrefixes.filter(matches) }))
    .filter((rule) => rule.entries.length > 0);
}

function byKey(rules: readonly RuleShape[]): ReadonlyMap<string, SecurityRule> {
  return new Map(rules.map((rule) => [rule.key, rule as SecurityRule]));
}

const entryArb = fc.constantFrom("10.1.0.4", "10.1.0.4/32", "*", "VirtualNetwork", "10.0.0.0/24", "10.1.0.5");
const rulesArb = fc
  .array(
    fc.record({
      isDefault: fc.boolean(),
      destinationAddressPrefixes: fc.array(entryArb, { maxLength: 4 }),
    }),
    { maxLength: 30 },
  )
  .map((rules) => rules.map((rule, index): RuleShape => ({ ...rule, key: `rule-${String(index)}` })));

describe("rulesMatching", () => {
  it("equals a walk of every custom rule and entry, rule order and entry order (repeats included) kept", () => {
    fc.assert(
      fc.property(rulesArb, fc.subarray(["10.1.0.4", "10.1.0.4/32", "10.1.0.5", "*"]), (rules, wanted) => {
        const matches = (entry: string): boolean => wanted.includes(entry);
        const found = rulesMatching(destinationEntries(byKey(rules)), matches).map((match) => ({
          key: match.rule.key,
          entries: match.entries,
        }));
        assert.deepEqual(found, walk(rules, matches));
      }),
    );
  });

  it("asks about each distinct entry once", () => {
    const rules = byKey([
      { key: "a", isDefault: false, destinationAddressPrefixes: ["*", "10.1.0.4"] },
      { key: "b", isDefault: false, destinationAddressPrefixes: ["10.1.0.4", "*"] },
      { key: "c", isDefault: true, destinationAddressPrefixes: ["10.9.9.9"] },
    ]);
    const asked: string[] = [];
    rulesMatching(destinationEntries(rules), (entry) => {
      asked.push(entry);
      return false;
    });
    assert.deepEqual(asked.sort(), ["*", "10.1.0.4"]);
  });

  it("gathers an inventory's rules once", () => {
    const rules = byKey([{ key: "a", isDefault: false, destinationAddressPrefixes: ["*"] }]);
    assert.equal(destinationEntries(rules), destinationEntries(rules));
  });
});
