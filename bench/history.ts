// History at scale: one stored run of a fleet made into `count` runs, in a folder or in a blob container (Azurite),
// then the previous run loaded and retention applied, as every scan with history does.
import { link, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunStoreBackend } from "../src/history/backend.ts";
import { metaFile, type EncodedRun, type RunMeta } from "../src/history/run-files.ts";
import { listRuns, latestRun, openRunStore, pruneRuns, runsDirectory } from "../src/history/store.ts";
import { startAzurite } from "../test/history/azurite.ts";
import { cpuTimeMs } from "./cpu.ts";

export const historyStores = ["folder", "blob"] as const;
export type HistoryStore = (typeof historyStores)[number];

export interface HistoryFigures {
  readonly store: HistoryStore;
  readonly runs: number;
  /** Bytes of one stored run (its data files and meta). */
  readonly runBytes: number;
  /** `latestRun`: list the runs, read and check the newest's record and observations (not yet its evidence). */
  readonly loadMs: number;
  /** CPU time of the same call (every thread of the process): what it costs when the machine is not shared. */
  readonly loadCpuMs: number;
  /**
   * The first read of a result's evidence after the load: what a scan that resolves findings pays on top (the
   * whole evidence list is decoded then); a scan that resolves none never pays it.
   */
  readonly evidenceMs: number;
  /** `pruneRuns` with one run over the limit: what every save does once the store is full. */
  readonly retentionMs: number;
  /** Runs listed after retention: `runs - 1`. */
  readonly keptRuns: number;
  readonly loadedResults: number;
  readonly loadedClusters: number;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

const olderRunId = (night: number): string => `20200101T${String(night).padStart(6, "0")}.000Z-bench`;

/**
 * Older copies of the stored run: the data files are hard links (the bench measures the store, not the disk),
 * each with its own meta naming it, so listing and retention see `count` whole runs.
 */
async function addOlderFolderRuns(stateDir: string, original: string, count: number): Promise<void> {
  const runs = runsDirectory(stateDir);
  const meta = JSON.parse(await readFile(join(runs, original, metaFile), "utf8")) as Record<string, unknown>;
  for (let night = 1; night < count; night++) {
    const id = olderRunId(night);
    const dir = join(runs, id);
    await mkdir(dir);
    for (const name of await readdir(join(runs, original)))
      if (name !== metaFile) await link(join(runs, original, name), join(dir, name));
    await writeFile(join(dir, metaFile), `${JSON.stringify({ ...meta, runId: id }, null, 2)}\n`);
  }
}

/** The stored run's files as the store wrote them, to commit elsewhere unchanged. */
async function encodedFromFolder(dir: string): Promise<EncodedRun> {
  const metaText = await readFile(join(dir, metaFile), "utf8");
  const meta = JSON.parse(metaText) as RunMeta;
  const data = await Promise.all(
    Object.keys(meta.bytes).map(async (name) => ({ name, bytes: await readFile(join(dir, name)) })),
  );
  return { data, meta, metaText };
}

/**
 * The stored run committed to a container, with `count - 1` older runs of the same scope before it. The older
 * ones hold its observations file only (a blob copy of 90 × the M run would hold 0.5 GB in the emulator's memory):
 * listing and retention cost per blob, not per byte, and only the newest run is read. Nothing is decoded here,
 * so the measured load is as cold as a scan's.
 */
async function fillContainer(backend: RunStoreBackend, stored: EncodedRun, count: number): Promise<void> {
  await backend.commit(stored);
  const kept = stored.data.filter((file) => file.name.startsWith("observations."));
  for (let night = 1; night < count; night++) {
    const meta: RunMeta = {
      ...stored.meta,
      runId: olderRunId(night),
      bytes: Object.fromEntries(kept.map((file) => [file.name, file.bytes.byteLength])),
    };
    await backend.commit({ data: kept, meta, metaText: `${JSON.stringify(meta, null, 2)}\n` });
  }
}

async function measure(
  store: HistoryStore,
  backend: RunStoreBackend | string,
  scopeKey: string,
  runBytes: number,
  count: number,
): Promise<HistoryFigures> {
  const cpuBefore = process.cpuUsage();
  const loadStarted = performance.now();
  const previous = await latestRun(backend, scopeKey);
  const loadMs = performance.now() - loadStarted;
  const cpu = process.cpuUsage(cpuBefore);
  const evidenceStarted = performance.now();
  JSON.stringify(previous?.record.results[0]?.evidence);
  const evidenceMs = performance.now() - evidenceStarted;
  const retentionStarted = performance.now();
  await pruneRuns(backend, count - 1);
  const retentionMs = performance.now() - retentionStarted;
  const keptRuns = (await listRuns(backend)).length;
  return {
    store,
    runs: count,
    runBytes,
    loadMs,
    loadCpuMs: cpuTimeMs(cpu),
    evidenceMs,
    retentionMs,
    keptRuns,
    loadedResults: previous?.record.results.length ?? 0,
    loadedClusters: Object.keys(previous?.observations?.clusters ?? {}).length,
  };
}

export async function historyFigures(
  stateDir: string,
  count: number,
  store: HistoryStore = "folder",
): Promise<HistoryFigures> {
  const [stored] = await listRuns(stateDir);
  if (stored === undefined) throw new Error(`no stored run in ${stateDir}`);
  const runBytes = await folderBytes(stored.dir);
  if (store === "folder") {
    await addOlderFolderRuns(stateDir, stored.id, count);
    return measure(store, stateDir, stored.scopeKey, runBytes, count);
  }
  const azurite = await startAzurite();
  try {
    const url = await azurite.createContainer("history-bench");
    const backend = openRunStore(url, { connectionString: azurite.connectionString });
    await fillContainer(backend, await encodedFromFolder(stored.dir), count);
    return await measure(store, backend, stored.scopeKey, runBytes, count);
  } finally {
    await azurite.stop();
  }
}

if (import.meta.main) {
  const [stateDir = "", count = "90", store = "folder"] = process.argv.slice(2);
  if (!historyStores.includes(store as HistoryStore))
    throw new Error(`store must be ${historyStores.join(" or ")} (got ${store})`);
  process.stdout.write(
    `${JSON.stringify(await historyFigures(stateDir, Number(count), store as HistoryStore))}\n`,
  );
}
