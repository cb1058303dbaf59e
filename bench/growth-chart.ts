// The growth curve: scan time and peak memory against clusters for S, M and L, as an SVG, with the fitted exponent.
export interface GrowthPoint {
  readonly size: string;
  readonly clusters: number;
  readonly ms: number;
  readonly rssBytes: number;
}

/** The slope of log(y) against log(x), least squares: 1 is linear growth, 2 quadratic. */
export function growthExponent(points: readonly { x: number; y: number }[]): number {
  const logs = points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  if (logs.length < 2) return Number.NaN;
  const meanX = logs.reduce((sum, p) => sum + p.x, 0) / logs.length;
  const meanY = logs.reduce((sum, p) => sum + p.y, 0) / logs.length;
  const covariance = logs.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const variance = logs.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  return covariance / variance;
}

const width = 640;
const height = 340;
const margin = { left: 60, right: 70, top: 40, bottom: 50 };

function scale(value: number, max: number, from: number, to: number): number {
  return from + (max === 0 ? 0 : (value / max) * (to - from));
}

export function growthChart(points: readonly GrowthPoint[]): {
  svg: string;
  timeExponent: number;
  memoryExponent: number;
} {
  const timeExponent = growthExponent(points.map((p) => ({ x: p.clusters, y: p.ms })));
  const memoryExponent = growthExponent(points.map((p) => ({ x: p.clusters, y: p.rssBytes })));
  const maxClusters = Math.max(...points.map((p) => p.clusters));
  const maxSeconds = Math.max(...points.map((p) => p.ms / 1000)) * 1.1;
  const maxGb = Math.max(...points.map((p) => p.rssBytes / 1e9)) * 1.1;
  const x = (clusters: number): number => scale(clusters, maxClusters, margin.left, width - margin.right);
  const ySeconds = (s: number): number => scale(s, maxSeconds, height - margin.bottom, margin.top);
  const yGb = (gb: number): number => scale(gb, maxGb, height - margin.bottom, margin.top);
  // Through the measured points only: a line from the origin would claim that no clusters cost no time and no
  // memory, where a process alone takes about 0.3 s and 0.25 GB.
  const line = (y: (p: GrowthPoint) => number): string =>
    points.map((p) => `${x(p.clusters).toFixed(1)},${y(p).toFixed(1)}`).join(" ");
  const y0 = height - margin.bottom;
  const time = (p: GrowthPoint): number => ySeconds(p.ms / 1000);
  const memory = (p: GrowthPoint): number => yGb(p.rssBytes / 1e9);
  const dots = (
    y: (p: GrowthPoint) => number,
    other: (p: GrowthPoint) => number,
    color: string,
    label: (p: GrowthPoint) => string,
    /** Whose label goes above when both dots are level (at the largest size, each axis ends 10 % above it). */
    aboveWhenLevel: boolean,
  ): string =>
    points
      .map((p) => {
        // Each label on the far side of its dot from the other line's dot at the same size, so the two labels
        // of a size never overlap, whichever line is the higher there. The lines rise, so a label above its dot
        // goes to the left (the line comes from below there) and one below it to the right (the line leaves
        // upwards); the right margin has room for the largest size's.
        const above = y(p) < other(p) || (y(p) === other(p) && aboveWhenLevel);
        const [dx, anchor, dy] = above ? [-6, "end", -8] : [6, "start", 16];
        return (
          `<circle cx="${x(p.clusters).toFixed(1)}" cy="${y(p).toFixed(1)}" r="4" fill="${color}"/>` +
          `<text x="${(x(p.clusters) + dx).toFixed(1)}" text-anchor="${anchor}" y="${(y(p) + dy).toFixed(1)}" fill="${color}" font-size="11">${p.size} ${label(p)}</text>`
        );
      })
      .join("");
  const ticks = points
    .map(
      (p) =>
        `<text x="${x(p.clusters).toFixed(1)}" y="${height - margin.bottom + 18}" text-anchor="middle" font-size="11">${p.clusters.toLocaleString("en-US")}</text>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="${width}" height="${height}" fill="white"/>
<text x="${margin.left}" y="22" font-size="14">Snapshot to all reports: time and peak memory against clusters</text>
<line x1="${margin.left}" y1="${y0}" x2="${width - margin.right}" y2="${y0}" stroke="#888"/>
<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${y0}" stroke="#1f77b4"/>
<line x1="${width - margin.right}" y1="${margin.top}" x2="${width - margin.right}" y2="${y0}" stroke="#d62728"/>
<text x="${margin.left - 8}" y="${margin.top}" text-anchor="end" font-size="11" fill="#1f77b4">${maxSeconds.toFixed(0)} s</text>
<text x="${width - margin.right + 8}" y="${margin.top}" font-size="11" fill="#d62728">${maxGb.toFixed(1)} GB</text>
<text x="${(width / 2).toFixed(0)}" y="${height - 12}" text-anchor="middle" font-size="12">clusters (time exponent ${timeExponent.toFixed(2)}, memory exponent ${memoryExponent.toFixed(2)})</text>
${ticks}
<polyline points="${line(time)}" fill="none" stroke="#1f77b4" stroke-width="2"/>
<polyline points="${line(memory)}" fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="6 3"/>
${dots(time, memory, "#1f77b4", (p) => `${(p.ms / 1000).toFixed(1)} s`, true)}
${dots(memory, time, "#d62728", (p) => `${(p.rssBytes / 1e9).toFixed(2)} GB`, false)}
</svg>
`;
  return { svg, timeExponent, memoryExponent };
}
