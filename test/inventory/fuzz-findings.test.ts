// Silent drops the mutation fuzzer (test/reliability/mutation-fuzz.test.ts) found, one small input each.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import type { Inventory, RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";
import { tempFolder } from "../reliability/cli.ts";

const sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
const rg = `${sub}/resourceGroups/rg-net`;
const vnetId = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-a`;
const subnetId = `${vnetId}/subnets/s1`;
const clusterId = `${sub}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-a`;
const nsgId = `${rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-a`;
const lbId = `${sub}/resourceGroups/MC_rg/providers/Microsoft.Network/loadBalancers/kube-apiserver`;
const policyId = `${rg}/providers/Microsoft.Network/firewallPolicies/policy`;
const endpointId = `${rg}/providers/Microsoft.Network/privateEndpoints/pe`;

function rows(...values: unknown[]): RawRow[] {
  return values.map((value, row) => ({ table: "resources", value, source: { origin: "test.json", row } }));
}

function vnet(subnet: Record<string, unknown>): unknown {
  return {
    id: vnetId,
    type: "Microsoft.Network/virtualNetworks",
    properties: {
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [{ id: subnetId, name: "s1", properties: { addressPrefix: "10.0.0.0/24", ...subnet } }],
    },
  };
}

function cluster(properties: Record<string, unknown>): unknown {
  return {
    id: clusterId,
    type: "Microsoft.ContainerService/managedClusters",
    properties: {
      nodeResourceGroup: "MC_rg",
      agentPoolProfiles: [{ name: "system", count: 3 }],
      ...properties,
    },
  };
}

const rule = (properties: Record<string, unknown>): unknown => ({
  name: "r",
  properties: { priority: 100, direction: "Inbound", access: "Deny", protocol: "Tcp", ...properties },
});

interface Finding {
  readonly name: string;
  readonly input: unknown[];
  /** `level code field` of the diagnostic that now names it. */
  readonly diagnostic: string;
  readonly resourceId: string;
  readonly model?: (inventory: Inventory) => void;
}

const findings: Finding[] = [
  {
    name: "an ipConfiguration listed twice is counted once",
    input: [vnet({ ipConfigurations: [{ id: `${lbId}/x` }, { id: `${lbId}/X` }] })],
    diagnostic: "warning duplicate-element properties.subnets[0].properties.ipConfigurations[1]",
    resourceId: vnetId,
    model: (inventory) => {
      assert.equal(inventory.subnets.get(subnetId.toLowerCase())?.ipConfigurationIds.length, 1);
    },
  },
  {
    name: "an ipConfiguration without its id is dropped and said (it held an address)",
    input: [vnet({ ipConfigurations: [{ id: `${lbId}/x` }, { name: "no-id" }] })],
    diagnostic: "warning dropped-element properties.subnets[0].properties.ipConfigurations[1]",
    resourceId: vnetId,
    model: (inventory) => {
      assert.ok(inventory.subnets.get(subnetId.toLowerCase())?.contentGaps);
    },
  },
  {
    name: "a delegation without serviceName is a content gap, not 'not delegated'",
    input: [vnet({ delegations: [{ name: "d", properties: {} }] })],
    diagnostic: "warning missing-field properties.subnets[0].properties.delegations[0]",
    resourceId: vnetId,
    model: (inventory) => {
      assert.ok(inventory.subnets.get(subnetId.toLowerCase())?.contentGaps);
    },
  },
  {
    name: "an agent pool listed twice is counted once",
    input: [
      cluster({
        agentPoolProfiles: [
          { name: "system", count: 3 },
          { name: "System", count: 3 },
        ],
      }),
    ],
    diagnostic: "warning duplicate-element properties.agentPoolProfiles[1]",
    resourceId: clusterId,
    model: (inventory) => {
      assert.equal(inventory.clusters.get(clusterId.toLowerCase())?.agentPools.length, 1);
    },
  },
  {
    name: "a maxSurge that is neither a count nor a percentage",
    input: [
      cluster({
        agentPoolProfiles: [{ name: "system", count: 3, upgradeSettings: { maxSurge: "33%\ud800" } }],
      }),
    ],
    diagnostic: "warning invalid-value properties.agentPoolProfiles[0].upgradeSettings.maxSurge",
    resourceId: clusterId,
  },
  {
    name: "a cluster without nodeResourceGroup (where its API server endpoint lives)",
    input: [
      {
        id: clusterId,
        type: "Microsoft.ContainerService/managedClusters",
        properties: { agentPoolProfiles: [] },
      },
    ],
    diagnostic: "warning missing-field properties.nodeResourceGroup",
    resourceId: clusterId,
  },
  {
    name: "a subscriptionId that contradicts the id: the id's is used",
    input: [{ ...(cluster({}) as object), subscriptionId: "\u202e00000000-0000-0000-0000-000000000001" }],
    diagnostic: "warning field-mismatch subscriptionId",
    resourceId: clusterId,
    model: (inventory) => {
      assert.equal(
        inventory.clusters.get(clusterId.toLowerCase())?.subscriptionId,
        "00000000-0000-0000-0000-000000000001",
      );
    },
  },
  {
    name: "a garbled type on a load balancer's id: read as the id says",
    input: [
      {
        id: lbId,
        type: "Microsoft.Network/loadBalancers\u0000",
        properties: { frontendIPConfigurations: [] },
      },
    ],
    diagnostic: "warning field-mismatch type",
    resourceId: lbId,
    model: (inventory) => {
      assert.equal(inventory.loadBalancers.size, 1);
    },
  },
  {
    name: "a load balancer frontend without properties has no address to give",
    input: [
      {
        id: lbId,
        type: "Microsoft.Network/loadBalancers",
        properties: { frontendIPConfigurations: [{ name: "f", properties: null }] },
      },
    ],
    diagnostic: "warning missing-properties properties.frontendIPConfigurations[0].properties",
    resourceId: lbId,
  },
  {
    name: "a load balancer without frontendIPConfigurations",
    input: [{ id: lbId, type: "Microsoft.Network/loadBalancers", properties: {} }],
    diagnostic: "warning missing-field properties.frontendIPConfigurations",
    resourceId: lbId,
  },
  {
    name: "an NSG rule without a source prefix cannot be matched",
    input: [
      {
        id: nsgId,
        type: "Microsoft.Network/networkSecurityGroups",
        properties: { securityRules: [rule({ destinationAddressPrefix: "*", destinationPortRange: "443" })] },
      },
    ],
    diagnostic: "warning missing-field properties.securityRules[0].properties.sourceAddressPrefix",
    resourceId: nsgId,
  },
  {
    name: "a firewall policy without properties",
    input: [{ id: policyId, type: "Microsoft.Network/firewallPolicies", properties: null }],
    diagnostic: "warning missing-properties properties",
    resourceId: policyId,
  },
  {
    name: "a private endpoint connection of null",
    input: [
      {
        id: endpointId,
        type: "Microsoft.Network/privateEndpoints",
        properties: { privateLinkServiceConnections: [null] },
      },
    ],
    diagnostic: "warning dropped-element properties.privateLinkServiceConnections[0]",
    resourceId: endpointId,
  },
];

describe("silent drops the fuzzer found are said", () => {
  for (const finding of findings) {
    it(finding.name, () => {
      const inventory = normalize(rows(...finding.input));
      const said = inventory.diagnostics.map((d) => `${d.level} ${d.code} ${d.field ?? ""}`);
      const match = inventory.diagnostics.find(
        (d) => `${d.level} ${d.code} ${d.field ?? ""}` === finding.diagnostic,
      );
      assert.ok(match, said.join("\n"));
      assert.equal(match.resourceId, finding.resourceId);
      finding.model?.(inventory);
    });
  }

  it("a key repeated inside a row: an error naming the resource and field, and a gap (exit 3)", async () => {
    const folder = await tempFolder("repeated-nested-key");
    const file = `${folder}/rows.json`;
    await writeFile(
      file,
      `[{"id":"${lbId}","type":"Microsoft.Network/loadBalancers","properties":{"frontendIPConfigurations":[{"name":"f"}],"frontendIPConfigurations":[]}}]`,
    );
    const collected = await readSnapshot([file]);
    const repeated = collected.diagnostics.find((d) => d.code === "duplicate-key");
    assert.deepEqual(
      [repeated?.level, repeated?.field, repeated?.resourceId],
      ["error", "[0].properties.frontendIPConfigurations", lbId],
    );
    assert.equal(collected.coverage.complete, false);
  });

  it("a key repeated with the same value is a warning and no gap", async () => {
    const folder = await tempFolder("repeated-same-key");
    const file = `${folder}/rows.json`;
    await writeFile(
      file,
      `[{"id":"${lbId}","id":"${lbId}","type":"Microsoft.Network/loadBalancers","properties":{}}]`,
    );
    const collected = await readSnapshot([file]);
    assert.deepEqual(
      collected.diagnostics.filter((d) => d.code === "duplicate-key").map((d) => [d.level, d.field]),
      [["warning", "[0].id"]],
    );
    assert.equal(collected.coverage.complete, true);
  });
});
