// Subnets whose ipConfiguration ids no rule reads keep only their count; API server subnets keep every id.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { ipConfigurationCount, type RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const rg = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net";
const vnetId = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-a`;
const nodeRg = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/MC_rg_aks-a_westeurope";
const nicIds = (count: number): string[] =>
  Array.from(
    { length: count },
    (_, index) =>
      `${nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-vmss/virtualMachines/${index}/networkInterfaces/aks-pool-vmss/ipConfigurations/ipconfig1`,
  );
const frontendId = `${nodeRg}/providers/Microsoft.Network/loadBalancers/kube-apiserver/frontendIPConfigurations/kube-apiserver-frontend`;

function rows(...values: unknown[]): RawRow[] {
  return values.map((value, row) => ({ table: "resources", value, source: { origin: "test.json", row } }));
}

function vnetWith(name: string, ids: readonly string[], extra: Record<string, unknown> = {}): unknown {
  return {
    id: vnetId,
    type: "Microsoft.Network/virtualNetworks",
    properties: {
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [
        {
          name,
          id: `${vnetId}/subnets/${name}`,
          properties: { addressPrefix: "10.0.1.0/24", ipConfigurations: ids.map((id) => ({ id })), ...extra },
        },
      ],
    },
  };
}

const clusterNaming = (subnetName: string): unknown => ({
  id: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-a",
  type: "microsoft.containerservice/managedclusters",
  properties: {
    apiServerAccessProfile: { enableVnetIntegration: true, subnetId: `${vnetId}/subnets/${subnetName}` },
    agentPoolProfiles: [{ name: "pool", count: 3 }],
  },
});

describe("ipConfiguration ids a subnet keeps", () => {
  const cases: { name: string; rows: unknown[]; kept: boolean; count: number }[] = [
    {
      name: "a node subnet with 12 NICs keeps the count only",
      rows: [vnetWith("nodes", nicIds(12))],
      kept: false,
      count: 12,
    },
    { name: "a short list is kept as read", rows: [vnetWith("nodes", nicIds(8))], kept: true, count: 8 },
    {
      name: "a subnet a cluster names as its API server subnet",
      rows: [clusterNaming("apiserver"), vnetWith("apiserver", nicIds(12))],
      kept: true,
      count: 12,
    },
    {
      name: "the cluster's row after the VNet's",
      rows: [vnetWith("apiserver", nicIds(12)), clusterNaming("apiserver")],
      kept: true,
      count: 12,
    },
    {
      name: "a subnet delegated to managedClusters",
      rows: [
        vnetWith("delegated", nicIds(12), {
          delegations: [
            { name: "aks", properties: { serviceName: "Microsoft.ContainerService/managedClusters" } },
          ],
        }),
      ],
      kept: true,
      count: 12,
    },
    {
      name: "a subnet AKS linked to itself",
      rows: [
        vnetWith("linked", nicIds(12), {
          serviceAssociationLinks: [
            { properties: { linkedResourceType: "Microsoft.ContainerService/managedClusters" } },
          ],
        }),
      ],
      kept: true,
      count: 12,
    },
    {
      name: "a subnet holding a kube-apiserver frontend",
      rows: [vnetWith("shared", [...nicIds(12), frontendId])],
      kept: true,
      count: 13,
    },
  ];
  for (const { name, rows: values, kept, count } of cases) {
    test(name, () => {
      const inventory = normalize(rows(...values));
      const [subnet] = [...inventory.subnets.values()];
      assert.ok(subnet);
      assert.equal(ipConfigurationCount(subnet), count);
      assert.equal(subnet.ipConfigurationIds.length, kept ? count : 0);
      assert.equal(subnet.ipConfigurationCount, kept ? undefined : count);
      // The VNet lists the same subnet object as the index, so no rule sees two versions of it.
      assert.equal(inventory.virtualNetworks.get(vnetId.toLowerCase())?.subnets[0], subnet);
    });
  }

  test("Microsoft's VirtualNetworks_Get example keeps its frontend id as written", () => {
    const example = JSON.parse(
      readFileSync(
        new URL("../../../shared/fixtures/arm-examples/net-VirtualNetworkGet.json", import.meta.url),
        "utf8",
      ),
    ) as { responses: { 200: { body: unknown } } };
    const inventory = normalize(rows(example.responses[200].body));
    const [subnet] = [...inventory.subnets.values()];
    assert.ok(subnet);
    assert.deepEqual(subnet.ipConfigurationIds, [
      "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb/frontendIPConfigurations/fe",
    ]);
    assert.equal(subnet.ipConfigurationCount, undefined);
  });
});
