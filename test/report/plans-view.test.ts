// Tests for planView: every field of a stored plan read into its view, in the view's order, and gaps shown empty.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planView } from "../../src/report/plans-view.ts";
import type { Evidence } from "../../src/findings/result.ts";

const clusterId =
  "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1";
const nsgRuleId =
  "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/r1";

const fullPlan: Evidence = {
  clusterId,
  clusterName: "aks-1",
  resourceGroup: "rg",
  subscriptionId: "s1",
  surgeRoom: "enough",
  minimumAzureCliVersion: "2.73.0",
  blockers: [{ severity: "low", reason: "encrypted VNet", extra: 1 }],
  apiServerSubnet: {
    action: "create",
    addressPrefix: "10.0.1.0/28",
    subnetId: "snet-id",
    reason: "none delegated",
  },
  roleAssignments: [
    { principalId: "p1", target: "cluster", scope: "scope-1", status: "covered" },
    { principalId: "p2", target: "kubelet", scope: "scope-2", status: "missing" },
  ],
  nsgRules: [
    {
      nsgName: "nsg-a",
      direction: "Inbound",
      protocol: "Tcp",
      source: "10.0.1.0/28",
      destination: "VirtualNetwork",
      destinationPorts: "443",
      reason: "apiserver to nodes",
    },
  ],
  pinnedRules: [{ resourceId: nsgRuleId, detail: "pins 20.1.2.3", ip: "20.1.2.3" }],
  nodeSubnets: [
    { subnetName: "nodes", free: 200, surgeNeeded: 3, status: "ok" },
    { subnetName: "other", status: "unknown" },
  ],
  commands: ["az one", "az two"],
  warnings: ["w1"],
  notes: ["n1", "n2"],
};

describe("planView", () => {
  it("reads every field of a full plan, in the view's order", () => {
    const view = planView(fullPlan);
    const expected = {
      readiness: "needs-apiserver-subnet",
      readinessLabel: "Needs an API server subnet",
      clusterId,
      clusterName: "aks-1",
      resourceGroup: "rg",
      subscriptionId: "s1",
      surgeRoom: "enough",
      minimumAzureCliVersion: "2.73.0",
      blockers: [{ severity: "low", reason: "encrypted VNet" }],
      subnetAction: "create",
      subnetActionLabel: "Create a delegated /28",
      subnetPrefix: "10.0.1.0/28",
      subnetId: "snet-id",
      subnetReason: "none delegated",
      roleAssignments: fullPlan.roleAssignments,
      roleAssignmentsNeeded: [{ principalId: "p2", target: "kubelet", scope: "scope-2", status: "missing" }],
      nsgRules: fullPlan.nsgRules,
      pinnedRules: [{ resourceId: nsgRuleId, detail: "pins 20.1.2.3", ip: "20.1.2.3", resourceName: "r1" }],
      nodeSubnets: [
        { subnetName: "nodes", free: "200", surgeNeeded: "3", status: "ok" },
        { subnetName: "other", free: "unknown", surgeNeeded: "unknown", status: "unknown" },
      ],
      commands: ["az one", "az two"],
      commandsText: "az one\naz two",
      warnings: ["w1"],
      notes: ["n1", "n2"],
    };
    assert.deepEqual(view, expected);
    // Key order too: a renderer that walks a view meets its fields as before.
    assert.equal(JSON.stringify(view), JSON.stringify(expected));
  });

  it("shows a plan's missing or mistyped fields as empty text and empty lists", () => {
    const view = planView({
      clusterName: 7,
      apiServerSubnet: "not an object",
      blockers: [null, { severity: 1 }],
      nsgRules: "none",
      pinnedRules: [{ resourceId: 5 }],
      nodeSubnets: [{ free: Number.NaN }],
      commands: ["az one", 2],
    });
    assert.equal(view.clusterName, "");
    assert.equal(view.clusterId, "");
    assert.equal(view.subnetAction, "");
    assert.equal(view.subnetActionLabel, "");
    assert.deepEqual(view.blockers, [{ severity: "", reason: "" }]);
    assert.deepEqual(view.nsgRules, []);
    assert.deepEqual(view.pinnedRules, [{ resourceId: "", detail: "", ip: "", resourceName: "" }]);
    assert.deepEqual(view.nodeSubnets, [
      { subnetName: "", free: "unknown", surgeNeeded: "unknown", status: "" },
    ]);
    assert.deepEqual(view.commands, ["az one"]);
    assert.equal(view.readiness, "ready");
  });
});
