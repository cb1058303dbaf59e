// Observations carried across runs, and the History questions rules ask of them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHistory } from "../../src/history/history.ts";
import {
  maxSamplesPerCluster,
  mergeObservations,
  type CurrentObservation,
  type Observations,
} from "../../src/history/observations.ts";
import { clusterA, clusterB } from "./fixtures/records.ts";

type Seen = Omit<CurrentObservation, "clusterId" | "apiServerIps"> &
  Partial<Pick<CurrentObservation, "apiServerIps">>;

/** Merges one observation of cluster A per day, starting 2026-11-01. */
function days(...seen: readonly Seen[]): Observations {
  return seen.reduce<Observations | undefined>(
    (history, observation, index) =>
      mergeObservations(history, [{ clusterId: clusterA, apiServerIps: [], ...observation }], day(index + 1)),
    undefined,
  )!;
}

function day(n: number): string {
  return `2026-11-${String(n).padStart(2, "0")}T02:00:00.000Z`;
}

const off = { enableVnetIntegration: false, powerState: "Running" };
const on = { enableVnetIntegration: true, powerState: "Running" };
const onStopped = { enableVnetIntegration: true, powerState: "Stopped" };

describe("mergeObservations", () => {
  it("keys clusters by lower-cased id and keeps clusters not seen this run", () => {
    const first = mergeObservations(
      undefined,
      [{ clusterId: clusterB, enableVnetIntegration: false, apiServerIps: [] }],
      day(1),
    );
    const second = mergeObservations(
      first,
      [{ clusterId: clusterA.toUpperCase(), ...on, apiServerIps: [] }],
      day(2),
    );
    assert.deepEqual(Object.keys(second.clusters).sort(), [clusterA.toLowerCase(), clusterB.toLowerCase()]);
    assert.equal(second.clusters[clusterB.toLowerCase()]?.samples.length, 1);
  });

  it("keeps the first and last sample of each unchanged stretch, so change windows stay exact", () => {
    const history = days(off, off, off, on, on, on);
    assert.deepEqual(
      history.clusters[clusterA.toLowerCase()]?.samples.map((s) => [s.at, s.enableVnetIntegration]),
      [
        [day(1), false],
        [day(3), false],
        [day(4), true],
        [day(6), true],
      ],
    );
  });

  it("replaces a sample taken at the same time instead of adding one", () => {
    const once = days(off);
    const again = mergeObservations(once, [{ clusterId: clusterA, ...on, apiServerIps: [] }], day(1));
    assert.deepEqual(again.clusters[clusterA.toLowerCase()]?.samples, [{ at: day(1), ...on }]);
  });

  it(`keeps at most ${maxSamplesPerCluster} samples, dropping the oldest`, () => {
    let history: Observations | undefined;
    for (let i = 0; i < maxSamplesPerCluster + 20; i += 1) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
      history = mergeObservations(
        history,
        [{ clusterId: clusterA, enableVnetIntegration: i % 2 === 0, apiServerIps: [] }],
        at,
      );
    }
    const samples = history?.clusters[clusterA.toLowerCase()]?.samples ?? [];
    assert.equal(samples.length, maxSamplesPerCluster);
    assert.equal(samples[0]?.at, new Date(Date.UTC(2026, 0, 1) + 20 * 3_600_000).toISOString());
  });

  it("tracks first and last seen per API server IP and evidence", () => {
    const history = days(
      { ...off, apiServerIps: [{ ip: "10.0.0.4", evidence: "kube-apiserver-frontend" }] },
      {
        ...off,
        apiServerIps: [
          { ip: "10.0.0.4", evidence: "kube-apiserver-frontend" },
          { ip: "10.0.0.4", evidence: "dns" },
        ],
      },
      { ...on, apiServerIps: [{ ip: "10.1.0.4", evidence: "dns" }] },
    );
    assert.deepEqual(history.clusters[clusterA.toLowerCase()]?.apiServerIps, [
      { ip: "10.0.0.4", evidence: "kube-apiserver-frontend", firstSeen: day(1), lastSeen: day(2) },
      { ip: "10.0.0.4", evidence: "dns", firstSeen: day(2), lastSeen: day(2) },
      { ip: "10.1.0.4", evidence: "dns", firstSeen: day(3), lastSeen: day(3) },
    ]);
  });
});

describe("History", () => {
  it("finds the window in which integration was enabled", () => {
    const history = createHistory(days(off, off, on, on));
    assert.deepEqual(history.integrationTransitions(clusterA.toUpperCase()), [
      { lastSeenDisabled: day(2), firstSeenEnabled: day(3) },
    ]);
    assert.deepEqual(createHistory(days(on, on)).integrationTransitions(clusterA), []);
  });

  const restartCases: { name: string; seen: Seen[]; after: string; expected: number }[] = [
    {
      name: "stopped then running after the time",
      seen: [off, on, onStopped, on],
      after: day(2),
      expected: 1,
    },
    { name: "stopped before the time", seen: [onStopped, on, on], after: day(2), expected: 0 },
    { name: "never started again", seen: [on, onStopped, onStopped], after: day(1), expected: 0 },
    { name: "never stopped", seen: [on, on, on], after: day(1), expected: 0 },
  ];
  for (const { name, seen, after, expected } of restartCases) {
    it(`restartsAfter: ${name} → ${expected}`, () => {
      assert.equal(createHistory(days(...seen)).restartsAfter(clusterA, after).length, expected);
    });
  }

  it("restartsAfter names the stop and start observations", () => {
    assert.deepEqual(createHistory(days(on, onStopped, on)).restartsAfter(clusterA, day(1)), [
      { lastSeenStopped: day(2), firstSeenRunning: day(3) },
    ]);
  });

  it("lists API server IPs seen before that are not current", () => {
    const history = createHistory(
      days(
        { ...off, apiServerIps: [{ ip: "20.50.1.1", evidence: "dns" }] },
        { ...on, apiServerIps: [{ ip: "10.1.0.4", evidence: "kube-apiserver-frontend" }] },
      ),
    );
    assert.deepEqual(
      history
        .previousApiServerIps(clusterA, ["10.1.0.4"])
        .map((entry) => [entry.ip, entry.evidence, entry.lastSeen]),
      [["20.50.1.1", "dns", day(1)]],
    );
    assert.deepEqual(history.previousApiServerIps(clusterB, []), []);
  });

  it("answers empty for no history at all", () => {
    const history = createHistory(undefined);
    assert.deepEqual([history.samples(clusterA), history.integrationTransitions(clusterA)], [[], []]);
  });
});
