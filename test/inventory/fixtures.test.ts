// Every real ARM example payload normalizes without an error diagnostic and yields the values it shows.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Inventory, RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

// CI checks the shared folder out beside the clone.
const folder = new URL("../../../shared/fixtures/arm-examples/", import.meta.url);

/** The rows a response body holds: a list's `value`, an ARG page's `data`, the change API's `changes`, or the body. */
function bodyRows(body: Record<string, unknown>): unknown[] {
  for (const key of ["value", "data", "changes"]) {
    const rows = body[key];
    if (Array.isArray(rows)) return rows;
  }
  return [body];
}

function toRawRows(file: string, rows: readonly unknown[]): RawRow[] {
  return rows.map((value, row) => ({ table: "resources", value, source: { origin: file, row } }));
}

function only<T>(map: ReadonlyMap<string, T>): T {
  assert.equal(map.size, 1, "expected exactly one entry");
  return [...map.values()][0]!;
}

const expectations: Readonly<Record<string, (inventory: Inventory) => void>> = {
  "aks-ManagedClustersCreate_PrivateClusterFQDNSubdomain.json": (inventory) => {
    const cluster = only(inventory.clusters);
    assert.equal(cluster.sku, "Base");
    assert.equal(cluster.hasApiServerAccessProfile, true);
    assert.equal(cluster.apiServerAccessProfile.enablePrivateCluster, true);
    assert.equal(cluster.apiServerAccessProfile.enableVnetIntegration, false);
    assert.match(
      cluster.apiServerAccessProfile.privateDnsZone ?? "",
      /privateDnsZones\/privatelink\.location1\.azmk8s\.io$/,
    );
    assert.equal(cluster.fqdn, undefined);
    assert.equal(cluster.privateFqdn, "domain1.privatelink.location1.azmk8s.io");
  },
  "aks-ManagedClustersCreate_PrivateClusterPublicFQDN.json": (inventory) => {
    const cluster = only(inventory.clusters);
    assert.equal(cluster.apiServerAccessProfile.enablePrivateClusterPublicFqdn, true);
    assert.equal(cluster.apiServerAccessProfile.privateDnsZone, "system");
    assert.equal(cluster.fqdn, "dnsprefix1-ee788a1f.hcp.location1.azmk8s.io");
    assert.equal(cluster.agentPools[0]?.maxPods, 110);
  },
  "aks-ManagedClustersGet.json": (inventory) => {
    const cluster = only(inventory.clusters);
    assert.equal(cluster.key, cluster.id.toLowerCase());
    assert.equal(cluster.type, "microsoft.containerservice/managedclusters");
    assert.equal(cluster.subscriptionId, "00000000-0000-0000-0000-000000000000");
    assert.equal(cluster.resourceGroup, "rg1");
    assert.equal(cluster.hasApiServerAccessProfile, false);
    assert.equal(cluster.apiServerAccessProfile.enableVnetIntegration, false);
    assert.equal(cluster.kubernetesVersion, "1.9.6");
    assert.equal(cluster.networkPlugin, "kubenet");
    assert.deepEqual(cluster.ipFamilies, ["IPv4"]);
    assert.deepEqual(cluster.tags, { archv2: "", tier: "production" });
    const pool = cluster.agentPools[0];
    assert.equal(pool?.maxSurge, "33%");
    assert.equal(pool.count, 3);
    assert.equal(pool.vmSize, "Standard_DS1_v2");
    assert.equal(pool.vnetSubnetId, undefined);
  },
  "aks-ManagedClustersList.json": (inventory) => {
    const cluster = only(inventory.clusters);
    assert.equal(cluster.nodeResourceGroup, "MC_rg1_clustername1_location1");
    assert.equal(cluster.agentPools[0]?.maxSurge, undefined);
  },
  "arg-ResourceChangeDetails.json": (inventory) => {
    const [change] = inventory.resourceChanges;
    assert.equal(change?.id, "53dc0515-b86b-4bc2-979b-e4694ab4a556");
    assert.equal(change.timestamp, "2018-10-31T01:54:24.42Z");
    assert.deepEqual(change.changes, {
      "properties.supportsHttpsTrafficOnly": { before: "false", after: "true" },
    });
  },
  "arg-ResourceChanges.json": (inventory) => {
    assert.deepEqual(
      inventory.resourceChanges.map((change) => [change.changeType, change.timestamp]),
      [
        ["Update", "2018-10-31T01:54:24.42Z"],
        ["Create", "2018-10-30T21:12:31.337Z"],
      ],
    );
    assert.match(inventory.resourceChanges[0]?.targetKey ?? "", /storageaccounts\/mystorageaccount$/);
  },
  "arg-ResourcesFacetQuery.json": (inventory) => {
    const unknown = inventory.diagnostics.filter((diagnostic) => diagnostic.code === "unknown-type");
    assert.equal(unknown.length, 1);
    assert.match(unknown[0]?.message ?? "", /5 row\(s\) of type microsoft\.compute\/virtualmachines/);
  },
  "arg-ResourcesFirstPageQuery.json": (inventory) => {
    assert.equal(inventory.diagnostics.filter((diagnostic) => diagnostic.code === "unknown-type").length, 3);
    assert.equal(inventory.clusters.size, 0);
  },
  "arg-ResourcesNextPageQuery.json": (inventory) => {
    assert.deepEqual(
      inventory.diagnostics.map((diagnostic) => diagnostic.level),
      ["info", "info", "info"],
    );
  },
  "authz-RoleAssignments_Get.json": (inventory) => {
    assert.deepEqual(
      inventory.roleAssignments?.map(({ scope, roleDefinitionGuid, principalId, principalType }) => ({
        scope,
        roleDefinitionGuid,
        principalId,
        principalType,
      })),
      [
        {
          scope: "/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2",
          roleDefinitionGuid: "0b5fe924-9a61-425c-96af-cfe6e287ca2d",
          principalId: "ce2ce14e-85d7-4629-bdbc-454d0519d987",
          principalType: "User",
        },
      ],
    );
  },
  "net-AzureFirewallGet.json": (inventory) => {
    const firewall = only(inventory.azureFirewalls);
    const byKind = (kind: string) => firewall.rules.filter((rule) => rule.kind === kind);
    assert.equal(byKind("network").length, 2);
    assert.equal(byKind("nat").length, 2);
    assert.equal(byKind("application").length, 1);
    const l4 = firewall.rules.find((rule) => rule.name === "L4-traffic");
    assert.deepEqual(l4?.destinationPorts, ["443-444", "8443"]);
    assert.deepEqual(l4.sourceAddresses, ["192.168.1.1-192.168.1.12", "10.1.4.12-10.1.4.255"]);
    assert.equal(l4.action, "Deny");
    assert.equal(l4.collectionName, "netrulecoll");
    const app = byKind("application")[0];
    assert.deepEqual(app?.destinationFqdns, ["www.test.com"]);
    assert.deepEqual(app.protocols, ["Https:443"]);
    assert.deepEqual(byKind("nat")[0]?.destinationAddresses, ["1.2.3.4"]);
  },
  "net-AzureFirewallGetWithIpGroups.json": (inventory) => {
    const rule = only(inventory.azureFirewalls).rules.find((candidate) => candidate.name === "L4-traffic");
    assert.deepEqual(rule?.destinationIpGroupIds, [
      "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Network/resourceGroup/myResourceGroup/ipGroups/ipGroups2",
    ]);
    assert.deepEqual(rule.destinationAddresses, []);
  },
  "net-FirewallPolicyNatRuleCollectionGroupGet.json": (inventory) => {
    const group = only(inventory.firewallPolicyRuleCollectionGroups);
    assert.equal(group.priority, 100);
    assert.deepEqual(
      group.rules.map((rule) => [
        rule.kind,
        rule.action,
        rule.protocols,
        rule.destinationAddresses,
        rule.destinationPorts,
      ]),
      [["nat", "DNAT", ["TCP", "UDP"], ["152.23.32.23"], ["8080"]]],
    );
  },
  "net-FirewallPolicyRuleCollectionGroupGet.json": (inventory) => {
    const group = only(inventory.firewallPolicyRuleCollectionGroups);
    assert.equal(group.type, "microsoft.network/firewallpolicies/rulecollectiongroups");
    assert.equal(
      group.firewallPolicyId,
      "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/firewallPolicies/firewallPolicy",
    );
    assert.equal(group.priority, 110);
    const [rule] = group.rules;
    assert.equal(rule?.kind, "network");
    assert.equal(rule.parentId, group.id);
    assert.equal(rule.collectionName, "Example-Filter-Rule-Collection");
    assert.deepEqual(rule.sourceAddresses, ["10.1.25.0/24"]);
    assert.deepEqual(rule.destinationAddresses, ["*"]);
    assert.deepEqual(rule.protocols, ["TCP"]);
  },
  "net-FirewallPolicyRuleCollectionGroupWithIpGroupsGet.json": (inventory) => {
    const group = only(inventory.firewallPolicyRuleCollectionGroups);
    assert.equal(
      group.firewallPolicyId,
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/firewallPolicies/firewallPolicy",
    );
    assert.deepEqual(group.rules[0]?.destinationIpGroupIds, [
      "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Network/resourceGroup/rg1/ipGroups/ipGroups2",
    ]);
  },
  "net-FirewallPolicyRuleCollectionGroupWithWebCategoriesGet.json": (inventory) => {
    const [rule] = only(inventory.firewallPolicyRuleCollectionGroups).rules;
    assert.equal(rule?.kind, "application");
    assert.deepEqual(rule.protocols, ["Https:443"]);
    assert.deepEqual(rule.destinationPorts, ["443"]);
    assert.equal(rule.description, "Deny inbound rule");
  },
  "net-IpGroupsGet.json": (inventory) => {
    assert.deepEqual(only(inventory.ipGroups).ipAddresses, [
      "13.64.39.16/32",
      "40.74.146.80/31",
      "40.74.147.32/28",
    ]);
  },
  "net-LoadBalancerGet.json": (inventory) => {
    const [frontend] = only(inventory.loadBalancers).frontendIpConfigurations;
    assert.equal(frontend?.privateIpAddress, "10.0.1.4");
    assert.equal(frontend.name, "fe-lb");
    assert.match(frontend.subnetId ?? "", /virtualNetworks\/vnetlb\/subnets\/subnetlb$/);
  },
  "net-NetworkInterfaceGet.json": (inventory) => {
    const nic = only(inventory.networkInterfaces);
    // The second ipConfiguration writes its prefix into privateIPAddress; the address part is kept.
    assert.deepEqual(
      nic.ipConfigurations.map((configuration) => configuration.privateIpAddress),
      ["172.20.2.4", "172.20.2.16"],
    );
    assert.equal(nic.privateEndpointId, undefined);
  },
  "net-NetworkSecurityGroupGet.json": (inventory) => {
    const nsg = only(inventory.networkSecurityGroups);
    assert.equal(nsg.securityRules.filter((rule) => !rule.isDefault).length, 1);
    assert.equal(nsg.securityRules.filter((rule) => rule.isDefault).length, 6);
    assert.equal(inventory.securityRules.size, 7);
    const custom = nsg.securityRules[0];
    assert.deepEqual(
      [custom?.name, custom?.priority, custom?.direction, custom?.access, custom?.destinationPortRanges],
      ["rule1", 130, "Inbound", "Allow", ["80"]],
    );
    const lb = nsg.securityRules.find((rule) => rule.name === "AllowAzureLoadBalancerInBound");
    assert.deepEqual(lb?.sourceAddressPrefixes, ["AzureLoadBalancer"]);
    // Ids read as written (whether held whole or as the NSG's prefix plus the name), keys lower-cased.
    assert.equal(custom?.id, `${nsg.id}/securityRules/rule1`);
    assert.equal(lb.id, `${nsg.id}/defaultSecurityRules/AllowAzureLoadBalancerInBound`);
    for (const rule of nsg.securityRules)
      assert.equal(inventory.securityRules.get(rule.id.toLowerCase()), rule);
  },
  "net-PrivateEndpointGet.json": (inventory) => {
    const endpoint = only(inventory.privateEndpoints);
    assert.deepEqual(endpoint.privateIpAddresses, [
      "192.168.0.4",
      "192.168.0.5",
      "192.168.0.6",
      "192.168.0.7",
    ]);
    assert.deepEqual(endpoint.groupIds, ["groupIdFromResource"]);
    assert.match(endpoint.privateLinkServiceIds[0] ?? "", /privateLinkServices\/testPls$/);
    assert.equal(endpoint.networkInterfaceIds.length, 1);
    assert.match(endpoint.subnetId ?? "", /subnets\/mySubnet$/);
  },
  "net-SubnetGet.json": (inventory) => {
    const subnet = only(inventory.subnets);
    assert.deepEqual(subnet.addressPrefixes, ["10.0.0.0/16"]);
    assert.equal(
      subnet.vnetKey,
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/subnet-test/providers/microsoft.network/virtualnetworks/vnetname",
    );
  },
  "net-SubnetGetWithDelegation.json": (inventory) => {
    assert.deepEqual(only(inventory.subnets).delegations, [
      { serviceName: "Microsoft.Provider/resourceType" },
    ]);
  },
  "net-VirtualNetworkCreateWithEncryption.json": (inventory) => {
    const vnet = only(inventory.virtualNetworks);
    assert.equal(vnet.encryptionEnabled, true);
    assert.deepEqual(vnet.addressPrefixes, ["10.0.0.0/16"]);
    assert.deepEqual(vnet.subnets[0]?.addressPrefixes, ["10.0.0.0/24"]);
  },
  "net-VirtualNetworkGet.json": (inventory) => {
    const vnet = only(inventory.virtualNetworks);
    assert.equal(vnet.encryptionEnabled, false);
    assert.equal(vnet.location, "westus");
    const subnet = only(inventory.subnets);
    assert.equal(subnet.vnetKey, vnet.key);
    assert.equal(subnet.ipConfigurationIds.length, 1);
  },
  "net-VirtualNetworkGetWithSubnetDelegation.json": (inventory) => {
    const subnet = only(inventory.subnets);
    assert.deepEqual(subnet.delegations, [{ serviceName: "Microsoft.Provider/resourceType" }]);
    assert.deepEqual(subnet.addressPrefixes, ["10.0.1.0/24"]);
  },
  "net-VirtualNetworkList.json": (inventory) => {
    assert.deepEqual(
      [...inventory.virtualNetworks.values()].map((vnet) => [vnet.name, vnet.subnets.length]),
      [
        ["vnet1", 1],
        ["vnet2", 0],
      ],
    );
  },
};

const files = readdirSync(folder)
  .filter((name) => name !== "README.md")
  .sort();

test("the fixture folder holds the ARM examples", () => {
  assert.ok(
    files.length >= 20,
    `expected at least 20 files in ${fileURLToPath(folder)}, found ${files.length}`,
  );
});

for (const file of files) {
  test(`normalizes ${file}`, () => {
    const document = JSON.parse(readFileSync(new URL(file, folder), "utf8")) as {
      responses: Record<string, { body?: Record<string, unknown> }>;
    };
    const bodies = Object.values(document.responses).flatMap((response) =>
      response.body === undefined ? [] : [response.body],
    );
    assert.ok(bodies.length > 0, "no response body");
    const inventories = bodies.map((body) => normalize(toRawRows(file, bodyRows(body))));
    for (const inventory of inventories) {
      assert.deepEqual(
        inventory.diagnostics.filter((diagnostic) => diagnostic.level !== "info"),
        [],
      );
    }
    const expect = expectations[file];
    assert.ok(expect, `no expectation written for ${file}; add one`);
    expect(inventories[0]!);
  });
}
