// `npm run bench [-- --size S|M|L]`: scan a generated fleet per size, collect one from the simulator, print one table.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ReportSizes } from "./report-sizes.ts";
import { childJson, cliScan } from "./children.ts";
import type { CollectReport, CollectRequest } from "./collect.ts";
import { fleetSizes, generateFleet, isFleetSize } from "./fleet.ts";
import type { FleetSize } from "./fleet.ts";
import type { IpIndexFigure } from "./ip-index.ts";
import type { PhaseTimes } from "./scan-phases.ts";
import { startSimulator } from "./simulator.ts";

const seed = 20261126;
/**
 * Collection: four tenants of 1,000 clusters each (12 pages a tenant), each principal with a quota of 2 requests
 * per 3 s. Azure's 15 per 5 s would fit a tenant in one window, and the bench would then measure the CPU of the
 * simulator and the SDK on this machine instead of the pacing the target is about: with 2 per 3 s each tenant
 * needs 6 windows, as a real tenant of a few hundred subscriptions needs several of Azure's.
 */
const collection = { clusters: 4000, tenants: 4, quota: 2, windowMs: 3000 };

type Line = readonly [what: string, measured: string, target: string, verdict: string];

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const verdict = (met: boolean): string => (met ? "met" : "MISSED");

function folderBytes(folder: string): number {
  return readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

interface SizeFigures {
  readonly size: FleetSize;
  readonly totalMs: number;
  readonly lines: Line[];
}

/** report.html stays a summary (≤ 5 MB at M); findings.xlsx is streamed, so the scan stays within 1.5 GB. */
function reportSizeLines(size: FleetSize, sizes: ReportSizes): Line[] {
  const checked = size === "M";
  const rss = sizes.maxRssKb * 1024;
  return [
    [
      `${size}: report.html`,
      `${(sizes.htmlBytes / 1e6).toFixed(2)} MB in ${seconds(sizes.htmlMs)}`,
      checked ? "≤ 5 MB" : "",
      checked ? verdict(sizes.htmlBytes <= 5e6) : "",
    ],
    [
      `${size}: findings.xlsx (analysis + workbook)`,
      `${(sizes.xlsxBytes / 1e6).toFixed(1)} MB in ${seconds(sizes.xlsxMs)}, peak RSS ${megabytes(rss)}`,
      checked ? "≤ 1500 MB" : "",
      checked ? verdict(rss <= 1.5e9) : "",
    ],
  ];
}

async function benchSize(size: FleetSize, work: string): Promise<SizeFigures> {
  const snapshot = join(work, `fleet-${size}.json`);
  const { bytes } = await childJson<{ bytes: number }>("./snapshot-file.ts", [
    snapshot,
    String(seed),
    String(fleetSizes[size]),
  ]);
  const out = join(work, `reports-${size}`);
  const phases = await childJson<PhaseTimes>("./scan-phases.ts", [snapshot, out]);
  const cli = await cliScan(snapshot, join(work, `cli-${size}`), join(work, `rss-${size}`));
  const sizes = await childJson<ReportSizes>("./report-sizes.ts", [snapshot, join(work, `sizes-${size}`)]);
  rmSync(snapshot, { force: true });
  const totalMs = phases.readMs + phases.analyzeMs + phases.renderMs;
  const rss = phases.maxRssKb * 1024;
  const timeTarget = size === "S" ? 2000 : size === "M" ? 15_000 : undefined;
  const lines: Line[] = [
    [
      `${size}: ${fleetSizes[size]} clusters, ${phases.rows} rows, snapshot ${megabytes(bytes)}`,
      `read + normalize ${seconds(phases.readMs)}, analyze ${seconds(phases.analyzeMs)}, render ${seconds(phases.renderMs)}; reports ${megabytes(folderBytes(out))}`,
      "",
      "",
    ],
    [
      `${size}: snapshot to all reports`,
      `${seconds(totalMs)}, peak RSS ${megabytes(rss)}`,
      timeTarget ? `≤ ${seconds(timeTarget)}, ≤ 1500 MB` : "see L/M",
      timeTarget ? verdict(totalMs <= timeTarget && rss <= 1.5e9) : "",
    ],
    [
      `${size}: CLI scan --input`,
      `${seconds(cli.wallMs)} (exit ${cli.exitCode}), peak RSS ${megabytes(cli.maxRssKb * 1024)}`,
      bytes > 500e6 ? "≤ 1500 MB (> 500 MB input)" : "",
      bytes > 500e6 ? verdict(cli.maxRssKb * 1024 <= 1.5e9) : "",
    ],
    ...reportSizeLines(size, sizes),
  ];
  return { size, totalMs, lines };
}

async function collect(scanTenants: number, endpoint: string, certFile: string): Promise<CollectReport> {
  const request: CollectRequest = {
    endpoint,
    seed,
    clusters: collection.clusters,
    tenants: collection.tenants,
    scanTenants,
  };
  return childJson<CollectReport>("./collect.ts", [JSON.stringify(request)], {
    NODE_EXTRA_CA_CERTS: certFile,
  });
}

async function benchCollection(): Promise<Line[]> {
  const fleet = generateFleet({ seed, clusters: collection.clusters, tenants: collection.tenants });
  const simulator = await startSimulator({ fleet, quota: collection.quota, windowMs: collection.windowMs });
  const lines: Line[] = [];
  try {
    const throughputs: number[] = [];
    for (const tenants of [1, 4]) {
      const before = { ...simulator.stats };
      const report = await collect(tenants, simulator.endpoint, simulator.certificate.certFile);
      const requests = simulator.stats.requests - before.requests;
      const throttled = simulator.stats.throttled - before.throttled;
      const perTenantPages = report.minimumRequests / tenants;
      const boundMs = Math.ceil(perTenantPages / collection.quota) * collection.windowMs;
      throughputs.push(report.rows / report.wallMs);
      const clean = report.lost === 0 && report.duplicated === 0 && report.gaps.length === 0;
      lines.push([
        `collect ${tenants} tenant(s), quota ${collection.quota}/${collection.windowMs} ms each`,
        `${requests} requests (min ${report.minimumRequests}), ${seconds(report.wallMs)} (bound ${seconds(boundMs)}), ${throttled} × 429, ${report.rows} rows, ${report.lost} lost, ${report.duplicated} duplicated, ${report.gaps.length} gaps`,
        "requests = min, ≤ 1.15 × bound, 0 lost/dup, no 429 error",
        verdict(requests - throttled === report.minimumRequests && report.wallMs <= 1.15 * boundMs && clean),
      ]);
    }
    const [one = 0, four = 0] = throughputs;
    lines.push([
      "collect: 4 tenants vs 1 (rows/s)",
      `${(four / one).toFixed(2)} ×`,
      "≥ 3.2 ×",
      verdict(four / one >= 3.2),
    ]);
  } finally {
    await simulator.close();
  }
  return lines;
}

function printTable(lines: readonly Line[]): void {
  const header: Line = ["bench", "measured", "target", "verdict"];
  const rows = [header, ["---", "---", "---", "---"] as const, ...lines];
  for (const row of rows) process.stdout.write(`| ${row.join(" | ")} |\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: "string", multiple: true } } });
  const sizes = (values.size ?? ["S"]).flatMap((size) => size.split(",")).map((size) => size.toUpperCase());
  const known = sizes.filter(isFleetSize);
  if (known.length !== sizes.length) throw new Error(`--size takes S, M or L (got ${sizes.join(", ")})`);
  const work = mkdtempSync(join(tmpdir(), "aks-vnet-audit-bench-"));
  const lines: Line[] = [];
  try {
    const figures: SizeFigures[] = [];
    for (const size of known) {
      const figure = await benchSize(size, work);
      figures.push(figure);
      lines.push(...figure.lines);
    }
    const m = figures.find((figure) => figure.size === "M");
    const l = figures.find((figure) => figure.size === "L");
    if (m && l)
      lines.push([
        "L time / M time",
        `${(l.totalMs / m.totalMs).toFixed(2)} ×`,
        "≤ 2.2 ×",
        verdict(l.totalMs <= 2.2 * m.totalMs),
      ]);
    lines.push(...(await benchCollection()));
    const ip = await childJson<IpIndexFigure>("./ip-index.ts", []);
    lines.push([
      `IP index: ${ip.entries} rule entries vs ${ip.clusters} cluster IPs`,
      `build ${ip.buildMs.toFixed(0)} ms, match ${ip.matchMs.toFixed(0)} ms, ${ip.hits} hits`,
      "",
      "",
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(
    `machine: ${process.platform} ${process.arch}, ${(await import("node:os")).cpus().length} cores, Node ${process.version}\n\n`,
  );
  printTable(lines);
}

await main();
