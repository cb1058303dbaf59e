// The growth chart the bench draws: the fitted exponent, lines through the measured points only, labels apart.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { growthChart, growthExponent, type GrowthPoint } from "../../bench/growth-chart.ts";

const sizes = (figures: readonly [clusters: number, ms: number, megabytes: number][]): GrowthPoint[] =>
  figures.map(([clusters, ms, megabytes], index) => ({
    size: "SML"[index]!,
    clusters,
    ms,
    rssBytes: megabytes * 1e6,
  }));

/** Where each dot of one color is, and where its label is, in the order drawn. */
function dotsAndLabels(
  svg: string,
  color: string,
): { dotX: number; dot: number; labelX: number; label: number }[] {
  const pattern = new RegExp(
    `<circle cx="([\\d.]+)" cy="([\\d.]+)" r="4" fill="${color}"/><text x="([\\d.]+)" [^>]*y="([\\d.-]+)" fill="${color}"`,
    "g",
  );
  return [...svg.matchAll(pattern)].map((match) => ({
    dotX: Number(match[1]),
    dot: Number(match[2]),
    labelX: Number(match[3]),
    label: Number(match[4]),
  }));
}

const time = "#1f77b4";
const memory = "#d62728";

describe("growthExponent", () => {
  const cases: readonly { what: string; y: (x: number) => number; exponent: number }[] = [
    { what: "linear", y: (x) => 3 * x, exponent: 1 },
    { what: "quadratic", y: (x) => x * x, exponent: 2 },
    { what: "square root", y: (x) => Math.sqrt(x), exponent: 0.5 },
    { what: "constant", y: () => 7, exponent: 0 },
  ];
  for (const { what, y, exponent } of cases) {
    it(`${what} growth has exponent ${exponent}`, () => {
      const points = [1000, 10_000, 20_000].map((x) => ({ x, y: y(x) }));
      assert.ok(Math.abs(growthExponent(points) - exponent) < 1e-9);
    });
  }

  it("needs two points with positive values", () => {
    assert.ok(Number.isNaN(growthExponent([{ x: 1000, y: 5 }])));
    assert.ok(
      Number.isNaN(
        growthExponent([
          { x: 0, y: 5 },
          { x: 1000, y: 0 },
        ]),
      ),
    );
  });
});

describe("growthChart", () => {
  // The eighth session's bench (docs/performance.md) and two layouts where the lines swap places.
  const fleets: readonly { what: string; points: GrowthPoint[] }[] = [
    {
      what: "the eighth session's run",
      points: sizes([
        [1000, 1470, 464],
        [10_000, 6550, 979],
        [20_000, 13_160, 1377],
      ]),
    },
    {
      what: "memory above time everywhere",
      points: sizes([
        [1000, 100, 900],
        [10_000, 500, 1000],
        [20_000, 900, 1100],
      ]),
    },
    {
      what: "time above memory everywhere",
      points: sizes([
        [1000, 9000, 100],
        [10_000, 12_000, 200],
        [20_000, 15_000, 300],
      ]),
    },
  ];
  for (const { what, points } of fleets) {
    it(`${what}: each line has a vertex per size and none at the origin`, () => {
      const { svg } = growthChart(points);
      const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((match) => match[1]!.split(" "));
      assert.equal(lines.length, 2);
      for (const vertices of lines) assert.equal(vertices.length, points.length);
    });

    it(`${what}: the two labels of a size sit on opposite sides, away from each other`, () => {
      const { svg } = growthChart(points);
      const times = dotsAndLabels(svg, time);
      const memories = dotsAndLabels(svg, memory);
      assert.equal(times.length, points.length);
      assert.equal(memories.length, points.length);
      for (const [index, timeDot] of times.entries()) {
        const memoryDot = memories[index]!;
        const [upper, lower] = timeDot.dot <= memoryDot.dot ? [timeDot, memoryDot] : [memoryDot, timeDot];
        assert.ok(upper.label < upper.dot, `size ${index}: the higher dot's label is above it`);
        assert.ok(lower.label > lower.dot, `size ${index}: the lower dot's label is below it`);
        // The lines rise: from below on the left of a dot, upwards on its right.
        assert.ok(upper.labelX < upper.dotX, `size ${index}: the label above ends left of its dot`);
        assert.ok(lower.labelX > lower.dotX, `size ${index}: the label below starts right of its dot`);
      }
    });
  }

  it("states both exponents under the chart", () => {
    const { svg, timeExponent, memoryExponent } = growthChart(fleets[0]!.points);
    assert.match(
      svg,
      new RegExp(`time exponent ${timeExponent.toFixed(2)}, memory exponent ${memoryExponent.toFixed(2)}`),
    );
    // The bench printed 0.71 and 0.35 from its unrounded figures; these are rounded to 10 ms and 1 MB.
    assert.ok(Math.abs(timeExponent - 0.71) < 0.01, `time exponent ${timeExponent}`);
    assert.ok(Math.abs(memoryExponent - 0.35) < 0.01, `memory exponent ${memoryExponent}`);
  });
});
