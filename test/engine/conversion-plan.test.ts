// Tests for the conversion plan: subnet choice, roles, NSG rules, pins, surge room, commands and shell quoting.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/config.ts";
import { analyze } from "../../src/engine/analyze.ts";
import { shellQuote } from "../../src/engine/conversion-plan-commands.ts";
import { buildConversionPlan, withConversionPlans } from "../../src/engine/conversion-plan.ts";
import type { ConversionPlan } from "../../src/findings/conversion-plan.ts";
import type { Cluster, Inventory, Subnet } from "../../src/inventory/model.ts";
import type { ApiServerEndpoint } from "../../src/rules/define.ts";
import { rules } from "../../src/rules/index.ts";
import { poolsListed } from "../../src/rules/node-subnet-ip-exhaustion.ts";
import type { ClusterOverrides, NsgOverrides } from "../builders.ts";
import {
  agentPool,
  apiServerSubnet,
  cluster,
  inventory,
  ipConfigurationIds,
  nsg,
  nsgId,
  roleAssignment,
  ruleContext,
  subnet,
  subnetId,
  testSubscriptionId,
  vnet,
} from "../builders.ts";

const nodeSubnetId = subnetId("vnet-1", "nodes");
const principalId = "33333333-3333-3333-3333-333333333333";

function byoCluster(overrides: ClusterOverrides = {}): Cluster {
  return cluster({ agentPools: [agentPool({ vnetSubnetId: nodeSubnetId })], ...overrides });
}

function nodes(overrides: Partial<Subnet> = {}): Subnet {
  return subnet({
    name: "nodes",
    addressPrefixes: ["10.0.0.0/24"],
    ipConfigurationIds: ipConfigurationIds(3),
    ...overrides,
  });
}

interface Fleet {
  readonly clusters: readonly Cluster[];
  readonly subnets?: readonly Subnet[];
  readonly addressPrefixes?: readonly string[];
  readonly nsgs?: readonly NsgOverrides[];
  readonly overrides?: Partial<Inventory>;
}

function fleet({
  clusters,
  subnets = [nodes()],
  addressPrefixes = ["10.0.0.0/16"],
  nsgs = [],
  overrides,
}: Fleet): Inventory {
  return inventory({
    clusters,
    vnets: [vnet({ addressPrefixes, subnets })],
    nsgs: nsgs.map((group) => nsg(group)),
    ...(overrides === undefined ? {} : { overrides }),
  });
}

interface PlanOptions {
  readonly config?: Partial<Config>;
  readonly apiServerEndpoints?: ReadonlyMap<string, readonly ApiServerEndpoint[]>;
}

function plan(inventoryUnderTest: Inventory, target: Cluster, options: PlanOptions = {}): ConversionPlan {
  const context = ruleContext(inventoryUnderTest, options.config ?? {}, {
    ...(options.apiServerEndpoints === undefined ? {} : { apiServerEndpoints: options.apiServerEndpoints }),
  });
  return buildConversionPlan(context, analyze(rules, context), target);
}

describe("buildConversionPlan API server subnet", () => {
  const aks = byoCluster();
  const cases: {
    name: string;
    fleet: Fleet;
    target?: Cluster;
    expected: Pick<ConversionPlan["apiServerSubnet"], "action" | "subnetName" | "addressPrefix" | "free">;
  }[] = [
    {
      name: "reuses a delegated subnet with room (27 free ≥ 9 + 4)",
      fleet: { clusters: [aks], subnets: [nodes(), apiServerSubnet({ addressPrefixes: ["10.0.1.0/27"] })] },
      expected: { action: "reuse", subnetName: "apiserver", addressPrefix: "10.0.1.0/27", free: 27 },
    },
    {
      name: "proposes the lowest free /28 when the delegated subnet lacks room (11 free < 13)",
      fleet: { clusters: [aks], subnets: [nodes(), apiServerSubnet({ addressPrefixes: ["10.0.1.0/28"] })] },
      expected: { action: "create", subnetName: "apiserver-2", addressPrefix: "10.0.1.16/28", free: null },
    },
    {
      name: "skips names taken in any casing; a dotted capital I is another letter",
      fleet: {
        clusters: [aks],
        subnets: [
          nodes(),
          subnet({ name: "ApiServer", addressPrefixes: ["10.0.2.0/28"] }),
          subnet({ name: "APISERVER-2", addressPrefixes: ["10.0.2.16/28"] }),
          subnet({ name: "apİserver-3", addressPrefixes: ["10.0.2.32/28"] }),
        ],
      },
      expected: { action: "create", subnetName: "apiserver-3", addressPrefix: "10.0.1.0/28", free: null },
    },
    {
      name: "says none is free when the address space is full",
      fleet: { clusters: [aks], addressPrefixes: ["10.0.0.0/24"] },
      expected: { action: "none-free", subnetName: "", addressPrefix: "", free: null },
    },
    {
      name: "needs no subnet on an AKS-managed VNet",
      fleet: { clusters: [cluster()] },
      target: cluster(),
      expected: { action: "not-needed", subnetName: "", addressPrefix: "", free: null },
    },
  ];
  for (const { name, fleet: parts, target, expected } of cases) {
    it(name, () => {
      const { apiServerSubnet: proposal } = plan(fleet(parts), target ?? aks);
      assert.deepEqual(
        {
          action: proposal.action,
          subnetName: proposal.subnetName,
          addressPrefix: proposal.addressPrefix,
          free: proposal.free,
        },
        expected,
      );
      assert.ok(proposal.reason.length > 0);
    });
  }

  it("ignores a delegated subnet with room in another VNet", () => {
    const other = vnet({
      name: "vnet-2",
      subnets: [apiServerSubnet({ vnetName: "vnet-2", addressPrefixes: ["10.1.0.0/24"] })],
    });
    const parts = inventory({ clusters: [aks], vnets: [vnet({ subnets: [nodes()] }), other] });
    const { apiServerSubnet: proposal } = plan(parts, aks);
    assert.deepEqual(
      [proposal.action, proposal.addressPrefix, proposal.vnetName],
      ["create", "10.0.1.0/28", "vnet-1"],
    );
  });

  it("says none is free when the node VNet is not in the inventory", () => {
    const aksElsewhere = cluster({
      agentPools: [agentPool({ vnetSubnetId: subnetId("vnet-gone", "nodes") })],
    });
    const { apiServerSubnet: proposal, commands } = plan(
      inventory({ clusters: [aksElsewhere] }),
      aksElsewhere,
    );
    assert.equal(proposal.action, "none-free");
    assert.match(proposal.reason, /not in the inventory/);
    assert.deepEqual(commands, []);
  });
});

describe("buildConversionPlan commands", () => {
  it("creates the subnet, grants the role on both subnets, updates, then stops and starts", () => {
    const aks = byoCluster();
    const result = plan(
      fleet({ clusters: [aks], subnets: [nodes(), apiServerSubnet({ addressPrefixes: ["10.0.1.0/28"] })] }),
      aks,
    );
    const newSubnetId = subnetId("vnet-1", "apiserver-2");
    const cluster = `--resource-group rg-aks --name aks-1 --subscription ${testSubscriptionId}`;
    const role = `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role 'Network Contributor'`;
    assert.deepEqual(result.commands, [
      `az network vnet subnet create --resource-group rg-net --vnet-name vnet-1 --name apiserver-2 --address-prefixes 10.0.1.16/28 --delegations Microsoft.ContainerService/managedClusters --subscription ${testSubscriptionId}`,
      `${role} --scope ${newSubnetId}`,
      `${role} --scope ${nodeSubnetId}`,
      `az aks update --resource-group rg-aks --name aks-1 --enable-apiserver-vnet-integration --apiserver-subnet-id ${newSubnetId} --subscription ${testSubscriptionId}`,
      `az aks stop ${cluster}`,
      `az aks start ${cluster}`,
    ]);
    assert.equal(result.minimumAzureCliVersion, "2.73.0");
    assert.ok(result.warnings.some((warning) => warning.includes("cannot be turned off")));
    assert.ok(result.warnings.some((warning) => warning.includes("hostname")));
  });

  it("runs only the update and the restart on an AKS-managed VNet", () => {
    const aks = cluster();
    const result = plan(fleet({ clusters: [aks] }), aks);
    assert.deepEqual(
      result.commands.map((command) => command.split(" --")[0]),
      ["az aks update", "az aks stop", "az aks start"],
    );
    assert.ok(!result.commands[0]?.includes("--apiserver-subnet-id"));
    assert.deepEqual(result.roleAssignments, []);
    assert.equal(result.vnetMode, "aks-managed");
  });

  it("quotes a hostile cluster name as one shell word", () => {
    const hostile = byoCluster({ name: "x'; rm -rf /" });
    const result = plan(fleet({ clusters: [hostile] }), hostile);
    const stop = result.commands.find((command) => command.startsWith("az aks stop"));
    assert.equal(
      stop,
      `az aks stop --resource-group rg-aks --name 'x'\\''; rm -rf /' --subscription ${testSubscriptionId}`,
    );
    assert.ok(result.commands.every((command) => !command.includes("--name x'")));
  });

  const roleCases: {
    name: string;
    assignments: Inventory["roleAssignments"];
    statuses: string[];
    roleCommands: number;
  }[] = [
    {
      name: "not collected: every role is granted",
      assignments: undefined,
      statuses: ["not-checked", "not-checked"],
      roleCommands: 2,
    },
    {
      name: "none held: every role is granted",
      assignments: [],
      statuses: ["needed", "needed"],
      roleCommands: 2,
    },
    {
      name: "held at the subscription: no role command",
      assignments: [roleAssignment()],
      statuses: ["covered", "covered"],
      roleCommands: 0,
    },
  ];
  for (const { name, assignments, statuses, roleCommands } of roleCases) {
    it(`role assignments, ${name}`, () => {
      const aks = byoCluster();
      const result = plan(fleet({ clusters: [aks], overrides: { roleAssignments: assignments } }), aks);
      assert.deepEqual(
        result.roleAssignments.map((role) => role.status),
        statuses,
      );
      assert.deepEqual(
        result.roleAssignments.map((role) => role.target),
        ["API server subnet", "node subnet"],
      );
      assert.equal(
        result.commands.filter((command) => command.startsWith("az role assignment")).length,
        roleCommands,
      );
    });
  }
});

describe("buildConversionPlan blockers, NSG rules, pins and surge room", () => {
  it("copies the blockers of conversion-blocked; qatarcentral cannot run and has no enable command", () => {
    const aks = byoCluster({ location: "qatarcentral" });
    const result = plan(fleet({ clusters: [aks] }), aks);
    assert.deepEqual(
      result.blockers.map(({ code, severity }) => ({ code, severity })),
      [{ code: "unsupported-region", severity: "medium" }],
    );
    assert.deepEqual(result.commands, []);
    assert.match(
      result.warnings[0] ?? "",
      /^This plan cannot run, so it has no enable command: unsupported-region: /,
    );
  });

  it("an encrypted node VNet with a v4+ pool cannot run either", () => {
    const aks = byoCluster({
      agentPools: [agentPool({ vnetSubnetId: nodeSubnetId, vmSize: "Standard_D4s_v5" })],
    });
    const inventoryUnderTest = fleet({ clusters: [aks] });
    const vnets = [...inventoryUnderTest.virtualNetworks.values()].map((vnet) => ({
      ...vnet,
      encryptionEnabled: true,
    }));
    const encrypted = {
      ...inventoryUnderTest,
      virtualNetworks: new Map(vnets.map((vnet) => [vnet.key, vnet])),
    };
    const result = plan(encrypted, aks);
    assert.ok(result.blockers.some((blocker) => blocker.code === "encrypted-vnet-v4-vm-size"));
    assert.equal(
      result.commands.some((command) => command.includes("--enable-apiserver-vnet-integration")),
      false,
    );
    assert.match(result.warnings[0] ?? "", /cannot run.*encrypted-vnet-v4-vm-size/);
  });

  const dualStackCases: { name: string; overrides: ClusterOverrides; first: RegExp[] }[] = [
    {
      name: "kubenet on 1.25: upgrade, then migrate to Azure CNI Overlay, then convert",
      overrides: { networkPlugin: "kubenet", kubernetesVersion: "1.25.6" },
      first: [
        /^az aks get-upgrades --resource-group rg-aks --name aks-1 --subscription /,
        /^az aks upgrade --resource-group rg-aks --name aks-1 --kubernetes-version "\$\{KUBERNETES_VERSION:\?/,
        /^az aks update --resource-group rg-aks --name aks-1 --network-plugin azure --network-plugin-mode overlay --subscription /,
      ],
    },
    {
      name: "Azure CNI (flat) on a supported version: only the overlay migration, with a pod CIDR",
      overrides: { networkPlugin: "azure", kubernetesVersion: "1.30.4" },
      first: [/^az aks update .*--network-plugin-mode overlay --pod-cidr "\$\{POD_CIDR:\?/],
    },
    {
      name: "Azure CNI Overlay on 1.26.0: only the upgrade",
      overrides: { networkPlugin: "azure", networkPluginMode: "overlay", kubernetesVersion: "1.26.0" },
      first: [/^az aks get-upgrades /, /^az aks upgrade /],
    },
  ];
  for (const { name, overrides, first } of dualStackCases) {
    it(`dual-stack blockers are cleared first: ${name}`, () => {
      const aks = byoCluster({ ipFamilies: ["IPv4", "IPv6"], ...overrides });
      const result = plan(fleet({ clusters: [aks] }), aks);
      assert.ok(result.blockers.some((blocker) => blocker.code === "dual-stack-requirements"));
      for (const [index, pattern] of first.entries()) assert.match(result.commands[index] ?? "", pattern);
      const enable = result.commands.findIndex((command) =>
        command.includes("--enable-apiserver-vnet-integration"),
      );
      assert.ok(enable >= first.length, "the enable command comes after the clearing commands");
      assert.ok(
        result.warnings.some((warning) =>
          warning.includes(`first ${String(first.length)} command(s) clear the blockers`),
        ),
      );
      assert.ok(result.notes.some((note) => note.includes("learn.microsoft.com/azure/aks/")));
    });
  }

  const nsgCases: { name: string; nodeNsg: boolean; apiServerNsg: boolean; expected: string[] }[] = [
    { name: "no NSG: nothing to add", nodeNsg: false, apiServerNsg: false, expected: [] },
    {
      name: "NSG on the node subnet: outbound 443/4443",
      nodeNsg: true,
      apiServerNsg: false,
      expected: ["nsg-nodes Outbound 10.0.0.0/24 443, 4443"],
    },
    {
      name: "NSGs on both subnets: outbound, inbound from nodes and from AzureLoadBalancer",
      nodeNsg: true,
      apiServerNsg: true,
      expected: [
        "nsg-nodes Outbound 10.0.0.0/24 443, 4443",
        "nsg-apiserver Inbound 10.0.0.0/24 443, 4443",
        "nsg-apiserver Inbound AzureLoadBalancer 9988",
      ],
    },
  ];
  for (const { name, nodeNsg, apiServerNsg, expected } of nsgCases) {
    it(name, () => {
      const aks = byoCluster();
      const subnets = [
        nodes(nodeNsg ? { networkSecurityGroupId: nsgId("nsg-nodes") } : {}),
        apiServerSubnet({
          addressPrefixes: ["10.0.1.0/27"],
          ...(apiServerNsg ? { networkSecurityGroupId: nsgId("nsg-apiserver") } : {}),
        }),
      ];
      const result = plan(
        fleet({ clusters: [aks], subnets, nsgs: [{ name: "nsg-nodes" }, { name: "nsg-apiserver" }] }),
        aks,
      );
      assert.deepEqual(
        result.nsgRules.map(
          (rule) => `${rule.nsgName} ${rule.direction} ${rule.source} ${rule.destinationPorts}`,
        ),
        expected,
      );
      assert.ok(result.nsgRules.every((rule) => rule.destination === "10.0.1.0/27"));
    });
  }

  it("lists the rules that pin the current API server IP", () => {
    const aks = byoCluster({ apiServerAccessProfile: { enablePrivateCluster: false } });
    const endpoints = new Map([
      [aks.key, [{ ip: "20.1.2.3", evidence: "dns" as const, source: "aks-1-dns" }]],
    ]);
    const pinning = {
      name: "nsg-egress",
      securityRules: [
        { name: "to-api", direction: "Outbound" as const, destinationAddressPrefixes: ["20.1.2.3/32"] },
      ],
    };
    const result = plan(fleet({ clusters: [aks], nsgs: [pinning] }), aks, { apiServerEndpoints: endpoints });
    assert.deepEqual(
      result.pinnedRules.map(({ resourceId, ip }) => ({ resourceId, ip })),
      [{ resourceId: `${nsgId("nsg-egress")}/securityRules/to-api`, ip: "20.1.2.3" }],
    );
  });

  const surgeCases: {
    name: string;
    used: number;
    maxSurge: string | undefined;
    expected: [number, number, string];
  }[] = [
    { name: "room for the default surge of one node", used: 3, maxSurge: undefined, expected: [8, 1, "ok"] },
    { name: "too little room for a surge of two", used: 10, maxSurge: "2", expected: [1, 2, "short"] },
  ];
  for (const { name, used, maxSurge, expected } of surgeCases) {
    it(`node subnet surge room: ${name}`, () => {
      const aks = cluster({ agentPools: [agentPool({ vnetSubnetId: nodeSubnetId, maxSurge })] });
      const small = nodes({ addressPrefixes: ["10.0.0.0/28"], ipConfigurationIds: ipConfigurationIds(used) });
      const result = plan(fleet({ clusters: [aks], subnets: [small] }), aks);
      const [room] = result.nodeSubnets;
      assert.deepEqual([room?.free, room?.surgeNeeded, room?.status], expected);
      assert.equal(result.surgeRoom, expected[2]);
    });
  }
  it("node subnet surge room counts every pool, also past the ones the subnet verdict lists", () => {
    const agentPools = Array.from({ length: poolsListed + 50 }, (_, index) =>
      agentPool({ name: `p${String(index)}`, vnetSubnetId: nodeSubnetId, maxSurge: "2" }),
    );
    const aks = cluster({ agentPools });
    const large = nodes({ addressPrefixes: ["10.0.0.0/22"], ipConfigurationIds: ipConfigurationIds(10) });
    const [room] = plan(fleet({ clusters: [aks], subnets: [large] }), aks).nodeSubnets;
    assert.deepEqual([room?.free, room?.surgeNeeded, room?.status], [1009, 2 * (poolsListed + 50), "ok"]);
  });
});

describe("withConversionPlans", () => {
  it("puts a plan into each non-integrated cluster's evidence, and hands two clusters in one VNet two /28s", () => {
    const first = byoCluster({ name: "aks-a" });
    const second = byoCluster({ name: "aks-b" });
    const integrated = cluster({ name: "aks-c", apiServerAccessProfile: { enableVnetIntegration: true } });
    const context = ruleContext(fleet({ clusters: [first, second, integrated] }));
    const results = withConversionPlans(context, analyze(rules, context));
    const plans = new Map(
      results
        .filter((result) => result.ruleId === "cluster-not-vnet-integrated")
        .map((result) => [result.resourceId, result.evidence.conversionPlan as ConversionPlan | undefined]),
    );
    assert.deepEqual(
      [first, second, integrated].map((target) => plans.get(target.id)?.apiServerSubnet.addressPrefix),
      ["10.0.1.0/28", "10.0.1.16/28", undefined],
    );
    assert.deepEqual(
      [first, second].map((target) => plans.get(target.id)?.apiServerSubnet.subnetName),
      ["apiserver", "apiserver-2"],
    );
    assert.deepEqual(
      JSON.parse(JSON.stringify(plans.get(first.id))),
      plans.get(first.id),
      "a plain JSON object",
    );
  });
});

describe("shellQuote", () => {
  const cases: [value: string, quoted: string][] = [
    ["aks-1", "aks-1"],
    ["/subscriptions/s/resourceGroups/rg_1.a:b", "/subscriptions/s/resourceGroups/rg_1.a:b"],
    ["Network Contributor", "'Network Contributor'"],
    ["x'; rm -rf /", "'x'\\''; rm -rf /'"],
    ["$(reboot)", "'$(reboot)'"],
    ["a`b`", "'a`b`'"],
    ["", "''"],
  ];
  for (const [value, quoted] of cases) {
    it(`quotes ${JSON.stringify(value)} as ${quoted}`, () => {
      assert.equal(shellQuote(value), quoted);
    });
  }
});
