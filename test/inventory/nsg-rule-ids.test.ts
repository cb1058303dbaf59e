// A security rule's id reads as written whichever way it is stored (shared NSG prefix or its own string).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const nsgId =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-a";

function nsgWith(rule: Record<string, unknown>): RawRow[] {
  const properties = { priority: 100, direction: "Inbound", access: "Deny", protocol: "*" };
  return [
    {
      table: "resources",
      value: {
        id: nsgId,
        type: "Microsoft.Network/networkSecurityGroups",
        properties: { securityRules: [{ ...rule, properties }] },
      },
      source: { origin: "test.json", row: 0 },
    },
  ];
}

describe("security rule ids", () => {
  const cases: { name: string; rule: Record<string, unknown>; id: string }[] = [
    {
      name: "as Azure spells it",
      rule: { name: "deny-1", id: `${nsgId}/securityRules/deny-1` },
      id: `${nsgId}/securityRules/deny-1`,
    },
    {
      name: "other casing",
      rule: { name: "deny-1", id: `${nsgId.toLowerCase()}/securityrules/deny-1` },
      id: `${nsgId.toLowerCase()}/securityrules/deny-1`,
    },
    {
      name: "a name unlike the id's",
      rule: { name: "other", id: `${nsgId}/securityRules/deny-1` },
      id: `${nsgId}/securityRules/deny-1`,
    },
    {
      name: "a name that ends the id but is longer",
      rule: { name: "1", id: `${nsgId}/securityRules/deny-1` },
      id: `${nsgId}/securityRules/deny-1`,
    },
    { name: "no id", rule: { name: "deny-1" }, id: `${nsgId}/securityRules/deny-1` },
  ];
  for (const { name, rule, id } of cases) {
    test(name, () => {
      const inventory = normalize(nsgWith(rule));
      const read = inventory.networkSecurityGroups
        .get(nsgId.toLowerCase())
        ?.securityRules.find((each) => !each.isDefault);
      assert.ok(read);
      assert.equal(read.id, id);
      assert.equal(read.key, id.toLowerCase());
      assert.equal(inventory.securityRules.get(id.toLowerCase()), read);
    });
  }

  test("synthesized default rules have Azure's ids and keys", () => {
    const inventory = normalize(nsgWith({ name: "deny-1" }));
    const rule = inventory.securityRules.get(`${nsgId}/defaultSecurityRules/DenyAllInBound`.toLowerCase());
    assert.equal(rule?.id, `${nsgId}/defaultSecurityRules/DenyAllInBound`);
  });
});
