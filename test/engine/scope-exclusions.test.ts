// Which subscriptions an exclusion takes out: by id, and beneath a management group through its ancestry.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyScopeExclusions, planScopeExclusions } from "../../src/engine/scope-exclusions.ts";
import type { Subscription } from "../../src/inventory/model.ts";
import { subscription } from "../builders.ts";

const prod = "11111111-0000-0000-0000-000000000001";
const sandbox = "11111111-0000-0000-0000-000000000002";
const unplaced = "11111111-0000-0000-0000-000000000003";
const subscriptions = new Map<string, Subscription>([
  [prod, subscription(["mg-prod", "mg-corp", "tenant-root"], { subscriptionId: prod })],
  [sandbox, subscription(["mg-sandbox", "tenant-root"], { subscriptionId: sandbox })],
]);
const seen = [prod, sandbox, unplaced];

describe("planScopeExclusions", () => {
  const cases: readonly {
    name: string;
    subscriptions?: string[];
    managementGroups?: string[];
    out: string[];
    warns: boolean;
  }[] = [
    { name: "nothing excluded", out: [], warns: false },
    {
      name: "a subscription by id, any case",
      subscriptions: [prod.toUpperCase()],
      out: [prod],
      warns: false,
    },
    {
      name: "a subscription by ARM id",
      subscriptions: [`/subscriptions/${sandbox}`],
      out: [sandbox],
      warns: false,
    },
    { name: "the direct parent group", managementGroups: ["mg-sandbox"], out: [sandbox], warns: true },
    { name: "a group two levels up", managementGroups: ["MG-CORP"], out: [prod], warns: true },
    {
      name: "a group by ARM id",
      managementGroups: ["/providers/Microsoft.Management/managementGroups/mg-prod"],
      out: [prod],
      warns: true,
    },
    { name: "the root group", managementGroups: ["tenant-root"], out: [prod, sandbox], warns: true },
    { name: "a group nobody is under", managementGroups: ["mg-none"], out: [], warns: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planScopeExclusions(
        { subscriptions: c.subscriptions ?? [], managementGroups: c.managementGroups ?? [] },
        subscriptions,
        seen,
      );
      assert.deepEqual(
        seen.filter((id) => plan.excludes(id)),
        c.out,
      );
      // A subscription without ancestry can never be placed beneath a group: it stays, with a warning.
      assert.equal(plan.excludes(unplaced), false);
      assert.deepEqual(
        plan.diagnostics.map((d) => [d.level, d.code, d.message.includes(unplaced)]),
        c.warns ? [["warning", "management-group-ancestry-unknown", true]] : [],
      );
    });
  }

  it("records each exclusion with the subscriptions it took out", () => {
    const plan = planScopeExclusions(
      { subscriptions: [unplaced], managementGroups: ["tenant-root"] },
      subscriptions,
      seen,
    );
    assert.deepEqual(plan.excludedScopes, [
      { kind: "subscription", id: unplaced, subscriptions: [unplaced] },
      { kind: "managementGroup", id: "tenant-root", subscriptions: [prod, sandbox] },
    ]);
    assert.deepEqual(plan.diagnostics, [], "every subscription seen is placed or excluded");
  });
});

describe("applyScopeExclusions", () => {
  it("drops results and clusters of excluded subscriptions, and says what left the resolved list", () => {
    const plan = planScopeExclusions({ subscriptions: [sandbox], managementGroups: [] }, subscriptions, seen);
    const inventory = {
      clusters: new Map([
        ["a", { subscriptionId: prod }],
        ["b", { subscriptionId: sandbox.toUpperCase() }],
      ]),
    };
    const scoped = applyScopeExclusions(
      plan,
      [{ subscriptionId: prod }, { subscriptionId: sandbox }],
      [{ subscriptionId: sandbox }],
      inventory,
    );
    assert.deepEqual(scoped.results, [{ subscriptionId: prod }]);
    assert.deepEqual(scoped.resolved, []);
    assert.deepEqual([...scoped.reported.clusters.keys()], ["a"]);
    assert.deepEqual(
      scoped.diagnostics.map((d) => d.code),
      ["resolved-excluded"],
    );
  });
});
