import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import rule from "../../src/rules/cluster-identity-missing-subnet-role.ts";
import type { Cluster, Inventory, RoleAssignment } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";
import type { ClusterOverrides } from "../builders.ts";
import {
  agentPool,
  apiServerSubnet,
  cluster,
  clusterId,
  evaluate,
  inventory,
  roleAssignment,
  roleDefinition,
  subnet,
  subscription,
  testTenantId,
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

const joinAndRead = [
  "Microsoft.Network/virtualNetworks/subnets/join/action",
  "Microsoft.Network/virtualNetworks/subnets/read",
];

/** Custom roles as `az role definition create` would write them. */
const definitions = [
  roleDefinition(customRole, joinAndRead),
  roleDefinition("aaaaaaaa-0000-0000-0000-000000000001", ["Microsoft.Network/*"]),
  roleDefinition("aaaaaaaa-0000-0000-0000-000000000002", ["Microsoft.Network/*"], [joinAndRead[0]!]),
  roleDefinition("aaaaaaaa-0000-0000-0000-000000000003", [
    "Microsoft.Network/virtualNetworks/subnets/*/action",
  ]),
  roleDefinition("aaaaaaaa-0000-0000-0000-000000000004", ["*"], ["Microsoft.Authorization/*/Write"]),
];

interface Case {
  readonly name: string;
  readonly cluster?: Cluster;
  /** Role definitions and subscriptions (management-group ancestry) collected beside the assignments. */
  readonly extra?: Partial<Pick<Inventory, "roleDefinitions" | "subscriptions">>;
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
    name: "Network Contributor at a management group above the subscription",
    assignments: at([managementGroupScope]),
    extra: { subscriptions: new Map([[testSubscriptionId, subscription(["platform", testTenantId])]]) },
    status: "pass",
    coveredAt: [managementGroupScope, managementGroupScope, managementGroupScope],
  },
  {
    name: "Owner at the tenant root group (the management group named by the tenant id)",
    assignments: at([`/providers/Microsoft.Management/managementGroups/${testTenantId}`], owner),
    extra: { subscriptions: new Map([[testSubscriptionId, subscription(["platform", testTenantId])]]) },
    status: "pass",
  },
  {
    name: "Contributor at the root scope /",
    assignments: at(["/"], contributor),
    status: "pass",
  },
  {
    name: "a management group that is not above the subscription does not cover",
    assignments: at([managementGroupScope]),
    extra: { subscriptions: new Map([[testSubscriptionId, subscription(["landing-zones", testTenantId])]]) },
    status: "fail",
    coveredAt: ["none", "none", "none"],
  },
  {
    name: "a custom role with subnets/join/action and subnets/read",
    assignments: at([vnetId("vnet-1")], customRole),
    extra: { roleDefinitions: new Map(definitions.map((definition) => [definition.key, definition])) },
    status: "pass",
  },
  {
    name: "a custom role with Microsoft.Network/* (wildcard expanded)",
    assignments: at([vnetId("vnet-1")], "aaaaaaaa-0000-0000-0000-000000000001"),
    extra: { roleDefinitions: new Map(definitions.map((definition) => [definition.key, definition])) },
    status: "pass",
  },
  {
    name: "a custom role with * minus an unrelated notAction",
    assignments: at([subscriptionScope], "aaaaaaaa-0000-0000-0000-000000000004"),
    extra: { roleDefinitions: new Map(definitions.map((definition) => [definition.key, definition])) },
    status: "pass",
  },
  {
    name: "a custom role with Microsoft.Network/* minus subnets/join/action",
    assignments: at([vnetId("vnet-1")], "aaaaaaaa-0000-0000-0000-000000000002"),
    extra: { roleDefinitions: new Map(definitions.map((definition) => [definition.key, definition])) },
    status: "fail",
    coveredAt: ["none", "none", "none"],
  },
  {
    name: "a custom role with join but without subnets/read",
    assignments: at([vnetId("vnet-1")], "aaaaaaaa-0000-0000-0000-000000000003"),
    extra: { roleDefinitions: new Map(definitions.map((definition) => [definition.key, definition])) },
    status: "fail",
  },
  {
    name: "a custom role whose definition was not read, beside definitions that were",
    assignments: at([vnetId("vnet-1")], "bbbbbbbb-0000-0000-0000-000000000000"),
    extra: { roleDefinitions: new Map(definitions.map((definition) => [definition.key, definition])) },
    status: "unverified",
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
          overrides: { roleAssignments: testCase.assignments, ...testCase.extra },
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

  it("fails on the real custom roles of an Azure CLI recording: neither grants subnets/join/action", () => {
    const list = JSON.parse(
      readFileSync(new URL("../fixtures/authz-RoleDefinitions_List.json", import.meta.url), "utf8"),
    ) as { value: unknown[] };
    const read = normalize(
      list.value.map((value, row) => ({
        table: "authorizationresources",
        value,
        source: { origin: "f", row },
      })),
    );
    assert.deepEqual(read.diagnostics, []);
    assert.equal(
      read.roleDefinitions.get("88888888-0000-0000-0000-000000000001")?.roleName,
      "cli-test-role000001",
    );
    for (const guid of read.roleDefinitions.keys()) {
      const outcome = evaluate(
        rule,
        inventory({
          clusters: [integrated()],
          vnets: [
            vnet({ subnets: [subnet({ name: "nodes" }), subnet({ name: "nodes-2" }), apiServerSubnet()] }),
          ],
          overrides: {
            roleAssignments: at([subscriptionScope], guid),
            roleDefinitions: read.roleDefinitions,
          },
        }),
      )[0];
      assert.equal(outcome?.status, "fail", guid);
    }
  });

  it("says which definition or ancestry was missing when it cannot decide", () => {
    const outcome = evaluate(
      rule,
      inventory({
        clusters: [integrated()],
        overrides: {
          roleAssignments: [...at([managementGroupScope]), ...at([vnetId("vnet-1")], customRole)],
        },
      }),
    )[0];
    assert.ok(outcome !== undefined);
    assert.equal(outcome.status, "unverified");
    assert.match(
      outcome.message,
      /role definition 99999999-9999-9999-9999-999999999999 \(a custom role\) could not be read/,
    );
    assert.match(
      outcome.message,
      /management-group ancestry above \/providers\/Microsoft.Management\/managementGroups\/platform was not read/,
    );
  });
});
