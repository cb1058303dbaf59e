import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule, { poolsListed } from "../../src/rules/node-subnet-ip-exhaustion.ts";
import { parseMaxSurge } from "../../src/rules/_pool-demand.ts";
import type { Config } from "../../src/config/config.ts";
import type { AgentPool, Cluster } from "../../src/inventory/model.ts";
import type { ClusterOverrides } from "../builders.ts";
import {
  agentPool,
  cluster,
  evaluate,
  inventory,
  ipConfigurationIds,
  subnet,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";

const nodeSubnetId = subnetId("vnet-1", "nodes");

function onNodes(pool: Partial<AgentPool>, overrides: ClusterOverrides = {}): Cluster {
  return cluster({ agentPools: [agentPool({ vnetSubnetId: nodeSubnetId, ...pool })], ...overrides });
}

const azure = { networkPlugin: "azure" } as const;

interface Case {
  readonly name: string;
  readonly clusters: readonly Cluster[];
  readonly addressPrefixes: readonly string[];
  readonly used: number;
  readonly config?: Partial<Config>;
  readonly status: string;
  readonly severity?: string;
  /** Per pool: [nodesMax, surge, ipsPerNode]. */
  readonly pools?: readonly (readonly [number, number, number])[];
  readonly peak?: number;
}

const slash26 = ["10.0.0.0/26"]; // 59 usable
const thirty = ["10.0.0.0/27", "10.0.1.0/29"]; // 27 + 3 usable

const cases: Case[] = [
  {
    name: "kubenet: one address per node",
    clusters: [onNodes({ count: 3 })],
    addressPrefixes: ["10.0.0.0/24"],
    used: 3,
    status: "pass",
    pools: [[3, 1, 1]],
    peak: 4,
  },
  {
    name: "azure: maxPods missing means 30 + 1",
    clusters: [onNodes({ count: 3 }, azure)],
    addressPrefixes: ["10.0.0.0/24"],
    used: 93,
    status: "pass",
    pools: [[3, 1, 31]],
    peak: 124,
  },
  {
    name: "azure: maxPods 50 means 51",
    clusters: [onNodes({ count: 2, maxPods: 50 }, azure)],
    addressPrefixes: ["10.0.0.0/24"],
    used: 102,
    status: "pass",
    pools: [[2, 1, 51]],
    peak: 153,
  },
  {
    name: "azure overlay: one address per node",
    clusters: [onNodes({ count: 3, maxPods: 250 }, { networkPlugin: "azure", networkPluginMode: "overlay" })],
    addressPrefixes: slash26,
    used: 3,
    status: "pass",
    pools: [[3, 1, 1]],
  },
  {
    name: "azure with a pod subnet: one address per node",
    clusters: [onNodes({ count: 3, maxPods: 250, podSubnetId: subnetId("vnet-1", "pods") }, azure)],
    addressPrefixes: slash26,
    used: 3,
    status: "pass",
    pools: [[3, 1, 1]],
  },
  {
    name: "maxSurge 33% of 10 nodes → 4",
    clusters: [onNodes({ count: 10, maxSurge: "33%" })],
    addressPrefixes: slash26,
    used: 10,
    status: "pass",
    pools: [[10, 4, 1]],
    peak: 14,
  },
  {
    name: "maxSurge 5 → 5",
    clusters: [onNodes({ count: 10, maxSurge: "5" })],
    addressPrefixes: slash26,
    used: 10,
    status: "pass",
    pools: [[10, 5, 1]],
    peak: 15,
  },
  {
    name: "maxSurge missing → 1",
    clusters: [onNodes({ count: 10 })],
    addressPrefixes: slash26,
    used: 10,
    status: "pass",
    pools: [[10, 1, 1]],
    peak: 11,
  },
  {
    name: "maxSurge unparsable → 1, and room is unverified, not a pass",
    clusters: [onNodes({ count: 10, maxSurge: "lots" })],
    addressPrefixes: slash26,
    used: 10,
    status: "unverified",
    severity: "critical",
    pools: [[10, 1, 1]],
  },
  {
    name: "autoscaling uses maxCount (and surge from it)",
    clusters: [
      onNodes({ count: 2, enableAutoScaling: true, maxCount: 10, maxSurge: "50%", maxPods: 10 }, azure),
    ],
    addressPrefixes: slash26,
    used: 22,
    status: "fail",
    severity: "high",
    pools: [[10, 5, 11]],
    peak: 165,
  },
  {
    name: "maxCount ignored without autoscaling",
    clusters: [onNodes({ count: 2, enableAutoScaling: false, maxCount: 10, maxPods: 10 }, azure)],
    addressPrefixes: slash26,
    used: 22,
    status: "pass",
    pools: [[2, 1, 11]],
    peak: 33,
  },
  {
    name: "used equals capacity is critical",
    clusters: [onNodes({ count: 3 })],
    addressPrefixes: slash26,
    used: 59,
    status: "fail",
    severity: "critical",
  },
  {
    name: "used above capacity is critical",
    clusters: [onNodes({ count: 3 })],
    addressPrefixes: slash26,
    used: 60,
    status: "fail",
    severity: "critical",
  },
  {
    name: "peak exactly capacity is not high (98% used → medium)",
    clusters: [onNodes({ count: 3 })],
    addressPrefixes: slash26,
    used: 58,
    status: "fail",
    severity: "medium",
    peak: 59,
  },
  {
    name: "peak over capacity is high before medium",
    clusters: [onNodes({ count: 3, maxSurge: "2" })],
    addressPrefixes: slash26,
    used: 58,
    status: "fail",
    severity: "high",
    peak: 60,
  },
  {
    name: "used exactly the warn ratio is medium",
    clusters: [onNodes({ count: 1 })],
    addressPrefixes: thirty,
    used: 24,
    status: "fail",
    severity: "medium",
  },
  {
    name: "used just below the warn ratio passes",
    clusters: [onNodes({ count: 1 })],
    addressPrefixes: thirty,
    used: 23,
    status: "pass",
  },
  {
    name: "warn ratio from config",
    clusters: [onNodes({ count: 1 })],
    addressPrefixes: thirty,
    used: 23,
    config: { nodeSubnetWarnRatio: 0.7 },
    status: "fail",
    severity: "medium",
  },
  {
    name: "pools of several clusters add up on one subnet (each alone would fit)",
    clusters: [onNodes({ count: 20 }, { name: "a" }), onNodes({ count: 20, maxSurge: "20" }, { name: "b" })],
    addressPrefixes: slash26,
    used: 40,
    status: "fail",
    severity: "high",
    pools: [
      [20, 1, 1],
      [20, 20, 1],
    ],
    peak: 61,
  },
  {
    name: "fewer ipConfigurations than nodes: other is never negative",
    clusters: [onNodes({ count: 3 }, azure)],
    addressPrefixes: ["10.0.0.0/24"],
    used: 0,
    status: "pass",
    peak: 124,
  },
];

describe("node-subnet-ip-exhaustion", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const nodes = subnet({
        name: "nodes",
        addressPrefixes: testCase.addressPrefixes,
        ipConfigurationIds: ipConfigurationIds(testCase.used),
      });
      const outcomes = evaluate(
        rule,
        inventory({ clusters: testCase.clusters, vnets: [vnet({ subnets: [nodes] })] }),
        testCase.config,
      );
      assert.deepEqual(summarize(rule, outcomes), [
        { id: nodeSubnetId, status: testCase.status, severity: testCase.severity, detail: undefined },
      ]);
      const evidence = outcomes[0]?.evidence as {
        peak: number;
        pools: { nodesMax: number; surge: number; ipsPerNode: number }[];
      };
      if (testCase.pools !== undefined) {
        assert.deepEqual(
          evidence.pools.map((pool) => [pool.nodesMax, pool.surge, pool.ipsPerNode]),
          testCase.pools,
        );
      }
      if (testCase.peak !== undefined) assert.equal(evidence.peak, testCase.peak);
    });
  }

  it("a node subnet missing from the inventory is unverified", () => {
    const outcomes = evaluate(rule, inventory({ clusters: [onNodes({ count: 3 })] }));
    assert.deepEqual(summarize(rule, outcomes), [
      { id: nodeSubnetId, status: "unverified", severity: "critical", detail: undefined },
    ]);
  });

  it("clusters on an AKS-managed VNet yield nothing", () => {
    assert.deepEqual(evaluate(rule, inventory({ clusters: [cluster()] })), []);
  });

  // Past `poolsListed` the evidence lists the first pools and counts them all; the figures still sum every pool.
  const poolCountCases: { pools: number; maxSurge?: string; listed: number; poolCount?: number }[] = [
    { pools: 3, listed: 3 },
    { pools: poolsListed, listed: poolsListed },
    { pools: poolsListed + 1, listed: poolsListed, poolCount: poolsListed + 1 },
    { pools: 250, listed: poolsListed, poolCount: 250 },
    { pools: 250, maxSurge: "lots", listed: poolsListed, poolCount: 250 },
  ];
  for (const { pools, maxSurge, listed, poolCount } of poolCountCases) {
    it(`${String(pools)} pools${maxSurge ? ` with maxSurge ${maxSurge}` : ""}: ${String(listed)} listed, count ${String(poolCount ?? "absent")}`, () => {
      const agentPools = Array.from({ length: pools }, (_, index) =>
        agentPool({ name: `p${String(index)}`, count: 2, vnetSubnetId: nodeSubnetId, maxSurge }),
      );
      const nodes = subnet({ name: "nodes", addressPrefixes: ["10.0.0.0/16"] });
      const [outcome] = evaluate(
        rule,
        inventory({ clusters: [cluster({ agentPools })], vnets: [vnet({ subnets: [nodes] })] }),
      );
      const evidence = outcome?.evidence as { peak: number; pools: { pool: string }[]; poolCount?: number };
      assert.deepEqual(
        evidence.pools.map((pool) => pool.pool),
        agentPools.slice(0, listed).map((pool) => pool.name),
      );
      assert.equal(evidence.poolCount, poolCount);
      assert.equal("poolCount" in evidence, poolCount !== undefined);
      // Two nodes and the default surge of one, one address each (kubenet), for every pool.
      assert.equal(evidence.peak, pools * 3);
      if (maxSurge === undefined) return;
      assert.equal(outcome?.status, "unverified");
      assert.match(
        outcome.message,
        new RegExp(`p${String(listed - 1)} and ${String(pools - listed)} more could not be read`),
      );
      assert.doesNotMatch(outcome.message, new RegExp(`p${String(listed)}\\b`));
    });
  }

  it("parses maxSurge", () => {
    assert.deepEqual(parseMaxSurge("33%", 3), { surge: 1 });
    assert.deepEqual(parseMaxSurge("33%", 100), { surge: 33 });
    assert.deepEqual(parseMaxSurge("100%", 7), { surge: 7 });
    assert.deepEqual(parseMaxSurge("12.5%", 8), { surge: 1 });
    assert.deepEqual(parseMaxSurge(" 5 ", 3), { surge: 5 });
    assert.deepEqual(parseMaxSurge("0", 3), { surge: 0 });
    assert.deepEqual(parseMaxSurge(undefined, 3), { surge: 1 });
    assert.equal(parseMaxSurge("-1", 3).surge, 1);
    assert.match(parseMaxSurge("-1", 3).note ?? "", /not understood/);
  });
});
