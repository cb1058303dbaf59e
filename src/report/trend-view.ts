// Trend charts from history as numbers a template places: inline SVG geometry for the browser, bar widths for email.
import type { Severity } from "../findings/result.ts";
import { severities } from "../findings/result.ts";
import type { TrendPoint } from "../findings/run.ts";
import { trendRunsShown } from "./limits.ts";
import { percentOf } from "./posture.ts";

export interface AxisTick {
  /** Position along the axis in SVG user units. */
  readonly at: number;
  readonly label: string;
  /** `text-anchor`: the first and last date labels align inwards so they stay inside the chart. */
  readonly anchor: "start" | "middle" | "end";
}

export interface ChartDot {
  readonly x: number;
  readonly y: number;
  /** Shown on hover (`<title>`). */
  readonly title: string;
}

export interface ChartSeries {
  readonly name: string;
  readonly colour: string;
  /** `x,y x,y …` for a `<polyline>`. */
  readonly points: string;
  readonly dots: readonly ChartDot[];
}

export interface ChartBar {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly colour: string;
  readonly title: string;
}

export interface LegendEntry {
  readonly name: string;
  readonly colour: string;
}

export interface ChartView {
  readonly id: string;
  readonly title: string;
  /** One sentence saying what the chart shows, for screen readers (`<desc>`) and as its caption. */
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly yLabel: string;
  readonly yTicks: readonly AxisTick[];
  readonly xTicks: readonly AxisTick[];
  readonly series: readonly ChartSeries[];
  readonly bars: readonly ChartBar[];
  readonly legend: readonly LegendEntry[];
}

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

const width = 640;
const height = 220;
const margin = { left: 60, right: 16, top: 14, bottom: 40 } as const;
const plotRight = width - margin.right;
const plotBottom = height - margin.bottom;
const xTicksShown = 6;

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

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** `2026-11-26 10:15` in UTC: runs of one day stay apart. */
function whenOf(point: TrendPoint): string {
  return point.startedAt.slice(0, 16).replace("T", " ");
}

function xOf(index: number, count: number): number {
  if (count <= 1) return round((margin.left + plotRight) / 2);
  return round(margin.left + (index * (plotRight - margin.left)) / (count - 1));
}

function yOf(value: number, max: number): number {
  return round(plotBottom - (value / max) * (plotBottom - margin.top));
}

/** A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ), so ticks read as whole numbers. */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= value / 4) ?? 10;
  return Math.ceil(value / (step * magnitude)) * step * magnitude;
}

function yTicks(max: number, suffix: string): AxisTick[] {
  return [0, 1, 2, 3, 4].map((step) => {
    const value = (max * step) / 4;
    return { at: yOf(value, max), label: `${String(value)}${suffix}`, anchor: "end" as const };
  });
}

/** At most `xTicksShown` date labels, first and last always. */
function xTicks(points: readonly TrendPoint[], xAt: (index: number) => number, inwards: boolean): AxisTick[] {
  const every = Math.max(1, Math.ceil((points.length - 1) / (xTicksShown - 1)));
  const last = points.length - 1;
  const anchorOf = (index: number): AxisTick["anchor"] => {
    if (!inwards || points.length === 1) return "middle";
    if (index === 0) return "start";
    return index === last ? "end" : "middle";
  };
  return points.flatMap((point, index) =>
    (index % every === 0 && last - index >= every / 2) || index === last
      ? [{ at: xAt(index), label: point.startedAt.slice(0, 10), anchor: anchorOf(index) }]
      : [],
  );
}

function frame(id: string, title: string, description: string, yLabel: string) {
  return {
    id,
    title,
    description,
    width,
    height,
    left: margin.left,
    right: plotRight,
    top: margin.top,
    bottom: plotBottom,
    yLabel,
  };
}

function lineSeries(
  name: string,
  colour: string,
  points: readonly TrendPoint[],
  value: (point: TrendPoint) => number,
  max: number,
  unit: string,
): ChartSeries {
  const dots = points.map((point, index) => ({
    x: xOf(index, points.length),
    y: yOf(value(point), max),
    title: `${whenOf(point)}: ${String(value(point))}${unit} ${name}`,
  }));
  return { name, colour, points: dots.map((dot) => `${String(dot.x)},${String(dot.y)}`).join(" "), dots };
}

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
