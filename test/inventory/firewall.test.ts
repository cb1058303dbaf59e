// Firewall rules keep their lists at exact length, the short one-item ones shared across rules and groups.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const example = JSON.parse(
  readFileSync(
    new URL(
      "../../../shared/fixtures/arm-examples/net-FirewallPolicyRuleCollectionGroupGet.json",
      import.meta.url,
    ),
    "utf8",
  ),
) as { responses: { 200: { body: { id: string } } } };
const group = example.responses[200].body;

function rows(...values: unknown[]): RawRow[] {
  return values.map((value, row) => ({ table: "resources", value, source: { origin: "test.json", row } }));
}

describe("firewall policy rules", () => {
  test("two groups' rules read as Microsoft's example says, sharing their one-item lists", () => {
    const copy = {
      ...structuredClone(group),
      id: group.id.replace("ruleCollectionGroup1", "ruleCollectionGroup2"),
    };
    const inventory = normalize(rows(group, copy));
    const [first, second] = [...inventory.firewallPolicyRuleCollectionGroups.values()].map(
      (read) => read.rules[0],
    );
    assert.ok(first && second);
    assert.deepEqual(
      {
        protocols: first.protocols,
        sourceAddresses: first.sourceAddresses,
        destinationAddresses: first.destinationAddresses,
        destinationPorts: first.destinationPorts,
        destinationIpGroupIds: first.destinationIpGroupIds,
        destinationFqdns: first.destinationFqdns,
      },
      {
        protocols: ["TCP"],
        sourceAddresses: ["10.1.25.0/24"],
        destinationAddresses: ["*"],
        destinationPorts: ["*"],
        destinationIpGroupIds: [],
        destinationFqdns: [],
      },
    );
    for (const field of [
      "protocols",
      "sourceAddresses",
      "destinationAddresses",
      "destinationPorts",
    ] as const) {
      assert.equal(first[field], second[field], `${field} is one shared list`);
      assert.ok(Object.isFrozen(first[field]));
    }
  });

  test("ports are listed once, an application rule's own ports after the rule's", () => {
    const rule = (extra: Record<string, unknown>): unknown => ({
      id: `${group.id}-${String(Object.keys(extra).length)}`,
      type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
      properties: {
        ruleCollections: [
          {
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: "c",
            action: { type: "Allow" },
            rules: [{ name: "r", ...extra }],
          },
        ],
      },
    });
    const inventory = normalize(
      rows(
        rule({ ruleType: "NetworkRule", destinationPorts: ["443", "443", "80"] }),
        rule({
          ruleType: "ApplicationRule",
          destinationPorts: ["8443"],
          protocols: [
            { protocolType: "Https", port: 443 },
            { protocolType: "Https", port: 8443 },
          ],
          targetFqdns: ["a.example"],
          destinationFqdns: ["b.example"],
        }),
      ),
    );
    const [network, application] = [...inventory.firewallPolicyRuleCollectionGroups.values()].map(
      (read) => read.rules[0],
    );
    assert.ok(network && application);
    assert.deepEqual(network.destinationPorts, ["443", "80"]);
    assert.deepEqual(application.destinationPorts, ["8443", "443"]);
    assert.deepEqual(application.destinationFqdns, ["b.example", "a.example"]);
    assert.deepEqual(application.protocols, ["Https:443", "Https:8443"]);
  });
});
