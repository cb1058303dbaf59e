// Scans one snapshot through the pipeline's entry points and times each phase; run as its own process so maxRSS is this scan's.
import { defaultConfig } from "../src/config/config.ts";
import { runPipeline } from "../src/engine/scan.ts";
import { runScope } from "../src/engine/run-record.ts";
import { readSnapshotInventory, type SnapshotInventory } from "../src/inventory/collected.ts";
import { writeReports } from "../src/report/write.ts";
import { rules } from "../src/rules/index.ts";
import { toolInfo } from "../src/engine/tool.ts";
import { freeGarbage } from "../src/engine/free-garbage.ts";
import type { RunRecord } from "../src/findings/run.ts";
import type { Observations } from "../src/history/observations.ts";
import { saveRun } from "../src/history/store.ts";
import { cpuTimeMs } from "./cpu.ts";

export interface PhaseTimes {
  readonly rows: number;
  readonly clusters: number;
  readonly results: number;
  /** Read and normalize are one pass: rows go to the normalizer as they are parsed (as in `scan --input`). */
  readonly readMs: number;
  readonly analyzeMs: number;
  /** The full collection `scan` runs between analysis and the reports (src/engine/scan.ts); part of the scan's time. */
  readonly freeMs: number;
  readonly renderMs: number;
  /** CPU of the phases above on every thread of the process: the worker's read and V8's helper threads too. */
  readonly cpuMs: number;
  /** CPU of the main thread over the same phases: what no other thread took on. */
  readonly mainThreadCpuMs: number;
  readonly maxRssKb: number;
  /** Storing the run in the state folder, after the peak was taken (absent without a state folder). */
  readonly saveMs?: number;
  /** How the snapshot was read: its NSG rows on a second thread, or why not (src/inventory/parallel-read.ts). */
  readonly split: SnapshotInventory["split"];
}

export async function timed<T>(work: () => T | Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

/** Read, normalize and analyze; the inventory is unreachable once this returns, as in `scan`. */
export async function analyzeSnapshot(snapshot: string): Promise<{
  run: RunRecord;
  observations: Observations;
  rows: number;
  clusters: number;
  readMs: number;
  analyzeMs: number;
  split: SnapshotInventory["split"];
}> {
  const [{ collected, inventory, rowCount, tenants, split }, readMs] = await timed(async () => {
    const read = await readSnapshotInventory([snapshot]);
    freeGarbage();
    return read;
  });
  const inputs = [snapshot];
  const [output, analyzeMs] = await timed(() =>
    runPipeline({
      collected,
      config: defaultConfig,
      rules,
      tool: toolInfo(),
      inputs,
      scope: runScope(collected, inputs, tenants),
      startedAt: new Date(),
      inventory,
    }),
  );
  return {
    run: output.run,
    observations: output.observations,
    rows: rowCount,
    clusters: inventory.clusters.size,
    readMs,
    analyzeMs,
    split,
  };
}

export async function scanPhases(snapshot: string, outDir: string, stateDir?: string): Promise<PhaseTimes> {
  const processCpu = process.cpuUsage();
  const mainThreadCpu = process.threadCpuUsage();
  const { run, observations, rows, clusters, readMs, analyzeMs, split } = await analyzeSnapshot(snapshot);
  const [, freeMs] = await timed(freeGarbage);
  const [, renderMs] = await timed(() =>
    writeReports(run, outDir, ["html", "csv", "json", "md"], {
      rules: rules.map((rule) => rule.meta),
      showAll: false,
      mask: false,
    }),
  );
  const cpuMs = cpuTimeMs(process.cpuUsage(processCpu));
  const mainThreadCpuMs = cpuTimeMs(process.threadCpuUsage(mainThreadCpu));
  const maxRssKb = process.resourceUsage().maxRSS;
  const [, saveMs] = stateDir
    ? await timed(() => saveRun(stateDir, run, observations))
    : [undefined, undefined];
  return {
    rows,
    clusters,
    results: run.results.length,
    readMs,
    analyzeMs,
    freeMs,
    renderMs,
    cpuMs,
    mainThreadCpuMs,
    maxRssKb,
    split,
    ...(saveMs === undefined ? {} : { saveMs }),
  };
}

if (import.meta.main) {
  const [snapshot = "", outDir = "", stateDir] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await scanPhases(snapshot, outDir, stateDir))}\n`);
}
