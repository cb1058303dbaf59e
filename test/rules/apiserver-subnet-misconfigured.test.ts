import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/apiserver-subnet-misconfigured.ts";
import type { Cluster, VirtualNetwork } from "../../src/inventory/model.ts";
import type { SubnetOverrides } from "../builders.ts";
import {
  agentPool,
  apiServerFrontendId,
  apiServerSubnet,
  cluster,
  evaluate,
  inventory,
  ipConfigurationIds,
  subnet,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";

const apiServerSubnetId = subnetId("vnet-1", "apiserver");

function integrated(name: string, nodeSubnetId: string | undefined, enableVnetIntegration = true): Cluster {
  return cluster({
    name,
    networkPlugin: "azure",
    agentPools: [agentPool({ vnetSubnetId: nodeSubnetId })],
    apiServerAccessProfile: { enableVnetIntegration, subnetId: apiServerSubnetId },
  });
}

function network(apiServer: SubnetOverrides | undefined): VirtualNetwork[] {
  const subnets = [
    subnet({ name: "nodes" }),
    ...(apiServer === undefined ? [] : [apiServerSubnet(apiServer)]),
  ];
  return [
    vnet({ subnets }),
    vnet({
      name: "vnet-2",
      addressPrefixes: ["10.1.0.0/16"],
      subnets: [subnet({ name: "nodes", addressPrefixes: ["10.1.0.0/24"] })],
    }),
  ];
}

const sameVnetNodes = subnetId("vnet-1", "nodes");
const otherVnetNodes = subnetId("vnet-2", "nodes");
const frontendsOnly = { ipConfigurationIds: [apiServerFrontendId(0), apiServerFrontendId(1)] };
const privateEndpointId =
  "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-1";

interface Case {
  readonly name: string;
  readonly clusters: readonly Cluster[];
  readonly apiServer: SubnetOverrides | undefined;
  readonly status: string;
  readonly problems?: readonly string[];
}

const cases: Case[] = [
  {
    name: "delegated, frontends only, same VNet",
    clusters: [integrated("a", sameVnetNodes)],
    apiServer: frontendsOnly,
    status: "pass",
    problems: [],
  },
  {
    name: "delegation and frontend ids compared case-insensitively",
    clusters: [integrated("a", sameVnetNodes.toUpperCase())],
    apiServer: {
      delegations: [{ serviceName: "microsoft.containerservice/managedclusters" }],
      ipConfigurationIds: [apiServerFrontendId(0).toLowerCase()],
    },
    status: "pass",
    problems: [],
  },
  {
    name: "not delegated",
    clusters: [integrated("a", sameVnetNodes)],
    apiServer: { delegations: [] },
    status: "fail",
    problems: ["not-delegated"],
  },
  {
    name: "delegated to another service",
    clusters: [integrated("a", sameVnetNodes)],
    apiServer: { delegations: [{ serviceName: "Microsoft.Web/serverFarms" }] },
    status: "fail",
    problems: ["not-delegated"],
  },
  {
    name: "holds other ipConfigurations",
    clusters: [integrated("a", sameVnetNodes)],
    apiServer: { ipConfigurationIds: [apiServerFrontendId(0), ...ipConfigurationIds(2)] },
    status: "fail",
    problems: ["foreign-ip-configurations"],
  },
  {
    name: "holds a private endpoint",
    clusters: [integrated("a", sameVnetNodes)],
    apiServer: { privateEndpointIds: [privateEndpointId] },
    status: "fail",
    problems: ["private-endpoints"],
  },
  {
    name: "nodes in another VNet",
    clusters: [integrated("a", otherVnetNodes)],
    apiServer: frontendsOnly,
    status: "fail",
    problems: ["vnet-mismatch"],
  },
  {
    name: "nodes on an AKS-managed VNet",
    clusters: [integrated("a", undefined)],
    apiServer: frontendsOnly,
    status: "fail",
    problems: ["vnet-mismatch"],
  },
  {
    name: "one of two sharing clusters in another VNet",
    clusters: [integrated("a", sameVnetNodes), integrated("b", otherVnetNodes)],
    apiServer: frontendsOnly,
    status: "fail",
    problems: ["vnet-mismatch"],
  },
  {
    name: "every problem at once is listed",
    clusters: [integrated("a", otherVnetNodes)],
    apiServer: {
      delegations: [],
      ipConfigurationIds: ipConfigurationIds(1),
      privateEndpointIds: [privateEndpointId],
    },
    status: "fail",
    problems: ["not-delegated", "foreign-ip-configurations", "private-endpoints", "vnet-mismatch"],
  },
  {
    name: "only a non-integrated cluster references it",
    clusters: [integrated("a", otherVnetNodes, false)],
    apiServer: { delegations: [] },
    status: "not_applicable",
  },
  { name: "delegated subnet no cluster uses", clusters: [], apiServer: {}, status: "not_applicable" },
  {
    name: "subnet missing, nodes in its VNet",
    clusters: [integrated("a", sameVnetNodes)],
    apiServer: undefined,
    status: "unverified",
    problems: [],
  },
  {
    name: "subnet missing, nodes in another VNet",
    clusters: [integrated("a", otherVnetNodes)],
    apiServer: undefined,
    status: "fail",
    problems: ["vnet-mismatch"],
  },
];

function problemKinds(evidence: unknown): string[] {
  return (evidence as { problems: { kind: string }[] }).problems.map((problem) => problem.kind);
}

describe("apiserver-subnet-misconfigured", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const outcomes = evaluate(
        rule,
        inventory({ clusters: testCase.clusters, vnets: network(testCase.apiServer) }),
      );
      const severity = testCase.status === "fail" || testCase.status === "unverified" ? "high" : undefined;
      assert.deepEqual(summarize(rule, outcomes), [
        { id: apiServerSubnetId, status: testCase.status, severity, detail: undefined },
      ]);
      if (testCase.problems !== undefined)
        assert.deepEqual(problemKinds(outcomes[0]?.evidence), testCase.problems);
    });
  }
});
