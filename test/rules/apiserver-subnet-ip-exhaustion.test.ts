import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import { normalize } from "../../src/inventory/normalize.ts";
import rule from "../../src/rules/apiserver-subnet-ip-exhaustion.ts";
import type { Config } from "../../src/config/config.ts";
import type { Cluster } from "../../src/inventory/model.ts";
import {
  apiServerFrontendId,
  apiServerSubnet,
  cluster,
  evaluate,
  inventory,
  ipConfigurationIds,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";

const apiServerSubnetId = subnetId("vnet-1", "apiserver");

function sharingClusters(count: number): Cluster[] {
  return Array.from({ length: count }, (_, index) =>
    cluster({
      name: `aks-${index}`,
      apiServerAccessProfile: { enableVnetIntegration: true, subnetId: apiServerSubnetId },
    }),
  );
}

/** `count` frontends of the clusters' own `kube-apiserver` load balancers (in their node resource groups). */
function frontends(count: number, owners: readonly Cluster[]): string[] {
  return Array.from({ length: count }, (_, index) => {
    const owner = owners[index % Math.max(owners.length, 1)];
    if (owner === undefined) return apiServerFrontendId(index);
    return `/subscriptions/${owner.subscriptionId}/resourceGroups/${owner.nodeResourceGroup ?? ""}/providers/Microsoft.Network/loadBalancers/kube-apiserver/frontendIPConfigurations/${index}`;
  });
}

interface Case {
  readonly name: string;
  readonly addressPrefixes: readonly string[];
  readonly clusters: number;
  readonly ipConfigurations?: number;
  readonly config?: Partial<Config>;
  readonly status: string;
  readonly severity?: string;
  /** [capacity, used, free] */
  readonly numbers: readonly [number, number, number];
}

const cases: Case[] = [
  {
    name: "/27 with two clusters has room",
    addressPrefixes: ["10.0.255.0/27"],
    clusters: 2,
    status: "pass",
    numbers: [27, 18, 9],
  },
  {
    name: "/28 with one cluster is below the threshold",
    addressPrefixes: ["10.0.255.0/28"],
    clusters: 1,
    status: "fail",
    severity: "medium",
    numbers: [11, 9, 2],
  },
  {
    name: "free exactly the threshold passes",
    addressPrefixes: ["10.0.255.0/28"],
    clusters: 1,
    config: { minFreeApiServerIps: 2 },
    status: "pass",
    numbers: [11, 9, 2],
  },
  {
    name: "free one below the threshold fails",
    addressPrefixes: ["10.0.255.0/28"],
    clusters: 1,
    config: { minFreeApiServerIps: 3 },
    status: "fail",
    severity: "medium",
    numbers: [11, 9, 2],
  },
  {
    name: "free exactly 0 is medium, not critical",
    addressPrefixes: ["10.0.255.0/28"],
    clusters: 1,
    ipConfigurations: 11,
    status: "fail",
    severity: "medium",
    numbers: [11, 11, 0],
  },
  {
    name: "free -1 is critical",
    addressPrefixes: ["10.0.255.0/28"],
    clusters: 1,
    ipConfigurations: 12,
    status: "fail",
    severity: "critical",
    numbers: [11, 12, -1],
  },
  {
    name: "three clusters fill a /27 (9 each)",
    addressPrefixes: ["10.0.255.0/27"],
    clusters: 3,
    status: "fail",
    severity: "medium",
    numbers: [27, 27, 0],
  },
  {
    name: "four clusters overflow a /27",
    addressPrefixes: ["10.0.255.0/27"],
    clusters: 4,
    status: "fail",
    severity: "critical",
    numbers: [27, 36, -9],
  },
  {
    name: "two /28 prefixes add up",
    addressPrefixes: ["10.0.254.0/28", "10.0.255.0/28"],
    clusters: 2,
    status: "pass",
    numbers: [22, 18, 4],
  },
  {
    name: "IPv6 prefixes add nothing",
    addressPrefixes: ["10.0.255.0/28", "fd00::/64"],
    clusters: 1,
    status: "fail",
    severity: "medium",
    numbers: [11, 9, 2],
  },
  {
    name: "ipConfigurations beyond 9 per cluster count",
    addressPrefixes: ["10.0.255.0/27"],
    clusters: 1,
    ipConfigurations: 25,
    status: "fail",
    severity: "medium",
    numbers: [27, 25, 2],
  },
  {
    name: "fewer ipConfigurations than 9 per cluster: the reservation counts",
    addressPrefixes: ["10.0.255.0/27"],
    clusters: 2,
    ipConfigurations: 3,
    status: "pass",
    numbers: [27, 18, 9],
  },
  {
    name: "delegated subnet no cluster uses",
    addressPrefixes: ["10.0.255.0/28"],
    clusters: 0,
    status: "pass",
    numbers: [11, 0, 11],
  },
];

describe("apiserver-subnet-ip-exhaustion", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const clusters = sharingClusters(testCase.clusters);
      const subnet = apiServerSubnet({
        addressPrefixes: testCase.addressPrefixes,
        ipConfigurationIds: frontends(testCase.ipConfigurations ?? 0, clusters),
      });
      const outcomes = evaluate(
        rule,
        inventory({ clusters, vnets: [vnet({ subnets: [subnet] })] }),
        testCase.config,
      );
      assert.deepEqual(summarize(rule, outcomes), [
        { id: apiServerSubnetId, status: testCase.status, severity: testCase.severity, detail: undefined },
      ]);
      const evidence = outcomes[0]?.evidence ?? {};
      assert.deepEqual([evidence.capacity, evidence.used, evidence.free], testCase.numbers);
    });
  }

  it("any ipConfiguration counts, not only API server frontends", () => {
    const subnet = apiServerSubnet({ ipConfigurationIds: ipConfigurationIds(12) });
    const outcomes = evaluate(rule, inventory({ vnets: [vnet({ subnets: [subnet] })] }));
    assert.deepEqual(summarize(rule, outcomes), [
      { id: apiServerSubnetId, status: "fail", severity: "critical", detail: undefined },
    ]);
  });

  it("a referenced subnet missing from the inventory is unverified", () => {
    const outcomes = evaluate(rule, inventory({ clusters: sharingClusters(1) }));
    assert.deepEqual(summarize(rule, outcomes), [
      { id: apiServerSubnetId, status: "unverified", severity: "critical", detail: undefined },
    ]);
  });

  describe("clusters the subnet shows that the scan does not", () => {
    const outsideLoadBalancer = (resourceGroup: string): string =>
      `/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/${resourceGroup}/providers/Microsoft.Network/loadBalancers/kube-apiserver`;
    const outsideCases: {
      name: string;
      clusters: number;
      ipConfigurationIds: (clusters: readonly Cluster[]) => string[];
      links?: readonly string[];
      outside: number;
      numbers: readonly [number, number, number];
      status: string;
      severity?: string;
    }[] = [
      {
        name: "two frontends of one outside load balancer are one cluster",
        clusters: 0,
        ipConfigurationIds: () =>
          [0, 1].map((i) => `${outsideLoadBalancer("MC_x")}/frontendIPConfigurations/${i}`),
        outside: 1,
        numbers: [27, 9, 18],
        status: "pass",
      },
      {
        name: "two outside load balancers beside a scanned cluster's own",
        clusters: 1,
        ipConfigurationIds: (clusters) => [
          ...frontends(1, clusters),
          `${outsideLoadBalancer("MC_x")}/frontendIPConfigurations/0`,
          `${outsideLoadBalancer("MC_y")}/frontendIPConfigurations/0`,
        ],
        outside: 2,
        numbers: [27, 27, 0],
        status: "fail",
        severity: "medium",
      },
      {
        name: "AKS's service association link alone is at least one cluster",
        clusters: 0,
        ipConfigurationIds: () => [],
        links: ["Microsoft.ContainerService/managedClusters"],
        outside: 1,
        numbers: [27, 9, 18],
        status: "pass",
      },
      {
        name: "the link with a scanned cluster using the subnet adds nobody",
        clusters: 1,
        ipConfigurationIds: () => [],
        links: ["Microsoft.ContainerService/managedClusters"],
        outside: 0,
        numbers: [27, 9, 18],
        status: "pass",
      },
      {
        name: "another service's link is no AKS cluster",
        clusters: 0,
        ipConfigurationIds: () => [],
        links: ["Microsoft.Web/serverFarms"],
        outside: 0,
        numbers: [27, 0, 27],
        status: "pass",
      },
    ];
    for (const testCase of outsideCases) {
      it(testCase.name, () => {
        const clusters = sharingClusters(testCase.clusters);
        const subnet = apiServerSubnet({
          addressPrefixes: ["10.0.255.0/27"],
          ipConfigurationIds: testCase.ipConfigurationIds(clusters),
          serviceAssociationLinkTypes: testCase.links ?? [],
        });
        const outcomes = evaluate(rule, inventory({ clusters, vnets: [vnet({ subnets: [subnet] })] }));
        assert.deepEqual(summarize(rule, outcomes), [
          { id: apiServerSubnetId, status: testCase.status, severity: testCase.severity, detail: undefined },
        ]);
        const evidence = outcomes[0]?.evidence ?? {};
        assert.deepEqual([evidence.capacity, evidence.used, evidence.free], testCase.numbers);
        assert.equal(evidence.clustersOutsideScan, testCase.outside);
        if (testCase.outside > 0)
          assert.match(outcomes[0]?.message ?? "", /cluster\(s\) outside the scan use it/);
      });
    }

    it("a real AKS-owned API server subnet with no cluster in scope reserves 9 addresses", async () => {
      const file = fileURLToPath(
        new URL("../fixtures/az/subnet-show-apiserver-aks-managed.json", import.meta.url),
      );
      const collected = await readSnapshot([file]);
      const outcomes = evaluate(rule, normalize(collected.rows));
      const subnetIdInFixture =
        "/subscriptions/redacts-1111-1111-1111-111111111111/resourceGroups/MC_rg_aksapivnet_swedencentral/providers/Microsoft.Network/virtualNetworks/aks-vnet-68386414/subnets/aks-apiserver-subnet";
      assert.deepEqual(summarize(rule, outcomes), [
        { id: subnetIdInFixture, status: "fail", severity: "medium", detail: undefined },
      ]);
      const evidence = outcomes[0]?.evidence ?? {};
      assert.deepEqual(
        [evidence.capacity, evidence.used, evidence.free, evidence.clustersOutsideScan, evidence.linkedToAks],
        [11, 9, 2, 1, true],
      );
      assert.match(
        outcomes[0]?.message ?? "",
        /1 cluster\(s\) outside the scan use it \(kube-apiserver load balancers .*KUBE-APISERVER\)/,
      );
    });
  });
});
