// The plain reader of a security rule gives what the Node reader gives, and only for rules the Node reader reads
// without a word: checked on Microsoft's NSG example and on generated rules, faults and all.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ContentGaps } from "../../src/inventory/content-gaps.ts";
import type { Diagnostic } from "../../src/inventory/model.ts";
import { Node, type RowContext } from "../../src/inventory/read.ts";
import { nodeSecurityRuleFields, plainSecurityRuleFields } from "../../src/inventory/security-rule-fields.ts";

const nsgId =
  "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/testnsg";
const idPrefix = `${nsgId}/securityRules/`;

/** The Node reader's fields, and everything it said on the way. */
function readThroughNode(rule: unknown): { fields: unknown; said: Diagnostic[]; gaps: unknown } {
  const said: Diagnostic[] = [];
  const context: RowContext = { origin: "test.json", row: 1, resourceId: nsgId, diagnostics: said };
  const gaps = new ContentGaps();
  const fields = nodeSecurityRuleFields(new Node(context, rule), idPrefix, { gaps, rule: true });
  return { fields, said, gaps: gaps.field };
}

describe("plainSecurityRuleFields", () => {
  it("reads every rule of Microsoft's NSG example plainly, as the Node reader does", () => {
    const example = JSON.parse(
      readFileSync(
        new URL("../../../shared/fixtures/arm-examples/net-NetworkSecurityGroupGet.json", import.meta.url),
        "utf8",
      ),
    ) as { responses: { 200: { body: { properties: Record<string, unknown[]> } } } };
    const { securityRules = [], defaultSecurityRules = [] } = example.responses[200].body.properties;
    const rules = [...securityRules, ...defaultSecurityRules];
    assert.equal(rules.length, 7);
    for (const rule of rules) {
      const plain = plainSecurityRuleFields(rule);
      assert.ok(plain !== undefined, JSON.stringify(rule));
      const { fields, said } = readThroughNode(rule);
      assert.deepEqual(said, []);
      assert.deepEqual(plain, fields);
    }
  });

  const cases: [name: string, change: (properties: Record<string, unknown>) => void][] = [
    ["a priority written as a string", (p) => (p.priority = "100")],
    ["no protocol", (p) => delete p.protocol],
    ["an invalid source prefix", (p) => (p.sourceAddressPrefix = "10.0.0.300")],
    ["a blank destination prefix", (p) => (p.destinationAddressPrefix = "")],
    ["no destination port", (p) => delete p.destinationPortRange],
    ["an application security group", (p) => (p.sourceApplicationSecurityGroups = [{ id: "/asg/a" }])],
    ["a lone string in a plural field", (p) => (p.sourceAddressPrefixes = "10.0.0.0/8")],
    ["a number among the port ranges", (p) => (p.destinationPortRanges = [443])],
    ["an unknown direction", (p) => (p.direction = "Sideways")],
    ["a description that is not text", (p) => (p.description = 7)],
  ];
  for (const [name, change] of cases)
    it(`leaves a rule with ${name} to the Node reader`, () => {
      const properties: Record<string, unknown> = {
        protocol: "Tcp",
        sourcePortRange: "*",
        destinationPortRange: "443",
        sourceAddressPrefix: "VirtualNetwork",
        destinationAddressPrefix: "10.0.0.0/24",
        access: "Allow",
        priority: 100,
        direction: "Inbound",
      };
      const rule = { name: "r", id: `${idPrefix}r`, properties };
      assert.ok(plainSecurityRuleFields(rule) !== undefined, "the rule as written is plain");
      change(properties);
      assert.equal(plainSecurityRuleFields(rule), undefined);
    });

  it("on generated rules: when it reads one, the Node reader reads the same and says nothing", () => {
    // Mostly what Azure writes, sometimes a fault: each rule has fifteen fields that could spoil it.
    const field = (good: unknown[], faults: unknown[]): fc.Arbitrary<unknown> =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...good), weight: 24 },
        { arbitrary: fc.constantFrom(...faults), weight: 1 },
      );
    const addressOne = field(
      ["*", "VirtualNetwork", "10.0.0.0/8", "10.1.2.3", "fd00::/64", undefined],
      ["", " 10.0.0.0/8", "10.0.0.300", ["10.0.0.1"], 5, null],
    );
    const addressMany = field(
      [[], ["10.0.0.0/8", "Internet"], ["fd00::1"], undefined, null],
      [["bad/99"], [1], "10.1.0.0/16"],
    );
    const portOne = field(["*", "443", "80-90", undefined], ["", " ", 443, null]);
    const portMany = field([[], ["80", "443"], undefined], [["", "22"], [22], null, "22"]);
    const groups = field(
      [[], null, undefined],
      [[{ id: "/asg/a" }], [{ id: "/asg/a" }, { id: "/ASG/A" }], "x"],
    );
    const properties = fc.record(
      {
        priority: field([100, 4096], [undefined, "100", null, Number.POSITIVE_INFINITY, "high"]),
        direction: field(["Inbound", "outbound"], [undefined, "Sideways", 3, null]),
        access: field(["Allow", "deny"], [undefined, "Maybe", null]),
        protocol: field(["Tcp", "*", ""], [undefined, 6, null]),
        sourceAddressPrefix: addressOne,
        sourceAddressPrefixes: addressMany,
        destinationAddressPrefix: addressOne,
        destinationAddressPrefixes: addressMany,
        sourcePortRange: portOne,
        sourcePortRanges: portMany,
        destinationPortRange: portOne,
        destinationPortRanges: portMany,
        sourceApplicationSecurityGroups: groups,
        destinationApplicationSecurityGroups: groups,
        description: field(["Allow the API server", "  ", undefined, null], [7]),
      },
      { requiredKeys: [] },
    );
    const rule = fc.record(
      {
        name: field(["rule-1", "Rule-2", "a/b"], [undefined, "", "  ", 7]),
        id: field([`${idPrefix}rule-1`, "/elsewhere/securityRules/x"], [undefined, "", 7]),
        properties: field([undefined], [null, "x"]).chain((fault) =>
          fault === undefined ? properties : fc.constant(fault),
        ),
      },
      { requiredKeys: [] },
    );
    let plainRules = 0;
    let runs = 0;
    fc.assert(
      fc.property(rule, (candidate) => {
        runs++;
        const plain = plainSecurityRuleFields(candidate);
        if (plain === undefined) return;
        plainRules++;
        const { fields, said, gaps } = readThroughNode(candidate);
        assert.deepEqual(said, [], "the Node reader said nothing");
        assert.deepEqual(gaps, {}, "and found no gap");
        assert.deepEqual(plain, fields);
      }),
      { numRuns: 20_000, seed: 15 },
    );
    // Otherwise the property holds by never reading a rule plainly.
    assert.ok(plainRules > runs / 100, `${plainRules} of ${runs} generated rules were read plainly`);
  });
});
