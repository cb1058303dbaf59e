// Concurrency changes nothing: the same rows in the same order, pages in order, and never more than the quota a window.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { collectResourceGraph } from "../../src/collect/resource-graph.ts";
import type { ResourceGraphOptions } from "../../src/collect/resource-graph.ts";
import { graphQuery } from "../../src/collect/queries.ts";
import type { GraphQuery } from "../../src/collect/queries.ts";
import { FakeResourceGraph } from "./fake-resource-graph.ts";
import type { FakeGraphSettings, LoggedRequest } from "./fake-resource-graph.ts";
import { VirtualClock, fakeCredentials } from "./fakes.ts";

const sub = (tenant: number, n: number): string =>
  `0000000${tenant}-0000-0000-0000-${String(n).padStart(12, "0")}`;

/** Rows per subscription for each query: chains of 0 to 4 pages a batch, so some queries page and most do not. */
const rowsPerSubscription = { clusters: 9, subnets: 14, nsgs: 3, none: 0, changes: 1, roles: 5 } as const;
const queries: GraphQuery[] = Object.keys(rowsPerSubscription).map((name) =>
  graphQuery(name, `// ${name}\nresources\n| where name == '${name}'\n| order by id asc`),
);

function answer(query: string, subscriptions: readonly string[]): unknown[] {
  const name = /where name == '(\w+)'/.exec(query)?.[1] as keyof typeof rowsPerSubscription;
  return subscriptions.flatMap((subscriptionId) =>
    Array.from({ length: rowsPerSubscription[name] }, (_, n) => ({
      id: `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/x/${name}/${name}${n}`,
      subscriptionId,
    })),
  );
}

interface Scenario {
  readonly name: string;
  readonly graph: FakeGraphSettings;
  readonly tenants: number;
  readonly subscriptions: number;
  readonly queryConcurrency?: number;
}

const azure = { quota: 15, windowMs: 5000, fixedMs: 300, perRowMs: 1 };
const scenarios: Scenario[] = [
  { name: "Azure's quota, 300 ms + 1 ms a row", graph: azure, tenants: 1, subscriptions: 600 },
  { name: "four principals in parallel", graph: azure, tenants: 4, subscriptions: 300 },
  {
    name: "resets-after in whole seconds, rounded down",
    graph: { ...azure, wholeSeconds: true },
    tenants: 2,
    subscriptions: 600,
  },
  {
    name: "a tight quota of 3 a second",
    graph: { quota: 3, windowMs: 1000, fixedMs: 50, perRowMs: 0.1 },
    tenants: 1,
    subscriptions: 600,
    queryConcurrency: 3,
  },
  {
    name: "latency longer than the window",
    graph: { quota: 4, windowMs: 500, fixedMs: 900, perRowMs: 0.5 },
    tenants: 2,
    subscriptions: 400,
    queryConcurrency: 4,
  },
  {
    name: "no latency, 2 per 3 s",
    graph: { quota: 2, windowMs: 3000, fixedMs: 0, perRowMs: 0 },
    tenants: 1,
    subscriptions: 300,
    queryConcurrency: 2,
  },
];

function tenants(scenario: Scenario): ResourceGraphOptions["tenants"] {
  return Array.from({ length: scenario.tenants }, (_, tenant) => ({
    tenantId: `t${tenant}`,
    subscriptions: Array.from({ length: scenario.subscriptions }, (_, n) => sub(tenant, n)),
  }));
}

async function collect(scenario: Scenario, graph: FakeGraphSettings, queryConcurrency?: number) {
  const clock = new VirtualClock();
  const server = new FakeResourceGraph(clock, graph, answer);
  const collected = await clock.run(
    collectResourceGraph({
      tenants: tenants(scenario),
      credentialFactory: fakeCredentials().factory,
      queries,
      clock,
      random: () => 0.5,
      createClient: server.createClient,
      pageSize: 1000,
      ...(queryConcurrency === undefined ? {} : { queryConcurrency }),
    }),
  );
  return { collected, server };
}

/** Requests each principal sent in each of its quota windows (as the server counted them). */
function sentPerWindow(log: readonly LoggedRequest[]): number[] {
  const counts = new Map<string, number>();
  for (const entry of log) {
    const key = `${entry.principal}#${entry.window}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
}

const rowIds = (rows: readonly { value: unknown }[]): string[] =>
  rows.map((row) => (row.value as { id: string }).id);

describe("concurrent collection under one pacer per principal", () => {
  for (const scenario of scenarios) {
    describe(scenario.name, () => {
      it("returns the serial run's rows in the same order, with no gap", async () => {
        const concurrent = await collect(scenario, scenario.graph, scenario.queryConcurrency);
        const serial = await collect(scenario, scenario.graph, 1);
        assert.deepEqual(concurrent.collected.coverage.gaps, []);
        assert.deepEqual(rowIds(concurrent.collected.rows), rowIds(serial.collected.rows));
        const expected = tenants(scenario).flatMap((tenant) =>
          queries.flatMap((query) =>
            answer(query.kql, tenant.subscriptions ?? []).map((row) => (row as { id: string }).id),
          ),
        );
        assert.deepEqual(new Set(rowIds(concurrent.collected.rows)), new Set(expected));
        assert.equal(concurrent.collected.rows.length, expected.length);
        // Concurrency really happened, within its bound.
        assert.ok(concurrent.server.maxInFlight > 1);
        assert.ok(concurrent.server.maxInFlight <= (scenario.queryConcurrency ?? 15) * scenario.tenants);
      });

      it("never sends a principal more than its quota in any window, and meets no 429", async () => {
        const { server } = await collect(scenario, scenario.graph, scenario.queryConcurrency);
        const perWindow = sentPerWindow(server.log);
        assert.ok(perWindow.length > 0);
        for (const count of perWindow) assert.ok(count <= scenario.graph.quota, `${count} in one window`);
        assert.deepEqual(
          server.log.filter((entry) => entry.status !== 200),
          [],
        );
      });

      it("reads the pages of each query in order, each after the previous one's answer", async () => {
        const { server } = await collect(scenario, scenario.graph, scenario.queryConcurrency);
        const chains = new Map<string, LoggedRequest[]>();
        for (const entry of server.log) {
          const key = `${entry.principal}\n${entry.query}\n${entry.scope}`;
          chains.set(key, [...(chains.get(key) ?? []), entry]);
        }
        let paged = 0;
        for (const chain of chains.values()) {
          assert.deepEqual(
            chain.map((entry) => entry.offset),
            chain.map((_, index) => index * 1000),
          );
          for (let index = 1; index < chain.length; index++)
            assert.ok(chain[index]!.sentAt >= chain[index - 1]!.answeredAt);
          if (chain.length > 1) paged++;
        }
        assert.ok(paged > 0, "some query needs more than one page");
      });
    });
  }

  it("with a quota below the concurrency, only the first window meets 429s, and nothing is lost", async () => {
    const scenario: Scenario = {
      name: "quota 4, concurrency 10",
      graph: { quota: 4, windowMs: 1000, fixedMs: 100, perRowMs: 0.1 },
      tenants: 1,
      subscriptions: 600,
      queryConcurrency: 10,
    };
    const { collected, server } = await collect(scenario, scenario.graph, scenario.queryConcurrency);
    assert.deepEqual(collected.coverage.gaps, []);
    const refused = server.log.filter((entry) => entry.status === 429);
    assert.ok(refused.length > 0);
    assert.deepEqual(new Set(refused.map((entry) => entry.window)), new Set([0]));
    const serial = await collect(scenario, scenario.graph, 1);
    assert.deepEqual(rowIds(collected.rows), rowIds(serial.collected.rows));
  });

  it("opens the next window when the quota resets, not a body's reading time after it", async () => {
    // Two requests a 3 s window; a 1,000-row page arrives after 100 ms and takes 2 s more to read (2 ms a row).
    // Its resets-after (2.9 s, told as it leaves) counts from its arrival: the next page may go at 3 s, not at 5 s.
    const graph: FakeGraphSettings = { quota: 2, windowMs: 3000, fixedMs: 100, perRowMs: 2 };
    const clock = new VirtualClock();
    const server = new FakeResourceGraph(clock, graph, answer);
    const collected = await clock.run(
      collectResourceGraph({
        tenants: [{ tenantId: "t0", subscriptions: Array.from({ length: 300 }, (_, n) => sub(0, n)) }],
        credentialFactory: fakeCredentials().factory,
        queries: queries.filter((query) => query.name === "clusters"),
        clock,
        random: () => 0.5,
        createClient: server.createClient,
        pageSize: 1000,
        queryConcurrency: 2,
      }),
    );
    assert.deepEqual(collected.coverage.gaps, []);
    assert.equal(collected.rows.length, 300 * rowsPerSubscription.clusters);
    assert.deepEqual(
      server.log.map((entry) => [entry.offset, entry.window, entry.status]),
      [
        [0, 0, 200],
        [0, 0, 200],
        [1000, 1, 200],
        [2000, 1, 200],
      ],
    );
    const second = server.log[2]!;
    // The reset, one millisecond for the header's rounding and the pacer's 10 ms guard: 3,011 ms.
    assert.ok(second.sentAt >= 3000 && second.sentAt <= 3011, `the second page went at ${second.sentAt} ms`);
  });

  it("retries injected 429s and still returns every row once", async () => {
    const scenario = scenarios[0]!;
    const graph = { ...scenario.graph, throttleEvery: 7 };
    const { collected, server } = await collect(scenario, graph);
    assert.ok(server.log.some((entry) => entry.status === 429));
    assert.deepEqual(collected.coverage.gaps, []);
    const clean = await collect(scenario, scenario.graph);
    assert.deepEqual(rowIds(collected.rows), rowIds(clean.collected.rows));
  });
});
