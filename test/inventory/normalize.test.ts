// Normalizer behaviour on hand-made rows: malformed input, NSG defaults, duplicates, derived fields, role assignments.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const sub = "/subscriptions/00000000-0000-0000-0000-000000000001";
const rg = `${sub}/resourceGroups/rg-net`;
const vnetId = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-a`;
const clusterId = `${sub}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-a`;
const nsgId = `${rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-a`;

function rawRows(...values: unknown[]): RawRow[] {
  return values.map((value, row) => ({ table: "resources", value, source: { origin: "test.json", row } }));
}

const goodCluster = {
  id: clusterId,
  type: "microsoft.containerservice/managedclusters",
  properties: { agentPoolProfiles: [{ name: "system", count: 3 }] },
};

function vnet(
  subnetProperties: Record<string, unknown>,
  addressPrefixes: unknown = ["10.0.0.0/16"],
): unknown {
  return {
    id: vnetId,
    type: "Microsoft.Network/virtualNetworks",
    properties: {
      addressSpace: { addressPrefixes },
      subnets: [{ name: "s1", id: `${vnetId}/subnets/s1`, properties: subnetProperties }],
    },
  };
}

describe("malformed rows", () => {
  const cases: {
    name: string;
    row: unknown;
    level: string;
    code: string;
    field?: string;
    also?: (inventory: ReturnType<typeof normalize>) => void;
  }[] = [
    {
      name: "row without id",
      row: { type: "microsoft.network/virtualnetworks", properties: {} },
      level: "error",
      code: "malformed-row",
      field: "id",
    },
    { name: "row that is a number", row: 42, level: "error", code: "malformed-row" },
    { name: "row that is null", row: null, level: "error", code: "malformed-row" },
    {
      name: "subnet prefix /33",
      row: vnet({ addressPrefix: "10.0.0.0/33" }),
      level: "error",
      code: "invalid-prefix",
      field: "properties.subnets[0].properties.addressPrefix",
      also: (inventory) => {
        assert.deepEqual(inventory.subnets.get(`${vnetId}/subnets/s1`.toLowerCase())?.addressPrefixes, []);
      },
    },
    {
      name: "VNet address space 'banana'",
      row: vnet({ addressPrefix: "10.0.1.0/24" }, ["banana", "10.0.0.0/16"]),
      level: "error",
      code: "invalid-prefix",
      field: "properties.addressSpace.addressPrefixes",
      also: (inventory) => {
        assert.deepEqual(inventory.virtualNetworks.get(vnetId.toLowerCase())?.addressPrefixes, [
          "10.0.0.0/16",
        ]);
      },
    },
    {
      name: "subnet prefixes of the wrong type",
      row: vnet({ addressPrefixes: [7, "10.0.2.0/24"] }),
      level: "warning",
      code: "wrong-type",
      field: "properties.subnets[0].properties.addressPrefixes[0]",
      also: (inventory) => {
        assert.deepEqual(inventory.subnets.get(`${vnetId}/subnets/s1`.toLowerCase())?.addressPrefixes, [
          "10.0.2.0/24",
        ]);
      },
    },
    {
      name: "pool count as a string",
      row: {
        ...goodCluster,
        id: `${clusterId}-2`,
        properties: { agentPoolProfiles: [{ name: "p", count: "3" }] },
      },
      level: "warning",
      code: "number-as-string",
      field: "properties.agentPoolProfiles[0].count",
      also: (inventory) => {
        assert.equal(inventory.clusters.get(`${clusterId}-2`.toLowerCase())?.agentPools[0]?.count, 3);
      },
    },
    {
      name: "properties that are a number",
      row: { ...goodCluster, id: `${clusterId}-2`, properties: 5 },
      level: "warning",
      code: "wrong-type",
      field: "properties",
      also: (inventory) => {
        assert.equal(inventory.clusters.get(`${clusterId}-2`.toLowerCase())?.agentPools.length, 0);
      },
    },
    {
      name: "agentPoolProfiles that is a string",
      row: { ...goodCluster, id: `${clusterId}-2`, properties: { agentPoolProfiles: "x" } },
      level: "warning",
      code: "wrong-type",
      field: "properties.agentPoolProfiles",
    },
    {
      name: "NSG rule without priority",
      row: {
        id: nsgId,
        type: "microsoft.network/networksecuritygroups",
        properties: {
          securityRules: [
            { name: "r", properties: { direction: "Inbound", access: "Deny", protocol: "Tcp" } },
          ],
        },
      },
      level: "error",
      code: "malformed-rule",
      field: "properties.securityRules[0]",
      also: (inventory) => {
        assert.equal(inventory.networkSecurityGroups.get(nsgId.toLowerCase())?.securityRules.length, 6);
      },
    },
    {
      name: "IP group entry 10.0.0.300",
      row: {
        id: `${rg}/providers/Microsoft.Network/ipGroups/g`,
        type: "microsoft.network/ipgroups",
        properties: { ipAddresses: ["10.0.0.300", "10.0.0.1-10.0.0.9"] },
      },
      level: "error",
      code: "invalid-prefix",
      field: "properties.ipAddresses",
      also: (inventory) => {
        assert.deepEqual([...inventory.ipGroups.values()][0]?.ipAddresses, ["10.0.0.1-10.0.0.9"]);
      },
    },
    {
      name: "firewall destination 10.0.0.0/33",
      row: {
        id: `${rg}/providers/Microsoft.Network/firewallPolicies/p/ruleCollectionGroups/g`,
        properties: {
          ruleCollections: [
            {
              name: "c",
              rules: [
                { ruleType: "NetworkRule", name: "r", destinationAddresses: ["10.0.0.0/33", "AzureCloud"] },
              ],
            },
          ],
        },
      },
      level: "error",
      code: "invalid-prefix",
      field: "properties.ruleCollections[0].rules[0].destinationAddresses",
      also: (inventory) => {
        assert.deepEqual(
          [...inventory.firewallPolicyRuleCollectionGroups.values()][0]?.rules[0]?.destinationAddresses,
          ["AzureCloud"],
        );
      },
    },
    {
      name: "load balancer frontend IP 'banana'",
      row: {
        id: `${rg}/providers/Microsoft.Network/loadBalancers/kube-apiserver`,
        properties: {
          frontendIPConfigurations: [{ name: "fe", properties: { privateIPAddress: "banana" } }],
        },
      },
      level: "error",
      code: "invalid-address",
      field: "properties.frontendIPConfigurations[0].properties.privateIPAddress",
      also: (inventory) => {
        assert.equal(
          [...inventory.loadBalancers.values()][0]?.frontendIpConfigurations[0]?.privateIpAddress,
          undefined,
        );
      },
    },
    {
      name: "role assignment without principalId",
      row: {
        id: `${sub}/providers/Microsoft.Authorization/roleAssignments/x`,
        properties: { roleDefinitionId: "/x/y" },
      },
      level: "error",
      code: "malformed-row",
    },
    {
      name: "change record without target",
      row: {
        id: `${clusterId}/providers/Microsoft.Resources/changes/c1`,
        properties: { changeType: "Update" },
      },
      level: "error",
      code: "malformed-row",
    },
  ];

  for (const { name, row, level, code, field, also } of cases) {
    test(name, () => {
      const inventory = normalize(rawRows(goodCluster, row));
      const diagnostic = inventory.diagnostics.find((candidate) => candidate.code === code);
      assert.ok(diagnostic, `no ${code} in ${JSON.stringify(inventory.diagnostics)}`);
      assert.equal(diagnostic.level, level);
      assert.equal(diagnostic.origin, "test.json");
      assert.equal(diagnostic.row, 1);
      if (field !== undefined) assert.equal(diagnostic.field, field);
      assert.match(diagnostic.message, /^test\.json row 1/);
      assert.doesNotMatch(diagnostic.message, /\n/);
      assert.ok(inventory.clusters.has(clusterId.toLowerCase()), "the good row is still in the inventory");
      also?.(inventory);
    });
  }

  test("a bad prefix names the value in its message", () => {
    const inventory = normalize(rawRows(vnet({ addressPrefix: "10.0.0.0/33" })));
    assert.match(inventory.diagnostics[0]?.message ?? "", /"10\.0\.0\.0\/33"/);
  });
});

describe("hostile input", () => {
  test("rows that are not RawRows yield diagnostics only", () => {
    const inventory = normalize([null, 1, "x", [], {}] as unknown as RawRow[]);
    assert.equal(inventory.diagnostics.length, 5);
    assert.ok(inventory.diagnostics.every((diagnostic) => diagnostic.code === "malformed-row"));
    assert.equal(
      inventory.clusters.size + inventory.virtualNetworks.size + inventory.resourceChanges.length,
      0,
    );
  });

  test("row values that are not objects yield diagnostics only", () => {
    const inventory = normalize(rawRows(null, 1, "x", [], {}));
    assert.deepEqual(
      inventory.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.row]),
      [0, 1, 2, 3, 4].map((row) => ["malformed-row", row]),
    );
  });

  test("keys named like prototype members stay data", () => {
    const row = JSON.parse(
      `{"id":"${clusterId}","type":"microsoft.containerservice/managedclusters","tags":{"__proto__":"x","constructor":"y"},"properties":{"constructor":1}}`,
    );
    const cluster = normalize(rawRows(row)).clusters.get(clusterId.toLowerCase());
    assert.equal(cluster?.tags.constructor, "y");
    assert.equal(Object.getPrototypeOf(cluster.tags), Object.prototype);
  });

  test("any JSON value, as a row or as a row's value, never throws", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const value: unknown = JSON.parse(text);
        normalize([value] as unknown as RawRow[]);
        normalize(
          rawRows(value, {
            id: clusterId,
            type: "microsoft.containerservice/managedclusters",
            properties: value,
          }),
        );
      }),
      { numRuns: 300 },
    );
  });

  test("any JS value under any known type never throws", () => {
    const types = [
      "microsoft.containerservice/managedclusters",
      "microsoft.network/virtualnetworks",
      "microsoft.network/networksecuritygroups",
      "microsoft.network/azurefirewalls",
      "microsoft.network/privateendpoints",
      "microsoft.resources/changes",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.anything(), fc.anything(), (type, properties, anything) => {
        const inventory = normalize(
          rawRows(
            { id: `${rg}/providers/x/y/z`, type, properties, identity: anything, sku: anything },
            anything,
          ),
        );
        assert.ok(Array.isArray(inventory.diagnostics));
      }),
      { numRuns: 300 },
    );
  });
});

describe("NSG rules", () => {
  test("synthesizes Azure's six default rules when the row has none", () => {
    const inventory = normalize(
      rawRows({
        id: nsgId,
        type: "microsoft.network/networksecuritygroups",
        properties: { securityRules: [] },
      }),
    );
    const rules = inventory.networkSecurityGroups.get(nsgId.toLowerCase())?.securityRules ?? [];
    assert.deepEqual(
      rules.map((rule) => [
        rule.name,
        rule.priority,
        rule.direction,
        rule.access,
        rule.sourceAddressPrefixes[0],
        rule.destinationAddressPrefixes[0],
        rule.isDefault,
      ]),
      [
        ["AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork", true],
        ["AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*", true],
        ["DenyAllInBound", 65500, "Inbound", "Deny", "*", "*", true],
        ["AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork", true],
        ["AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet", true],
        ["DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*", true],
      ],
    );
    assert.equal(rules[0]?.id, `${nsgId}/defaultSecurityRules/AllowVnetInBound`);
    assert.equal(
      inventory.securityRules.get(`${nsgId}/defaultSecurityRules/DenyAllInBound`.toLowerCase())?.nsgKey,
      nsgId.toLowerCase(),
    );
    assert.deepEqual(inventory.diagnostics, []);
  });

  test("merges singular and plural prefix and port fields, keeps ASGs and subnets", () => {
    const inventory = normalize(
      rawRows({
        id: nsgId,
        type: "Microsoft.Network/networkSecurityGroups",
        properties: {
          subnets: [{ id: `${vnetId}/subnets/s1` }],
          securityRules: [
            {
              name: "allow-api",
              properties: {
                priority: 100,
                direction: "inbound",
                access: "allow",
                protocol: "Tcp",
                sourceAddressPrefix: "10.0.0.0/24",
                sourceAddressPrefixes: ["10.1.0.0/24"],
                destinationAddressPrefixes: ["10.2.0.0/28"],
                destinationPortRange: "443",
                destinationPortRanges: ["4443", "9988"],
                sourceApplicationSecurityGroups: [
                  { id: `${rg}/providers/Microsoft.Network/applicationSecurityGroups/asg` },
                ],
              },
            },
          ],
        },
      }),
    );
    const nsg = inventory.networkSecurityGroups.get(nsgId.toLowerCase());
    assert.ok(nsg);
    const rule = nsg.securityRules[0];
    assert.equal(rule?.id, `${nsgId}/securityRules/allow-api`);
    assert.deepEqual([rule.direction, rule.access, rule.protocol], ["Inbound", "Allow", "Tcp"]);
    assert.deepEqual(rule.sourceAddressPrefixes, ["10.0.0.0/24", "10.1.0.0/24"]);
    assert.deepEqual(rule.destinationPortRanges, ["443", "4443", "9988"]);
    assert.equal(rule.sourceApplicationSecurityGroupIds.length, 1);
    assert.deepEqual(nsg.subnetIds, [`${vnetId}/subnets/s1`]);
    assert.equal(nsg.securityRules.length, 7);
  });
});

describe("ids and types", () => {
  test("duplicate ids in different case are one resource: the later row is kept and named", () => {
    const upper = { ...goodCluster, id: clusterId.toUpperCase(), properties: { agentPoolProfiles: [] } };
    const inventory = normalize(rawRows(goodCluster, upper));
    assert.equal(inventory.clusters.size, 1);
    assert.equal(inventory.clusters.get(clusterId.toLowerCase())?.id, clusterId.toUpperCase());
    const duplicate = inventory.diagnostics.find((diagnostic) => diagnostic.code === "duplicate-id");
    assert.deepEqual([duplicate?.level, duplicate?.row], ["warning", 1]);
    assert.match(
      duplicate?.message ?? "",
      /kept the copy in test.json row 1 \(.*later row\), dropped the one in test.json row 0/,
    );
  });

  test("type is derived from the id and matched in any case", () => {
    const inventory = normalize(
      rawRows(
        { id: `${vnetId}/subnets/s9`, properties: { addressPrefix: "10.0.9.0/24" } },
        { ...goodCluster, type: "MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS" },
        { id: `${rg}/providers/Microsoft.Compute/virtualMachines/vm1` },
      ),
    );
    const subnet = inventory.subnets.get(`${vnetId}/subnets/s9`.toLowerCase());
    assert.equal(subnet?.vnetKey, vnetId.toLowerCase());
    assert.equal(inventory.clusters.size, 1);
    const unknown = inventory.diagnostics.filter((diagnostic) => diagnostic.code === "unknown-type");
    assert.deepEqual(
      unknown.map((diagnostic) => diagnostic.level),
      ["info"],
    );
    assert.match(unknown[0]?.message ?? "", /microsoft\.compute\/virtualmachines/);
  });

  test("tenant, subscription and resource group come from the row, else from the id; the id wins a contradiction", () => {
    const fromRow = {
      ...goodCluster,
      tenantId: "t1",
      subscriptionId: "00000000-0000-0000-0000-000000000001".toUpperCase(),
      resourceGroup: "RG-AKS",
      location: "westeurope",
    };
    const fromId = { ...goodCluster, id: `${clusterId}-b` };
    const contradicting = {
      ...goodCluster,
      id: `${clusterId}-c`,
      subscriptionId: "s-row",
      resourceGroup: "rg-row",
    };
    const inventory = normalize(rawRows(fromRow, fromId, contradicting));
    const first = inventory.clusters.get(clusterId.toLowerCase());
    const second = inventory.clusters.get(`${clusterId}-b`.toLowerCase());
    const third = inventory.clusters.get(`${clusterId}-c`.toLowerCase());
    assert.deepEqual(
      [first?.tenantId, first?.subscriptionId, first?.resourceGroup, first?.location],
      ["t1", "00000000-0000-0000-0000-000000000001".toUpperCase(), "RG-AKS", "westeurope"],
    );
    assert.deepEqual(
      [second?.tenantId, second?.subscriptionId, second?.resourceGroup, second?.location, second?.name],
      ["", "00000000-0000-0000-0000-000000000001", "rg-aks", "", "aks-a-b"],
    );
    assert.deepEqual(
      [third?.subscriptionId, third?.resourceGroup],
      ["00000000-0000-0000-0000-000000000001", "rg-aks"],
    );
    assert.deepEqual(
      inventory.diagnostics
        .filter((diagnostic) => diagnostic.code === "field-mismatch")
        .map((diagnostic) => [diagnostic.resourceId, diagnostic.field]),
      [
        [`${clusterId}-c`, "subscriptionId"],
        [`${clusterId}-c`, "resourceGroup"],
      ],
    );
  });

  test("a VNet's own subnet listing wins over a standalone subnet row, whatever the order", () => {
    const standalone = { id: `${vnetId}/subnets/s1`, properties: { addressPrefix: "10.0.99.0/24" } };
    const extra = { id: `${vnetId}/subnets/s2`, properties: { addressPrefix: "10.0.2.0/24" } };
    const inventory = normalize(rawRows(standalone, vnet({ addressPrefix: "10.0.1.0/24" }), extra));
    assert.deepEqual(inventory.subnets.get(`${vnetId}/subnets/s1`.toLowerCase())?.addressPrefixes, [
      "10.0.1.0/24",
    ]);
    assert.deepEqual(
      inventory.virtualNetworks.get(vnetId.toLowerCase())?.subnets.map((subnet) => subnet.name),
      ["s1", "s2"],
    );
    assert.deepEqual(inventory.diagnostics, []);
  });
});

describe("clusters", () => {
  test("reads sku, access profile, pools, identity and power state", () => {
    const inventory = normalize(
      rawRows({
        id: clusterId,
        type: "microsoft.containerservice/managedclusters",
        sku: { name: "Automatic", tier: "Standard" },
        identity: {
          type: "UserAssigned",
          principalId: "p-system",
          userAssignedIdentities: { "/x/id1": { principalId: "p-user" }, "/x/id2": {} },
        },
        systemData: { createdAt: "2025-07-01T00:00:00Z" },
        properties: {
          kubernetesVersion: "1.30",
          currentKubernetesVersion: "1.30.4",
          nodeResourceGroup: "MC_rg_aks",
          powerState: { code: "Stopped" },
          apiServerAccessProfile: { enableVnetIntegration: true, subnetId: "" },
          networkProfile: {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            ipFamilies: ["IPv4", "IPv6"],
          },
          agentPoolProfiles: [
            {
              name: "a",
              count: 2,
              vnetSubnetID: `${vnetId}/subnets/nodes`,
              podSubnetID: `${vnetId}/subnets/pods`,
              enableAutoScaling: true,
              maxCount: 5,
              upgradeSettings: { maxSurge: 5 },
            },
            { name: "b", count: 1, vnetSubnetId: `${vnetId}/subnets/other` },
          ],
        },
      }),
    );
    const cluster = inventory.clusters.get(clusterId.toLowerCase());
    assert.equal(cluster?.sku, "Automatic");
    assert.deepEqual(cluster.apiServerAccessProfile.enableVnetIntegration, true);
    assert.equal(cluster.apiServerAccessProfile.subnetId, undefined);
    assert.equal(cluster.powerState, "Stopped");
    assert.equal(cluster.kubernetesVersion, "1.30.4");
    assert.deepEqual(cluster.identityPrincipalIds, ["p-system", "p-user"]);
    assert.equal(cluster.createdAt, "2025-07-01T00:00:00Z");
    assert.deepEqual(
      cluster.agentPools.map((pool) => [
        pool.vnetSubnetId?.split("/").at(-1),
        pool.podSubnetId,
        pool.maxSurge,
        pool.maxCount,
        pool.enableAutoScaling,
      ]),
      [
        ["nodes", `${vnetId}/subnets/pods`, "5", 5, true],
        ["other", undefined, undefined, undefined, false],
      ],
    );
    assert.equal(cluster.networkPluginMode, "overlay");
    // The pools name subnets of a VNet that is not among the rows: said once per reference, nothing else.
    assert.deepEqual(
      inventory.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.field]),
      [0, 1].map((pool) => ["subnet-not-found", `properties.agentPoolProfiles[${pool}].vnetSubnetID`]),
    );
  });
});

describe("change records", () => {
  test("reads the ARG resourcechanges shape with values as strings", () => {
    const inventory = normalize(
      rawRows({
        id: `${clusterId}/providers/Microsoft.Resources/changes/c1`,
        type: "microsoft.resources/changes",
        properties: {
          targetResourceId: clusterId,
          changeType: "Update",
          changeAttributes: { timestamp: "2025-08-01T10:00:00Z" },
          changes: {
            "properties.apiServerAccessProfile.enableVnetIntegration": {
              previousValue: false,
              newValue: true,
              propertyChangeType: "Update",
            },
            "properties.powerState.code": { previousValue: "Stopped", newValue: "Running" },
            "properties.added": { newValue: null },
          },
        },
      }),
    );
    const [change] = inventory.resourceChanges;
    assert.equal(change?.targetKey, clusterId.toLowerCase());
    assert.equal(change.timestamp, "2025-08-01T10:00:00Z");
    assert.deepEqual(change.changes, {
      "properties.apiServerAccessProfile.enableVnetIntegration": { before: "false", after: "true" },
      "properties.powerState.code": { before: "Stopped", after: "Running" },
      "properties.added": { before: undefined, after: undefined },
    });
  });
});

describe("role assignments", () => {
  const assignment = {
    id: `${sub}/providers/Microsoft.Authorization/roleAssignments/ra1`,
    type: "microsoft.authorization/roleassignments",
    properties: {
      roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/4D97B98B-1D4F-4787-A291-C67834D212E7`,
      principalId: "p1",
      scope: vnetId,
    },
  };
  const cases = [
    { name: "not collected: undefined", rows: [goodCluster], tables: undefined, expected: undefined },
    {
      name: "table read but empty: []",
      rows: [goodCluster],
      tables: ["resources", "AuthorizationResources"],
      expected: [],
    },
    {
      name: "a row seen without the table: read",
      rows: [assignment],
      tables: ["resources"],
      expected: ["4d97b98b-1d4f-4787-a291-c67834d212e7"],
    },
  ];
  for (const { name, rows, tables, expected } of cases) {
    test(name, () => {
      const inventory = normalize(rawRows(...rows), tables === undefined ? {} : { tables });
      assert.deepEqual(
        inventory.roleAssignments?.map((role) => role.roleDefinitionGuid),
        expected,
      );
    });
  }

  test("keeps scope, principal and source", () => {
    const [role] = normalize(rawRows(assignment)).roleAssignments ?? [];
    assert.deepEqual([role?.scope, role?.principalId, role?.source.row], [vnetId, "p1", 0]);
  });
});

describe("agent pool application security groups", () => {
  const asg = `${rg}/providers/Microsoft.Network/applicationSecurityGroups/asg-nodes`;
  const cases: {
    name: string;
    networkProfile: unknown;
    expected: readonly string[] | undefined;
    warns: boolean;
  }[] = [
    {
      name: "listed ASGs are read",
      networkProfile: { applicationSecurityGroups: [asg] },
      expected: [asg],
      warns: false,
    },
    { name: "no networkProfile: in no ASG", networkProfile: undefined, expected: [], warns: false },
    {
      name: "an empty list: in no ASG",
      networkProfile: { applicationSecurityGroups: [] },
      expected: [],
      warns: false,
    },
    {
      name: "not a list: membership unknown",
      networkProfile: { applicationSecurityGroups: asg },
      expected: undefined,
      warns: true,
    },
  ];
  for (const { name, networkProfile, expected, warns } of cases) {
    test(name, () => {
      const pool = { name: "system", count: 3, ...(networkProfile === undefined ? {} : { networkProfile }) };
      const inventory = normalize(rawRows({ ...goodCluster, properties: { agentPoolProfiles: [pool] } }));
      const [read] = inventory.clusters.get(clusterId.toLowerCase())?.agentPools ?? [];
      assert.deepEqual(read?.applicationSecurityGroupIds, expected);
      assert.equal(
        inventory.diagnostics.some((diagnostic) => diagnostic.code === "wrong-type"),
        warns,
      );
    });
  }
});
