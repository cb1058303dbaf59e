import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/cluster-identity-missing-subnet-role.ts";
import type { Cluster, RoleAssignment } from "../../src/inventory/model.ts";
import type { ClusterOverrides } from "../builders.ts";
import {
  agentPool,
  apiServerSubnet,
  cluster,
  clusterId,
  evaluate,
  inventory,
  roleAssignment,
  subnet,
  subnetId,
  summarize,
  testSubscriptionId,
  vnet,
  vnetId,
} from "../builders.ts";

const systemPrincipal = "33333333-3333-3333-3333-333333333333";
const userAssignedPrincipal = "44444444-4444-4444-4444-444444444444";
const networkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7";
const contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const owner = "8e3af657-a8ff-443b-a75c-2fe8c4bcb635";
const customRole = "99999999-9999-9999-9999-999999999999";

const apiServerSubnetId = subnetId("vnet-1", "apiserver");
const nodeSubnetId = subnetId("vnet-1", "nodes");
const secondNodeSubnetId = subnetId("vnet-1", "nodes-2");
const subscriptionScope = `/subscriptions/${testSubscriptionId}`;
const resourceGroupScope = `${subscriptionScope}/resourceGroups/rg-net`;
const managementGroupScope = "/providers/Microsoft.Management/managementGroups/platform";

function integrated(overrides: ClusterOverrides = {}): Cluster {
  return cluster({
    networkPlugin: "azure",
    agentPools: [
      agentPool({ vnetSubnetId: nodeSubnetId }),
      agentPool({ name: "user", vnetSubnetId: secondNodeSubnetId }),
    ],
    apiServerAccessProfile: { enableVnetIntegration: true, subnetId: apiServerSubnetId },
    ...overrides,
  });
}

/** The same role at each scope given, for the system-assigned principal. */
function at(scopes: readonly string[], roleDefinitionGuid = networkContributor): RoleAssignment[] {
  return scopes.map((scope) => roleAssignment({ scope, roleDefinitionGuid, principalId: systemPrincipal }));
}

const eachSubnet = [apiServerSubnetId, nodeSubnetId, secondNodeSubnetId];

interface Case {
  readonly name: string;
  readonly cluster?: Cluster;
  /** Undefined = role assignments not collected. */
  readonly assignments: readonly RoleAssignment[] | undefined;
  readonly status: string;
  /** Per target (API server subnet, node subnets): the covering assignment's scope, or "none". */
  readonly coveredAt?: readonly string[];
}

const cases: Case[] = [
  {
    name: "Network Contributor on each subnet",
    assignments: at(eachSubnet),
    status: "pass",
    coveredAt: eachSubnet,
  },
  {
    name: "Network Contributor on the VNet",
    assignments: at([vnetId("vnet-1")]),
    status: "pass",
    coveredAt: [vnetId("vnet-1"), vnetId("vnet-1"), vnetId("vnet-1")],
  },
  {
    name: "Contributor on the resource group",
    assignments: at([resourceGroupScope], contributor),
    status: "pass",
    coveredAt: [resourceGroupScope, resourceGroupScope, resourceGroupScope],
  },
  {
    name: "Owner on the subscription",
    assignments: at([subscriptionScope], owner),
    status: "pass",
    coveredAt: [subscriptionScope, subscriptionScope, subscriptionScope],
  },
  {
    name: "scopes compared case-insensitively, trailing slash ignored",
    assignments: at([`${vnetId("vnet-1").toUpperCase()}/`]),
    status: "pass",
  },
  {
    name: "user-assigned identity principal counts",
    cluster: integrated({ identityPrincipalIds: [userAssignedPrincipal], identityType: "UserAssigned" }),
    assignments: [
      roleAssignment({ scope: vnetId("vnet-1"), principalId: userAssignedPrincipal.toUpperCase() }),
    ],
    status: "pass",
  },
  {
    name: "another principal's assignment does not count",
    assignments: [roleAssignment({ scope: vnetId("vnet-1"), principalId: userAssignedPrincipal })],
    status: "fail",
    coveredAt: ["none", "none", "none"],
  },
  {
    name: "one node subnet uncovered",
    assignments: at([apiServerSubnetId, nodeSubnetId]),
    status: "fail",
    coveredAt: [apiServerSubnetId, nodeSubnetId, "none"],
  },
  {
    name: "a role on another VNet does not cover",
    assignments: at([vnetId("vnet-2")]),
    status: "fail",
    coveredAt: ["none", "none", "none"],
  },
  { name: "no assignment at all", assignments: [], status: "fail", coveredAt: ["none", "none", "none"] },
  {
    name: "custom role only",
    assignments: at([vnetId("vnet-1")], customRole),
    status: "unverified",
    coveredAt: ["none", "none", "none"],
  },
  {
    name: "management-group scope only",
    assignments: at([managementGroupScope]),
    status: "unverified",
    coveredAt: ["none", "none", "none"],
  },
  {
    name: "custom role covers the rest, built-in role the API server subnet",
    assignments: [...at([apiServerSubnetId]), ...at([resourceGroupScope], customRole)],
    status: "unverified",
    coveredAt: [apiServerSubnetId, "none", "none"],
  },
  {
    name: "a target with nothing at all fails even when another may be covered",
    assignments: [...at([apiServerSubnetId], customRole)],
    status: "fail",
    coveredAt: ["none", "none", "none"],
  },
  {
    name: "no principal id on the cluster",
    cluster: integrated({ identityPrincipalIds: [] }),
    assignments: at([subscriptionScope]),
    status: "unverified",
  },
  { name: "role assignments not collected", assignments: undefined, status: "not_applicable" },
  {
    name: "non-integrated cluster",
    cluster: integrated({
      apiServerAccessProfile: { enableVnetIntegration: false, subnetId: apiServerSubnetId },
    }),
    assignments: [],
    status: "not_applicable",
  },
  {
    name: "AKS-managed VNet",
    cluster: integrated({ apiServerAccessProfile: { enableVnetIntegration: true } }),
    assignments: [],
    status: "not_applicable",
  },
];

interface TargetEvidence {
  readonly subnetId: string;
  readonly coveredBy: string;
}

/** The covering assignment's scope, recovered from its id (assignment ids sit under their scope). */
function coveredScopes(evidence: unknown): string[] {
  return (evidence as { targets: TargetEvidence[] }).targets.map((target) =>
    target.coveredBy === "none"
      ? "none"
      : target.coveredBy.replace(/\/providers\/Microsoft\.Authorization\/.*$/, ""),
  );
}

describe("cluster-identity-missing-subnet-role", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const outcomes = evaluate(
        rule,
        inventory({
          clusters: [testCase.cluster ?? integrated()],
          vnets: [
            vnet({ subnets: [subnet({ name: "nodes" }), subnet({ name: "nodes-2" }), apiServerSubnet()] }),
          ],
          overrides: { roleAssignments: testCase.assignments },
        }),
      );
      const severity = testCase.status === "fail" || testCase.status === "unverified" ? "high" : undefined;
      assert.deepEqual(summarize(rule, outcomes), [
        { id: clusterId("aks-1"), status: testCase.status, severity, detail: undefined },
      ]);
      if (testCase.coveredAt !== undefined)
        assert.deepEqual(coveredScopes(outcomes[0]?.evidence), testCase.coveredAt);
    });
  }

  it("names the uncovered node subnet in the message", () => {
    const outcome = evaluate(
      rule,
      inventory({
        clusters: [integrated()],
        overrides: { roleAssignments: at([apiServerSubnetId, nodeSubnetId]) },
      }),
    )[0];
    assert.ok(outcome !== undefined);
    assert.equal(outcome.status, "fail");
    assert.match(outcome.message, /node subnet nodes-2\./);
  });

  it("answers not_applicable for every cluster when role assignments were not collected", () => {
    const clusters = [integrated(), cluster({ name: "aks-2" })];
    const outcomes = evaluate(rule, inventory({ clusters }));
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ["not_applicable", "not_applicable"],
    );
    assert.match(outcomes[0]?.message ?? "", /not collected/);
  });
});
