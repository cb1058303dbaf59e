import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildRelations,
  subnetIpv4Capacity,
  subnetSubject,
  vnetKeyOfSubnetId,
} from "../../src/inventory/relations.ts";
import {
  agentPool,
  apiServerSubnet,
  cluster,
  inventory,
  subnet,
  subnetId,
  testTenantId,
  vnet,
} from "../builders.ts";

const nodesId = subnetId("vnet-1", "nodes");
const apiServerId = subnetId("vnet-1", "apiserver");
const foreignId =
  "/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/hub/subnets/aks";

describe("buildRelations", () => {
  const integrated = cluster({
    name: "a",
    agentPools: [
      agentPool({ name: "system", vnetSubnetId: nodesId }),
      agentPool({ name: "user", vnetSubnetId: nodesId.toUpperCase() }),
      agentPool({ name: "other", vnetSubnetId: foreignId }),
    ],
    apiServerAccessProfile: { enableVnetIntegration: true, subnetId: apiServerId.toUpperCase() },
  });
  const managed = cluster({
    name: "b",
    apiServerAccessProfile: { enableVnetIntegration: true, subnetId: "" },
  });
  const spare = apiServerSubnet({
    name: "spare",
    delegations: [{ serviceName: "microsoft.containerservice/MANAGEDCLUSTERS" }],
  });
  const relations = buildRelations(
    inventory({
      clusters: [integrated, managed],
      vnets: [vnet({ subnets: [subnet({ name: "nodes" }), apiServerSubnet(), spare] })],
    }),
  );

  it("maps API server subnets, referenced or delegated, to the clusters using them", () => {
    assert.deepEqual(
      [...relations.apiServerSubnets.values()].map((use) => [
        use.subnet.id,
        use.delegated,
        use.clusters.map((c) => c.name),
      ]),
      [
        [apiServerId, true, ["a"]],
        [subnetId("vnet-1", "spare"), true, []],
      ],
    );
  });

  it("maps node subnets to (cluster, pool) pairs whatever the id casing", () => {
    const nodes = relations.nodeSubnets.get(nodesId.toLowerCase());
    assert.deepEqual(
      nodes?.pools.map(({ cluster: c, pool }) => `${c.name}/${pool.name}`),
      ["a/system", "a/user"],
    );
  });

  it("keeps subnets missing from the inventory, with what their id tells", () => {
    const foreign = relations.nodeSubnets.get(foreignId.toLowerCase());
    assert.ok(foreign);
    assert.equal(foreign.subnet.subnet, undefined);
    assert.equal(foreign.subnet.vnetKey, vnetKeyOfSubnetId(foreignId));
    assert.deepEqual(subnetSubject(foreign.subnet), {
      id: foreignId,
      type: "Microsoft.Network/virtualNetworks/subnets",
      tenantId: testTenantId,
      subscriptionId: "99999999-9999-9999-9999-999999999999",
    });
  });

  it("lists each cluster's distinct node subnets and VNets", () => {
    assert.deepEqual(
      relations.clusterNodeSubnets.get(integrated.key)?.map((ref) => ref.key),
      [nodesId.toLowerCase(), foreignId.toLowerCase()],
    );
    assert.deepEqual(relations.clusterNodeVnetKeys.get(integrated.key), [
      vnetKeyOfSubnetId(nodesId),
      vnetKeyOfSubnetId(foreignId),
    ]);
    assert.deepEqual(relations.clusterNodeSubnets.get(managed.key), []);
  });
});

describe("subnetIpv4Capacity", () => {
  const cases: [readonly string[], number][] = [
    [["10.0.0.0/24"], 251],
    [["10.0.0.0/28"], 11],
    [["10.0.0.0/29"], 3],
    [["10.0.0.0/30"], 0],
    [["10.0.0.0/28", "10.0.1.0/28"], 22],
    [["10.0.0.0/28", "fd00::/64"], 11],
    [[], 0],
  ];
  for (const [addressPrefixes, capacity] of cases) {
    it(`${addressPrefixes.join(", ") || "no prefix"} → ${capacity}`, () => {
      assert.equal(subnetIpv4Capacity(subnet({ addressPrefixes })).capacity, capacity);
    });
  }
});
