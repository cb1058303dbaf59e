// The input shapes users already have, proven on real payloads (test/fixtures/README.md names each source).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import type { Cluster, Inventory } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const armExample = (name: string): string =>
  fileURLToPath(new URL(`../../../shared/fixtures/arm-examples/${name}`, import.meta.url));

async function read(...paths: string[]): Promise<Inventory> {
  const collected = await readSnapshot(paths);
  return normalize(collected.rows, { tables: collected.coverage.tables });
}

function only<T>(map: ReadonlyMap<string, T>): T {
  assert.equal(map.size, 1, "expected exactly one entry");
  return [...map.values()][0]!;
}

function codes(inventory: Inventory): string[] {
  return inventory.diagnostics.map((diagnostic) => `${diagnostic.level}:${diagnostic.code}`);
}

/** The verdict-relevant part of a cluster, without where it was read from. */
function facts(cluster: Cluster): Omit<Cluster, "source"> {
  return Object.fromEntries(Object.entries(cluster).filter(([key]) => key !== "source")) as Omit<
    Cluster,
    "source"
  >;
}

describe("a single ARM object", () => {
  test("an `aks create --sku automatic` response body is one cluster", async () => {
    const inventory = await read(fixture("arm/aks-automatic-create.json"));
    const cluster = only(inventory.clusters);
    assert.equal(cluster.sku, "Automatic");
    assert.equal(cluster.apiServerAccessProfile.enableVnetIntegration, true);
    assert.equal(cluster.apiServerAccessProfile.subnetId, undefined, "empty subnetId: AKS-managed VNet");
    assert.equal(cluster.resourceGroup, "clitest000001");
    assert.deepEqual(
      cluster.agentPools.map((pool) => [pool.name, pool.vmSize, pool.count, pool.maxSurge]),
      [["nodepool1", "standard_d4lds_v5", 3, "10%"]],
    );
    assert.deepEqual(codes(inventory), []);
  });
});

describe("the Azure CLI's flattened shape", () => {
  test("`az aks show` reads as the ARM GET it was printed from", async () => {
    const flattened = only((await read(fixture("az/aks-show-automatic.json"))).clusters);
    const arm = only((await read(fixture("arm/aks-automatic-get.json"))).clusters);
    assert.deepEqual(facts(flattened), facts(arm));
    assert.equal(flattened.networkPluginMode, "overlay");
    assert.equal(flattened.nodeResourceGroup, "MC_clitest000001_cliakstest000001_westus2");
  });

  test("`az network vnet subnet show` re-nests, delegations and ipConfigurations included", async () => {
    const inventory = await read(fixture("az/subnet-show-apiserver-aks-managed.json"));
    const subnet = only(inventory.subnets);
    assert.deepEqual(subnet.addressPrefixes, ["10.226.0.0/28"]);
    assert.deepEqual(subnet.delegations, [{ serviceName: "Microsoft.ContainerService/managedClusters" }]);
    assert.match(
      subnet.ipConfigurationIds[0] ?? "",
      /loadBalancers\/KUBE-APISERVER\/frontendIPConfigurations/,
    );
    assert.match(subnet.networkSecurityGroupId ?? "", /aks-agentpool-68386414-nsg$/);
    assert.match(subnet.vnetKey, /virtualnetworks\/aks-vnet-68386414$/);
    assert.deepEqual(subnet.serviceAssociationLinkTypes, ["Microsoft.ContainerService/managedClusters"]);
    assert.deepEqual(codes(inventory), []);
  });

  test("`az network nsg rule list` rows are security rules of their NSG", async () => {
    const inventory = await read(fixture("az/nsg-rule-list.json"));
    const rule = only(inventory.securityRules);
    assert.deepEqual(
      [rule.name, rule.priority, rule.direction, rule.access, rule.protocol, rule.destinationPortRanges],
      ["default-allow-ssh", 1000, "Inbound", "Allow", "Tcp", ["22"]],
    );
    assert.deepEqual(rule.sourceAddressPrefixes, ["*"]);
    assert.match(rule.nsgKey, /networksecuritygroups\/my-vmnsg$/);
    assert.deepEqual(codes(inventory), []);
  });
});

describe("agent pool resources", () => {
  test("an agent pool list merges into its cluster by id", async () => {
    const inventory = await read(
      armExample("aks-ManagedClustersGet.json"),
      fixture("spec/aks-AgentPoolsList.json"),
    );
    const cluster = only(inventory.clusters);
    assert.deepEqual(
      cluster.agentPools.map((pool) => [pool.name, pool.vmSize, pool.count, pool.maxPods]),
      [
        ["nodepool1", "Standard_DS1_v2", 3, 110],
        ["agentpool1", "Standard_DS1_v2", 3, 110],
      ],
    );
  });

  test("a pool of the same name replaces the cluster's profile of it", async () => {
    const collected = await readSnapshot([fixture("arm/aks-automatic-create.json")]);
    const pool = {
      id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/clitest000001/providers/Microsoft.ContainerService/managedClusters/cliakstest000001/agentPools/NODEPOOL1",
      name: "nodepool1",
      properties: { count: 5, vmSize: "standard_d4lds_v5" },
    };
    const rows = [
      ...collected.rows,
      { table: "resources", value: pool, source: { origin: "pools.json", row: 0 } },
    ];
    const cluster = only(normalize(rows).clusters);
    assert.deepEqual(
      cluster.agentPools.map((candidate) => [candidate.name, candidate.count]),
      [["nodepool1", 5]],
    );
  });

  test("pools without their cluster make no cluster, so no rule judges defaults", async () => {
    const inventory = await read(fixture("spec/aks-AgentPoolsList.json"));
    assert.equal(inventory.clusters.size, 0);
    assert.deepEqual(codes(inventory), ["warning:cluster-not-found"]);
    assert.match(
      inventory.diagnostics[0]?.message ?? "",
      /managedclusters\/clustername1, which no input row describes/,
    );
  });
});

describe("duplicate ids", () => {
  const create = fixture("arm/aks-automatic-create.json");
  const get = fixture("arm/aks-automatic-get.json");
  for (const [order, paths] of [
    ["create first", [create, get]],
    ["create last", [get, create]],
  ] as const) {
    test(`the settled copy wins over the one still Creating (${order})`, async () => {
      const inventory = await read(...paths);
      const cluster = only(inventory.clusters);
      assert.equal(cluster.source.origin, get);
      const [duplicate] = inventory.diagnostics;
      assert.equal(duplicate?.code, "duplicate-id");
      assert.ok(
        duplicate.message.includes(
          `kept the copy in ${get} row 0 (provisioningState Succeeded is settled, Creating was still running), dropped the one in ${create}`,
        ),
        duplicate.message,
      );
    });
  }
});

describe("folders that mix every shape", () => {
  test("the fixture folder (ARM objects, az output, a spec example) reads with no error", async () => {
    const collected = await readSnapshot([fixture(""), armExample("aks-ManagedClustersGet.json")]);
    const inventory = normalize(collected.rows, { tables: collected.coverage.tables });
    assert.deepEqual(
      [...collected.diagnostics, ...inventory.diagnostics].filter(
        (diagnostic) => diagnostic.level === "error",
      ),
      [],
    );
    assert.deepEqual(
      [...inventory.clusters.values()].map((cluster) => [cluster.name, cluster.agentPools.length]).sort(),
      [
        ["cliakstest000001", 1],
        ["clustername1", 2],
      ],
    );
    assert.equal(inventory.subnets.size, 1);
    assert.equal(inventory.securityRules.size, 1);
  });
});
