// scopeReaches: which assignment scopes hold a subnet, asked many times about one subnet as the role rule does.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scopeReaches } from "../../src/inventory/role-coverage.ts";

const subscription = "/subscriptions/00000000-0000-0000-0000-000000000001";
const vnet = `${subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a`;
const subnet = { key: `${vnet}/subnets/apiserver`.toLowerCase(), vnetKey: vnet.toLowerCase() };
const inventory = { subscriptions: new Map() };

describe("scopeReaches", () => {
  const cases: [scope: string, answer: string][] = [
    [`${vnet}/subnets/apiserver`, "yes"],
    [`${vnet}/`, "yes"],
    [`${subscription}/resourceGroups/RG-NET`, "yes"],
    [subscription, "yes"],
    ["/", "yes"],
    [`${subscription}/resourceGroups/rg-other`, "no"],
    [`${vnet}/subnets/nodes`, "no"],
    ["/subscriptions/00000000-0000-0000-0000-000000000002", "no"],
    ["/providers/Microsoft.Management/managementGroups/mg-1", "unknown"],
  ];
  // Twice over, in turn: the second round is answered from the subnet's scopes kept by the first.
  for (const round of [1, 2])
    for (const [scope, answer] of cases)
      test(`round ${String(round)}: ${scope} → ${answer}`, () => {
        assert.equal(scopeReaches(scope, subnet, inventory), answer);
      });

  test("another subnet object with other keys gets its own scopes", () => {
    const other = {
      key: `${subscription}/resourcegroups/rg-other/x/subnets/s`,
      vnetKey: `${subscription}/resourcegroups/rg-other/x`,
    };
    assert.equal(scopeReaches(`${subscription}/resourceGroups/rg-other`, other, inventory), "yes");
    assert.equal(scopeReaches(`${subscription}/resourceGroups/rg-other`, subnet, inventory), "no");
  });
});
