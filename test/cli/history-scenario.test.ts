// Runs that remember, end to end: a cluster converted between two scans, its old IP still pinned, then restarted.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freshContainerName, startAzurite, type Azurite } from "../history/azurite.ts";
import { historyScanArgs } from "../reliability/cli.ts";

const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const tenantId = "aaaaaaaa-0000-0000-0000-000000000001";
const subscriptionId = "bbbbbbbb-0000-0000-0000-000000000001";
const sub = `/subscriptions/${subscriptionId}`;
const network = `${sub}/resourceGroups/rg-net/providers/Microsoft.Network`;
const clusterId = `${sub}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-pay`;
const nodeGroup = `${sub}/resourceGroups/MC_rg-aks_aks-pay_westeurope/providers/Microsoft.Network`;
const oldIp = "10.20.0.50"; // the private endpoint NIC IP before conversion
const newIp = "10.20.1.4"; // the kube-apiserver frontend after conversion

const base = { tenantId, subscriptionId, location: "westeurope" };

function vnet(): object {
  return {
    ...base,
    id: `${network}/virtualNetworks/vnet-pay`,
    name: "vnet-pay",
    type: "microsoft.network/virtualnetworks",
    resourceGroup: "rg-net",
    properties: {
      addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
      subnets: [
        {
          id: `${network}/virtualNetworks/vnet-pay/subnets/nodes`,
          name: "nodes",
          properties: { addressPrefix: "10.20.0.0/24" },
        },
        {
          id: `${network}/virtualNetworks/vnet-pay/subnets/apiserver`,
          name: "apiserver",
          properties: {
            addressPrefix: "10.20.1.0/28",
            delegations: [
              { name: "aks", properties: { serviceName: "Microsoft.ContainerService/managedClusters" } },
            ],
          },
        },
      ],
    },
  };
}

function cluster(integrated: boolean, powerState: "Running" | "Stopped"): object {
  return {
    ...base,
    id: clusterId,
    name: "aks-pay",
    type: "microsoft.containerservice/managedclusters",
    resourceGroup: "rg-aks",
    sku: { name: "Base", tier: "Standard" },
    identity: { type: "SystemAssigned", principalId: "cccccccc-0000-0000-0000-000000000001" },
    properties: {
      nodeResourceGroup: "MC_rg-aks_aks-pay_westeurope",
      powerState: { code: powerState },
      apiServerAccessProfile: integrated
        ? {
            enableVnetIntegration: true,
            subnetId: `${network}/virtualNetworks/vnet-pay/subnets/apiserver`,
            enablePrivateCluster: true,
          }
        : { enablePrivateCluster: true },
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
      agentPoolProfiles: [
        {
          name: "system",
          count: 3,
          vmSize: "Standard_D4s_v5",
          vnetSubnetID: `${network}/virtualNetworks/vnet-pay/subnets/nodes`,
        },
      ],
    },
  };
}

/** Rules written against the old IP, which nobody updated after the conversion. */
function pinningRules(): object[] {
  return [
    {
      ...base,
      id: `${network}/networkSecurityGroups/nsg-ci`,
      name: "nsg-ci",
      type: "microsoft.network/networksecuritygroups",
      resourceGroup: "rg-net",
      properties: {
        securityRules: [
          {
            id: `${network}/networkSecurityGroups/nsg-ci/securityRules/allow-ci-to-apiserver`,
            name: "allow-ci-to-apiserver",
            properties: {
              priority: 300,
              direction: "Outbound",
              access: "Allow",
              protocol: "Tcp",
              sourceAddressPrefix: "10.30.0.0/24",
              sourcePortRange: "*",
              destinationAddressPrefix: `${oldIp}/32`,
              destinationPortRange: "443",
            },
          },
        ],
      },
    },
    {
      ...base,
      id: `${network}/firewallPolicies/fw-policy/ruleCollectionGroups/rcg-ci`,
      name: "rcg-ci",
      type: "microsoft.network/firewallpolicies/rulecollectiongroups",
      resourceGroup: "rg-net",
      properties: {
        priority: 200,
        ruleCollections: [
          {
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: "ci",
            priority: 100,
            action: { type: "Allow" },
            rules: [
              {
                ruleType: "NetworkRule",
                name: "ci-to-aks-pay",
                ipProtocols: ["TCP"],
                sourceAddresses: ["10.30.0.0/24"],
                destinationAddresses: [oldIp],
                destinationPorts: ["443"],
              },
            ],
          },
        ],
      },
    },
  ];
}

function privateEndpoint(): object[] {
  const nicId = `${nodeGroup}/networkInterfaces/kube-apiserver.nic`;
  return [
    {
      ...base,
      id: `${nodeGroup}/privateEndpoints/kube-apiserver`,
      name: "kube-apiserver",
      type: "microsoft.network/privateendpoints",
      resourceGroup: "MC_rg-aks_aks-pay_westeurope",
      properties: {
        subnet: { id: `${network}/virtualNetworks/vnet-pay/subnets/nodes` },
        networkInterfaces: [{ id: nicId }],
        privateLinkServiceConnections: [
          {
            name: "kube-apiserver",
            properties: { privateLinkServiceId: clusterId, groupIds: ["management"] },
          },
        ],
      },
    },
    {
      ...base,
      id: nicId,
      name: "kube-apiserver.nic",
      type: "microsoft.network/networkinterfaces",
      resourceGroup: "MC_rg-aks_aks-pay_westeurope",
      properties: {
        privateEndpoint: { id: `${nodeGroup}/privateEndpoints/kube-apiserver` },
        ipConfigurations: [
          {
            id: `${nicId}/ipConfigurations/ipconfig`,
            name: "ipconfig",
            properties: { privateIPAddress: oldIp },
          },
        ],
      },
    },
  ];
}

function apiServerLoadBalancer(): object {
  return {
    ...base,
    id: `${nodeGroup}/loadBalancers/kube-apiserver`,
    name: "kube-apiserver",
    type: "microsoft.network/loadbalancers",
    resourceGroup: "MC_rg-aks_aks-pay_westeurope",
    properties: {
      frontendIPConfigurations: [
        {
          id: `${nodeGroup}/loadBalancers/kube-apiserver/frontendIPConfigurations/kube-apiserver-frontend`,
          name: "kube-apiserver-frontend",
          properties: {
            privateIPAddress: newIp,
            subnet: { id: `${network}/virtualNetworks/vnet-pay/subnets/apiserver` },
          },
        },
      ],
    },
  };
}

const states = {
  "1-private": [vnet(), cluster(false, "Running"), ...privateEndpoint(), ...pinningRules()],
  "2-converted": [vnet(), cluster(true, "Running"), apiServerLoadBalancer(), ...pinningRules()],
  "3-stopped": [vnet(), cluster(true, "Stopped"), apiServerLoadBalancer(), ...pinningRules()],
  "4-running": [vnet(), cluster(true, "Running"), apiServerLoadBalancer(), ...pinningRules()],
};

/** A `resourcechanges` row in Resource Graph's shape. */
function change(
  targetId: string,
  timestamp: string,
  changes: Record<string, [string, string]>,
  changeType = "Update",
  targetResourceType = "microsoft.containerservice/managedclusters",
): object {
  return {
    ...base,
    id: `${targetId}/providers/Microsoft.Resources/changes/${timestamp.replace(/\W/g, "")}`,
    name: timestamp.replace(/\W/g, ""),
    type: "microsoft.resources/changes",
    resourceGroup: "rg-aks",
    properties: {
      targetResourceId: targetId,
      targetResourceType,
      changeType,
      changeAttributes: { timestamp },
      changes: Object.fromEntries(
        Object.entries(changes).map(([path, [previousValue, newValue]]) => [
          path,
          { previousValue, newValue, propertyChangeType: "Update" },
        ]),
      ),
    },
  };
}

const nicId = `${nodeGroup}/networkInterfaces/kube-apiserver.nic`;
const enabled = change(clusterId, "2026-11-20T10:00:00Z", {
  "properties.apiServerAccessProfile.enableVnetIntegration": ["false", "true"],
});
const nicDeleted = change(
  nicId,
  "2026-11-20T10:05:00Z",
  { "properties.ipConfigurations[0].properties.privateIPAddress": [oldIp, ""] },
  "Delete",
  "microsoft.network/networkinterfaces",
);
const stopped = change(clusterId, "2026-11-21T22:00:00Z", {
  "properties.powerState.code": ["Running", "Stopped"],
});
const started = change(clusterId, "2026-11-21T22:10:00Z", {
  "properties.powerState.code": ["Stopped", "Running"],
});

interface Finding {
  ruleId: string;
  status: string;
  severity: string;
  resourceId: string;
  detail: string;
  fingerprint: string;
  diff?: string;
}

let azurite: Azurite | undefined;
after(async () => {
  await azurite?.stop();
});

/** The same scenario with the run store in a folder and in a blob container on Azurite. */
const stores: Record<string, (folder: string) => Promise<{ stateDir: string; env: NodeJS.ProcessEnv }>> = {
  "in a folder": (folder) => Promise.resolve({ stateDir: join(folder, "state"), env: process.env }),
  "in a blob container": async () => {
    azurite ??= await startAzurite();
    return {
      stateDir: `${await azurite.createContainer(freshContainerName("scenario"))}/nightly`,
      env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString },
    };
  },
};

describe("history across scans of a converted cluster", () => {
  for (const [where, openStore] of Object.entries(stores)) {
    it(`flags the old IP and the missing restart after conversion, and passes once a restart is seen (${where})`, async () => {
      const folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-history-"));
      const { stateDir, env } = await openStore(folder);
      const findingsOf: Record<string, Finding[]> = {};
      for (const [name, rows] of Object.entries(states)) {
        // Each night's snapshot has its own file name; the history follows the tenant, not the file.
        const input = join(folder, `fleet-${name}.json`);
        await writeFile(input, JSON.stringify(rows));
        const out = join(folder, `out-${name}`);
        const result = spawnSync(process.execPath, [cli, ...historyScanArgs(input, stateDir, out)], {
          encoding: "utf8",
          timeout: 60_000,
          env,
        });
        assert.equal(result.status, 0, result.stderr);
        findingsOf[name] = (
          JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as { results: Finding[] }
        ).results;
      }
      const verdict = (state: string, ruleId: string, resourceSuffix: string): Finding[] =>
        (findingsOf[state] ?? []).filter(
          (r) => r.ruleId === ruleId && r.resourceId.toLowerCase().endsWith(resourceSuffix),
        );

      // Before conversion the pinned IP is current: a warning that conversion will break it.
      assert.deepEqual(
        verdict("1-private", "rule-pinned-to-apiserver-ip", "/allow-ci-to-apiserver").map((r) => [
          r.status,
          r.severity,
        ]),
        [["fail", "medium"]],
      );

      // Run 2: the IP moved to the kube-apiserver frontend; both rules still name the old one.
      const oldNsg = verdict("2-converted", "rule-pinned-to-old-apiserver-ip", "/allow-ci-to-apiserver");
      const oldPolicy = verdict("2-converted", "rule-pinned-to-old-apiserver-ip", "/rcg-ci");
      assert.deepEqual(
        oldNsg.map((r) => [r.status, r.severity, r.detail]),
        [["fail", "high", oldIp]],
      );
      assert.deepEqual(
        oldPolicy.map((r) => [r.status, r.severity]),
        [["fail", "high"]],
      );
      assert.match(
        oldPolicy[0]?.detail ?? "",
        new RegExp(`ci/ci-to-aks-pay@${oldIp.replaceAll(".", "\\.")}`),
      );
      assert.equal(oldNsg[0]?.diff, "new");
      const restart2 = verdict("2-converted", "enablement-restart-unverified", "/aks-pay");
      assert.deepEqual(
        restart2.map((r) => [r.status, r.severity]),
        [["fail", "high"]],
      );

      // Stopped after enablement without a restart seen yet: still failing, critical while stopped.
      assert.deepEqual(
        verdict("3-stopped", "enablement-restart-unverified", "/aks-pay").map((r) => [r.status, r.severity]),
        [["fail", "critical"]],
      );

      // Seen Stopped, then Running: the restart is proven.
      assert.deepEqual(
        verdict("4-running", "enablement-restart-unverified", "/aks-pay").map((r) => r.status),
        ["pass"],
      );
      // The old IP stays remembered and pinned; the finding persists with the same fingerprint.
      const [oldNsg4] = verdict("4-running", "rule-pinned-to-old-apiserver-ip", "/allow-ci-to-apiserver");
      const [oldNsg2] = oldNsg;
      assert.ok(oldNsg4 && oldNsg2);
      assert.equal(oldNsg4.diff, "persisting");
      assert.equal(oldNsg4.fingerprint, oldNsg2.fingerprint);
    });
  }

  it("gives the same verdicts from change records alone, without history", async () => {
    const folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-changes-"));
    const scan = async (name: string, rows: readonly object[]): Promise<Finding[]> => {
      const input = join(folder, `${name}.json`);
      await writeFile(input, JSON.stringify(rows));
      const out = join(folder, name);
      const result = spawnSync(
        process.execPath,
        [cli, "scan", "--input", input, "--out", out, "--no-history", "--format", "json", "--quiet"],
        { encoding: "utf8", timeout: 60_000 },
      );
      assert.equal(result.status, 0, result.stderr);
      return (JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as { results: Finding[] })
        .results;
    };
    const pick = (results: readonly Finding[], ruleId: string, suffix: string): string[][] =>
      results
        .filter((r) => r.ruleId === ruleId && r.resourceId.toLowerCase().endsWith(suffix))
        .map((r) => [r.status, r.severity]);

    const converted = await scan("converted", [...states["2-converted"], enabled, nicDeleted]);
    assert.deepEqual(pick(converted, "rule-pinned-to-old-apiserver-ip", "/allow-ci-to-apiserver"), [
      ["fail", "high"],
    ]);
    assert.deepEqual(pick(converted, "rule-pinned-to-old-apiserver-ip", "/rcg-ci"), [["fail", "high"]]);
    assert.deepEqual(pick(converted, "enablement-restart-unverified", "/aks-pay"), [["fail", "high"]]);

    const restarted = await scan("restarted", [
      ...states["4-running"],
      enabled,
      nicDeleted,
      stopped,
      started,
    ]);
    assert.deepEqual(
      pick(restarted, "enablement-restart-unverified", "/aks-pay").map(([status]) => status),
      ["pass"],
    );
  });
});
