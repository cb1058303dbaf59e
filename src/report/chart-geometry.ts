// SVG chart geometry shared by the trend charts: the plot frame, axis ticks and line series, in user units.
import type { TrendPoint } from "../findings/run.ts";

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

export const width = 640;
export const height = 220;
export const margin = { left: 60, right: 16, top: 14, bottom: 40 } as const;
export const plotRight = width - margin.right;
export const plotBottom = height - margin.bottom;
export const xTicksShown = 6;

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** `2026-11-26 10:15` in UTC: runs of one day stay apart. */
export function whenOf(point: TrendPoint): string {
  return point.startedAt.slice(0, 16).replace("T", " ");
}

export function xOf(index: number, count: number): number {
  if (count <= 1) return round((margin.left + plotRight) / 2);
  return round(margin.left + (index * (plotRight - margin.left)) / (count - 1));
}

export function yOf(value: number, max: number): number {
  return round(plotBottom - (value / max) * (plotBottom - margin.top));
}

/** A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ), so ticks read as whole numbers. */
export function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * magnitude >= value / 4) ?? 10;
  return Math.ceil(value / (step * magnitude)) * step * magnitude;
}

export function yTicks(max: number, suffix: string): AxisTick[] {
  return [0, 1, 2, 3, 4].map((step) => {
    const value = (max * step) / 4;
    return { at: yOf(value, max), label: `${String(value)}${suffix}`, anchor: "end" as const };
  });
}

/** At most `xTicksShown` date labels, first and last always. */
export function xTicks(
  points: readonly TrendPoint[],
  xAt: (index: number) => number,
  inwards: boolean,
): AxisTick[] {
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

export function frame(id: string, title: string, description: string, yLabel: string) {
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

export function lineSeries(
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
