// The bench's yardsticks: the latency and quota bounds of a collection, the growth exponent of the scan, and the
// wall time a scan's CPU cannot beat on the machine's cores.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { latencyBoundMs, quotaBoundMs } from "../../bench/run.ts";
import { growthChart, growthExponent } from "../../bench/growth-chart.ts";
import { cpuFloorMs, cpuTimeMs } from "../../bench/cpu.ts";

const latency = { fixedMs: 300, perRowMs: 1 };
const chains = [
  { tenantId: "a", rowsPerPage: [1000, 1000, 200] },
  { tenantId: "a", rowsPerPage: [5] },
  { tenantId: "b", rowsPerPage: [1000] },
];

describe("CPU floor", () => {
  const readings: [string, NodeJS.CpuUsage, number][] = [
    ["user and system time both count", { user: 9_495_000, system: 500_000 }, 9_995],
    ["no time passed", { user: 0, system: 0 }, 0],
  ];
  for (const [what, usage, ms] of readings) {
    it(`CPU of a reading in ms: ${what}`, () => {
      assert.equal(cpuTimeMs(usage), ms);
    });
  }
  const floors: [cpuMs: number, cores: number, floorMs: number][] = [
    [10_030, 2, 5_015],
    [10_030, 4, 2_507.5],
    [1_500, 1, 1_500],
    // A machine that reports no cores still runs on one.
    [1_500, 0, 1_500],
  ];
  for (const [cpuMs, cores, floorMs] of floors) {
    it(`${cpuMs} ms of CPU on ${cores} cores takes at least ${floorMs} ms`, () => {
      assert.equal(cpuFloorMs(cpuMs, cores), floorMs);
    });
  }
});

describe("collection bounds", () => {
  it("the latency bound is the longest chain of dependent pages", () => {
    assert.equal(latencyBoundMs(chains, latency), 3 * 300 + 2200);
  });
  const quotas: [number, number][] = [
    [15, 300],
    [4, 300],
    [3, 5300],
    [1, 3 * 5000 + 300],
  ];
  for (const [quota, bound] of quotas) {
    it(`the quota bound at ${quota} a window is ${bound} ms`, () => {
      assert.equal(quotaBoundMs(chains, { latency, quota, windowMs: 5000 }), bound);
    });
  }
});

describe("growth exponent", () => {
  const cases: [string, (x: number) => number, number][] = [
    ["linear", (x) => 3 * x, 1],
    ["quadratic", (x) => x * x, 2],
    ["constant", () => 7, 0],
  ];
  for (const [name, f, exponent] of cases) {
    it(`${name} growth has exponent ${exponent}`, () => {
      const points = [1000, 10_000, 20_000].map((x) => ({ x, y: f(x) }));
      assert.ok(Math.abs(growthExponent(points) - exponent) < 1e-9);
    });
  }

  it("draws every size with its figures", () => {
    const { svg, timeExponent } = growthChart([
      { size: "S", clusters: 1000, ms: 1500, rssBytes: 4e8 },
      { size: "M", clusters: 10_000, ms: 15_000, rssBytes: 1.2e9 },
      { size: "L", clusters: 20_000, ms: 30_000, rssBytes: 2.2e9 },
    ]);
    assert.ok(Math.abs(timeExponent - 1) < 1e-9);
    for (const text of ["S 1.5 s", "M 15.0 s", "L 2.20 GB", "time exponent 1.00"])
      assert.ok(svg.includes(text), text);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
