import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule, { parseKubernetesVersion, vmSizeGeneration } from "../../src/rules/conversion-blocked.ts";
import type { Cluster, VirtualNetwork } from "../../src/inventory/model.ts";
import type { ClusterOverrides } from "../builders.ts";
import {
  agentPool,
  cluster,
  clusterId,
  evaluate,
  inventory,
  subnet,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";

const nodeSubnetId = subnetId("vnet-1", "nodes");

function byoCluster(vmSizes: readonly string[], overrides: ClusterOverrides = {}): Cluster {
  const agentPools = vmSizes.map((vmSize, index) =>
    agentPool({ name: `pool${index}`, vmSize, vnetSubnetId: nodeSubnetId }),
  );
  return cluster({ networkPlugin: "azure", agentPools, ...overrides });
}

function nodeVnet(encryptionEnabled: boolean): VirtualNetwork {
  return vnet({ encryptionEnabled, subnets: [subnet({ name: "nodes" })] });
}

function dualStack(
  kubernetesVersion: string | undefined,
  networkPlugin: string,
  networkPluginMode: string | undefined,
): Cluster {
  return cluster({ ipFamilies: ["IPv4", "IPv6"], kubernetesVersion, networkPlugin, networkPluginMode });
}

interface Case {
  readonly name: string;
  readonly cluster: Cluster;
  readonly vnets?: readonly VirtualNetwork[];
  readonly status: string;
  readonly severity?: string;
  readonly blockers?: readonly string[];
}

const cases: Case[] = [
  {
    name: "integrated cluster",
    cluster: cluster({ location: "qatarcentral", apiServerAccessProfile: { enableVnetIntegration: true } }),
    status: "not_applicable",
  },
  {
    name: "nothing in the way",
    cluster: byoCluster(["Standard_D4s_v5"]),
    vnets: [nodeVnet(false)],
    status: "pass",
    blockers: [],
  },
  { name: "AKS-managed VNet, no blockers", cluster: cluster(), status: "pass", blockers: [] },
  {
    name: "qatarcentral",
    cluster: cluster({ location: "qatarcentral" }),
    status: "fail",
    severity: "medium",
    blockers: ["unsupported-region"],
  },
  {
    name: "Qatar Central display name",
    cluster: cluster({ location: "Qatar Central" }),
    status: "fail",
    severity: "medium",
    blockers: ["unsupported-region"],
  },
  {
    name: "encrypted VNet with a v5 pool",
    cluster: byoCluster(["Standard_DS2_v2", "Standard_D4s_v5"]),
    vnets: [nodeVnet(true)],
    status: "fail",
    severity: "medium",
    blockers: ["encrypted-vnet-v4-vm-size"],
  },
  {
    name: "encrypted VNet with a v4 pool",
    cluster: byoCluster(["Standard_E8s_v4"]),
    vnets: [nodeVnet(true)],
    status: "fail",
    severity: "medium",
    blockers: ["encrypted-vnet-v4-vm-size"],
  },
  {
    name: "encrypted VNet with only v3 or older sizes",
    cluster: byoCluster(["Standard_DS2_v2", "Standard_D4s_v3", "Standard_A2"]),
    vnets: [nodeVnet(true)],
    status: "fail",
    severity: "low",
    blockers: ["encrypted-vnet-unencrypted-traffic"],
  },
  {
    name: "low and medium blockers together give medium",
    cluster: byoCluster(["Standard_D4s_v3"], { location: "qatarcentral" }),
    vnets: [nodeVnet(true)],
    status: "fail",
    severity: "medium",
    blockers: ["unsupported-region", "encrypted-vnet-unencrypted-traffic"],
  },
  {
    name: "node VNet not in the inventory",
    cluster: byoCluster(["Standard_D4s_v5"]),
    status: "unverified",
    severity: "medium",
    blockers: [],
  },
  {
    name: "a blocker outweighs an unknown VNet",
    cluster: byoCluster(["Standard_D4s_v5"], { location: "qatarcentral" }),
    status: "fail",
    severity: "medium",
    blockers: ["unsupported-region"],
  },
  {
    name: "dual-stack 1.26.2 overlay",
    cluster: dualStack("1.26.2", "azure", "overlay"),
    status: "fail",
    severity: "medium",
    blockers: ["dual-stack-requirements"],
  },
  {
    name: "dual-stack 1.26.3 overlay",
    cluster: dualStack("1.26.3", "azure", "overlay"),
    status: "pass",
    blockers: [],
  },
  {
    name: "dual-stack 1.26.10 compares numerically",
    cluster: dualStack("1.26.10", "Azure", "Overlay"),
    status: "pass",
    blockers: [],
  },
  {
    name: "dual-stack 1.30.0 without overlay",
    cluster: dualStack("1.30.0", "azure", undefined),
    status: "fail",
    severity: "medium",
    blockers: ["dual-stack-requirements"],
  },
  {
    name: "dual-stack kubenet",
    cluster: dualStack("1.30.0", "kubenet", undefined),
    status: "fail",
    severity: "medium",
    blockers: ["dual-stack-requirements"],
  },
  {
    name: "dual-stack, version unknown",
    cluster: dualStack(undefined, "azure", "overlay"),
    status: "unverified",
    severity: "medium",
    blockers: [],
  },
  {
    name: "IPv4 only with old version",
    cluster: cluster({ kubernetesVersion: "1.25.0" }),
    status: "pass",
    blockers: [],
  },
];

function blockerCodes(evidence: unknown): string[] {
  const blockers = (evidence as { blockers: { code: string }[] }).blockers;
  return blockers.map((blocker) => blocker.code);
}

describe("conversion-blocked", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const outcomes = evaluate(
        rule,
        inventory({ clusters: [testCase.cluster], vnets: testCase.vnets ?? [] }),
      );
      assert.deepEqual(summarize(rule, outcomes), [
        { id: clusterId("aks-1"), status: testCase.status, severity: testCase.severity, detail: undefined },
      ]);
      if (testCase.blockers !== undefined)
        assert.deepEqual(blockerCodes(outcomes[0]?.evidence), testCase.blockers);
    });
  }

  it("reads the VM size generation from the _vN suffix", () => {
    const sizes: [string, number][] = [
      ["Standard_D4s_v5", 5],
      ["Standard_DS2_v2", 2],
      ["Standard_DS2_v2_Promo", 2],
      ["Standard_ND96isr_H100_v5", 5],
      ["standard_e8s_V4", 4],
      ["Standard_A2", 1],
      ["Standard_NV6ads_A10_v5", 5],
    ];
    for (const [vmSize, generation] of sizes) assert.equal(vmSizeGeneration(vmSize), generation, vmSize);
  });

  it("parses Kubernetes versions into numbers", () => {
    assert.deepEqual(parseKubernetesVersion("1.26.3"), [1, 26, 3]);
    assert.deepEqual(parseKubernetesVersion("1.29"), [1, 29, 0]);
    assert.deepEqual(parseKubernetesVersion("v1.30.1-hotfix.20240101"), [1, 30, 1]);
    assert.equal(parseKubernetesVersion("latest"), undefined);
    assert.equal(parseKubernetesVersion(undefined), undefined);
  });
});
