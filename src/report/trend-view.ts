// Trend charts from history as numbers a template places: inline SVG geometry for the browser, bar widths for email.
import type { Severity } from "../findings/result.ts";
import { severities } from "../findings/result.ts";
import type { TrendPoint } from "../findings/run.ts";
import { trendRunsShown } from "./limits.ts";
import {
  frame,
  lineSeries,
  margin,
  niceMax,
  plotBottom,
  plotRight,
  round,
  whenOf,
  xOf,
  xTicks,
  yOf,
  yTicks,
  type ChartBar,
  type ChartView,
} from "./chart-geometry.ts";
import { percentOf } from "./posture.ts";

/** One run as the data table and the email bars show it. */
export interface TrendRow {
  readonly runId: string;
  readonly when: string;
  readonly clusters: number;
  readonly percentIntegrated: number;
  readonly failing: number;
  /** 0–100: the run's failing count against the largest in the table, for the email's bar widths. */
  readonly failingBar: number;
  readonly bySeverity: readonly { readonly severity: Severity; readonly count: number }[];
  /** `—` for a run with no earlier run to compare with. */
  readonly newLabel: string;
  readonly resolvedLabel: string;
  readonly complete: boolean;
}

export interface TrendView {
  /** False with fewer than two runs: one point is not a trend, and the section says so. */
  readonly hasTrend: boolean;
  readonly runs: number;
  readonly charts: readonly ChartView[];
  /** Oldest first, the latest `trendRunsShown` runs. */
  readonly rows: readonly TrendRow[];
}

// The chip palette's text colours: readable on white and on the dark theme's card.
const severityColours: Readonly<Record<Severity, string>> = {
  critical: "#b91c1c",
  high: "#c2410c",
  medium: "#a16207",
  low: "#1d4ed8",
  info: "#6b7280",
};
const integratedColour = "#15803d";
const newColour = "#c2410c";
const resolvedColour = "#15803d";

/** A meta file written by hand or by a later version may lack a severity; it counts as none. */
function countOf(point: TrendPoint, severity: Severity): number {
  return (point.bySeverity as Partial<Record<Severity, number>>)[severity] ?? 0;
}

const failingOf = (point: TrendPoint): number =>
  severities.reduce((total, severity) => total + countOf(point, severity), 0);
const percentIntegratedOf = (point: TrendPoint): number =>
  percentOf(point.integratedClusters, point.clusters);

function integratedChart(points: readonly TrendPoint[]): ChartView {
  const first = points[0]!;
  const last = points.at(-1)!;
  return {
    ...frame(
      "trend-integrated",
      "% of clusters integrated",
      `Share of clusters with API Server VNet Integration over ${String(points.length)} runs: ${String(percentIntegratedOf(first))} % on ${whenOf(first)}, ${String(percentIntegratedOf(last))} % on ${whenOf(last)}.`,
      "% integrated",
    ),
    yTicks: yTicks(100, " %"),
    xTicks: xTicks(points, (index) => xOf(index, points.length), true),
    series: [lineSeries("integrated", integratedColour, points, percentIntegratedOf, 100, " %")],
    bars: [],
    legend: [],
  };
}

function failingChart(points: readonly TrendPoint[]): ChartView {
  const max = niceMax(Math.max(...points.flatMap((point) => severities.map((s) => countOf(point, s)))));
  const last = points.at(-1)!;
  const lastCounts = severities.map((severity) => `${String(countOf(last, severity))} ${severity}`);
  return {
    ...frame(
      "trend-failing",
      "Failing findings by severity",
      `Failing findings per severity over ${String(points.length)} runs; on ${whenOf(last)}: ${lastCounts.join(", ")}.`,
      "findings",
    ),
    yTicks: yTicks(max, ""),
    xTicks: xTicks(points, (index) => xOf(index, points.length), true),
    series: severities.map((severity) =>
      lineSeries(severity, severityColours[severity], points, (point) => countOf(point, severity), max, ""),
    ),
    bars: [],
    legend: severities.map((severity) => ({ name: severity, colour: severityColours[severity] })),
  };
}

function churnChart(points: readonly TrendPoint[]): ChartView {
  // A run without an earlier one has no diff: its "new" counts everything and would flatten every other bar.
  const max = niceMax(
    Math.max(
      0,
      ...points.filter((point) => point.hasPrevious).map((point) => Math.max(point.new, point.resolved)),
    ),
  );
  const slot = (plotRight - margin.left) / points.length;
  const barWidth = round(Math.max(1, Math.min(18, slot / 3)));
  const centre = (index: number): number => round(margin.left + slot * (index + 0.5));
  const bar = (point: TrendPoint, index: number, kind: "new" | "resolved"): ChartBar => {
    const value = point[kind];
    const y = yOf(value, max);
    return {
      x: round(centre(index) + (kind === "new" ? -barWidth : 0)),
      y,
      width: barWidth,
      height: round(plotBottom - y),
      colour: kind === "new" ? newColour : resolvedColour,
      title: `${whenOf(point)}: ${String(value)} ${kind}`,
    };
  };
  const compared = points.filter((point) => point.hasPrevious);
  const totals = compared.reduce(
    (sum, point) => ({ new: sum.new + point.new, resolved: sum.resolved + point.resolved }),
    { new: 0, resolved: 0 },
  );
  return {
    ...frame(
      "trend-churn",
      "New and resolved findings per run",
      `Over ${String(compared.length)} compared runs, ${String(totals.new)} findings were new and ${String(totals.resolved)} were resolved.`,
      "findings",
    ),
    yTicks: yTicks(max, ""),
    xTicks: xTicks(points, centre, false),
    series: [],
    bars: points.flatMap((point, index) =>
      point.hasPrevious ? [bar(point, index, "new"), bar(point, index, "resolved")] : [],
    ),
    legend: [
      { name: "new", colour: newColour },
      { name: "resolved", colour: resolvedColour },
    ],
  };
}

export function buildTrend(history: readonly TrendPoint[]): TrendView {
  const points = history.slice(-trendRunsShown);
  const maxFailing = Math.max(1, ...points.map(failingOf));
  return {
    hasTrend: points.length >= 2,
    runs: points.length,
    charts: points.length >= 2 ? [integratedChart(points), failingChart(points), churnChart(points)] : [],
    rows: points.map((point) => ({
      runId: point.runId,
      when: whenOf(point),
      clusters: point.clusters,
      percentIntegrated: percentIntegratedOf(point),
      failing: failingOf(point),
      failingBar: percentOf(failingOf(point), maxFailing),
      bySeverity: severities.map((severity) => ({ severity, count: countOf(point, severity) })),
      newLabel: point.hasPrevious ? String(point.new) : "—",
      resolvedLabel: point.hasPrevious ? String(point.resolved) : "—",
      complete: point.complete,
    })),
  };
}
