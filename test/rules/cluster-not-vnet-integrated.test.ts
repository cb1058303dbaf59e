import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/cluster-not-vnet-integrated.ts";
import {
  apiServerSubnet,
  cluster,
  clusterId,
  evaluate,
  inventory,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";
import type { Cluster } from "../../src/inventory/model.ts";

interface Case {
  readonly name: string;
  readonly cluster: Cluster;
  readonly status: string;
  readonly severity: string | undefined;
  readonly hasApiServerAccessProfile: boolean;
}

const cases: Case[] = [
  {
    name: "no apiServerAccessProfile on the row",
    cluster: cluster(),
    status: "fail",
    severity: "medium",
    hasApiServerAccessProfile: false,
  },
  {
    name: "profile present, integration false",
    cluster: cluster({
      apiServerAccessProfile: { enableVnetIntegration: false, enablePrivateCluster: true },
    }),
    status: "fail",
    severity: "medium",
    hasApiServerAccessProfile: true,
  },
  {
    name: "AKS Automatic without integration",
    cluster: cluster({ sku: "Automatic" }),
    status: "fail",
    severity: "high",
    hasApiServerAccessProfile: false,
  },
  {
    name: "integrated on an AKS-managed VNet",
    cluster: cluster({ apiServerAccessProfile: { enableVnetIntegration: true, subnetId: "" } }),
    status: "pass",
    severity: undefined,
    hasApiServerAccessProfile: true,
  },
  {
    name: "integrated with its own API server subnet",
    cluster: cluster({
      sku: "Automatic",
      apiServerAccessProfile: { enableVnetIntegration: true, subnetId: subnetId("vnet-1", "apiserver") },
    }),
    status: "pass",
    severity: undefined,
    hasApiServerAccessProfile: true,
  },
];

describe("cluster-not-vnet-integrated", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const outcomes = evaluate(
        rule,
        inventory({ clusters: [testCase.cluster], vnets: [vnet({ subnets: [apiServerSubnet()] })] }),
      );
      assert.deepEqual(summarize(rule, outcomes), [
        { id: clusterId("aks-1"), status: testCase.status, severity: testCase.severity, detail: undefined },
      ]);
      assert.equal(outcomes[0]?.evidence?.hasApiServerAccessProfile, testCase.hasApiServerAccessProfile);
    });
  }

  it("yields one result per cluster", () => {
    const clusters = [
      cluster({ name: "a" }),
      cluster({ name: "b", apiServerAccessProfile: { enableVnetIntegration: true } }),
    ];
    const outcomes = evaluate(rule, inventory({ clusters }));
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.subject.id, outcome.status]),
      [
        [clusterId("a"), "fail"],
        [clusterId("b"), "pass"],
      ],
    );
  });
});
