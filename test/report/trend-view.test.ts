// Trend charts as geometry: points inside the plot, axes with labels, a sentence for screen readers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TrendPoint } from "../../src/findings/run.ts";
import { buildTrend } from "../../src/report/trend-view.ts";

function point(day: number, integrated: number, high: number, diff?: [number, number]): TrendPoint {
  return {
    runId: `run-${String(day)}`,
    startedAt: `2026-11-${String(day).padStart(2, "0")}T06:00:00.000Z`,
    clusters: 10,
    integratedClusters: integrated,
    bySeverity: { critical: 0, high, medium: 0, low: 0, info: 0 },
    new: diff?.[0] ?? high,
    resolved: diff?.[1] ?? 0,
    hasPrevious: diff !== undefined,
    complete: true,
  };
}

const history = [point(1, 2, 40), point(8, 5, 30, [3, 13]), point(15, 8, 20, [1, 11])];

describe("buildTrend", () => {
  it("needs two runs for a trend, and still gives the table for one", () => {
    const one = buildTrend(history.slice(0, 1));
    assert.deepEqual([one.hasTrend, one.charts.length, one.rows.length], [false, 0, 1]);
    assert.equal(buildTrend(history).charts.length, 3);
  });

  it("plots % integrated from the left axis to the right, higher share higher up", () => {
    const [integrated] = buildTrend(history).charts;
    assert.ok(integrated);
    const dots = integrated.series[0]!.dots;
    assert.deepEqual(
      dots.map((dot) => dot.x),
      [integrated.left, (integrated.left + integrated.right) / 2, integrated.right],
    );
    assert.ok(dots[0]!.y > dots[1]!.y && dots[1]!.y > dots[2]!.y, "20 % → 50 % → 80 % rises");
    for (const dot of dots) assert.ok(dot.y >= integrated.top && dot.y <= integrated.bottom);
    assert.deepEqual(
      integrated.yTicks.map((tick) => tick.label),
      ["0 %", "25 %", "50 %", "75 %", "100 %"],
    );
    assert.deepEqual(
      integrated.xTicks.map((tick) => [tick.label, tick.anchor]),
      [
        ["2026-11-01", "start"],
        ["2026-11-08", "middle"],
        ["2026-11-15", "end"],
      ],
    );
    assert.match(integrated.description, /20 % on 2026-11-01 06:00, 80 % on 2026-11-15 06:00/);
  });

  it("draws one line a severity and scales to a round maximum", () => {
    const failing = buildTrend(history).charts[1]!;
    assert.deepEqual(
      failing.series.map((series) => series.name),
      ["critical", "high", "medium", "low", "info"],
    );
    assert.equal(failing.yTicks.at(-1)?.label, "40");
  });

  it("draws new and resolved bars only for runs that had an earlier run, scaled to those", () => {
    const churn = buildTrend(history).charts[2]!;
    assert.equal(churn.bars.length, 4);
    // 13 resolved is the largest compared bar; the first run's 40 "new" (no earlier run) does not count.
    assert.equal(churn.yTicks.at(-1)?.label, "20");
    for (const bar of churn.bars) assert.ok(bar.y + bar.height <= churn.bottom + 0.01 && bar.y >= churn.top);
    assert.match(churn.description, /4 findings were new and 24 were resolved/);
    assert.deepEqual(
      buildTrend(history).rows.map((row) => row.newLabel),
      ["—", "3", "1"],
    );
  });
});
