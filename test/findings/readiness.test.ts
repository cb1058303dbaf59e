// Conversion readiness from a plan: the first state that holds, in the order a conversion works through them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planReadiness, readinessByCluster } from "../../src/findings/readiness.ts";
import type { Readiness } from "../../src/findings/readiness.ts";
import { makeResult } from "../report/sample-run.ts";

const covered = { principalId: "p", target: "node subnet", scope: "/s", status: "covered" };
const needed = { ...covered, status: "needed" };
const notChecked = { ...covered, status: "not-checked" };
const nsgRule = { nsgName: "nsg", direction: "Outbound", destinationPorts: "443" };
const reuse = { action: "reuse" };

describe("planReadiness", () => {
  const cases: [name: string, plan: Record<string, unknown>, expected: Readiness][] = [
    [
      "nothing to do",
      { blockers: [], apiServerSubnet: reuse, roleAssignments: [covered], nsgRules: [] },
      "ready",
    ],
    ["an AKS-managed VNet", { apiServerSubnet: { action: "not-needed" } }, "ready"],
    ["a medium blocker", { blockers: [{ severity: "medium" }], apiServerSubnet: reuse }, "blocked"],
    // Encrypted VNet with only ≤ v3 sizes: allowed, traffic not encrypted.
    ["only a low blocker", { blockers: [{ severity: "low" }], apiServerSubnet: reuse }, "ready"],
    [
      "a subnet to create",
      { apiServerSubnet: { action: "create" }, roleAssignments: [needed] },
      "needs-apiserver-subnet",
    ],
    ["no free /28", { apiServerSubnet: { action: "none-free" } }, "needs-apiserver-subnet"],
    [
      "a role to grant",
      { apiServerSubnet: reuse, roleAssignments: [covered, needed], nsgRules: [nsgRule] },
      "needs-role-assignments",
    ],
    [
      "roles not collected",
      { apiServerSubnet: reuse, roleAssignments: [notChecked] },
      "needs-role-assignments",
    ],
    [
      "NSG rules to add",
      { apiServerSubnet: reuse, roleAssignments: [covered], nsgRules: [nsgRule] },
      "needs-nsg-changes",
    ],
  ];
  for (const [name, plan, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      assert.equal(planReadiness(plan), expected);
    });
  }
});

describe("readinessByCluster", () => {
  it("reads the plan of each cluster-not-vnet-integrated result, by lower-cased cluster id", () => {
    const results = [
      makeResult({
        ruleId: "cluster-not-vnet-integrated",
        resourceId:
          "/subscriptions/S/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/A",
        evidence: { conversionPlan: { apiServerSubnet: { action: "create" } } },
      }),
      makeResult({ ruleId: "cluster-not-vnet-integrated", resourceId: "/x/no-plan", evidence: {} }),
      makeResult({ ruleId: "conversion-blocked", resourceId: "/x/other", evidence: { conversionPlan: {} } }),
    ];
    assert.deepEqual(
      [...readinessByCluster(results)],
      [
        [
          "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/a",
          "needs-apiserver-subnet",
        ],
      ],
    );
  });
});
