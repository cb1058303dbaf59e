// History at scale: one stored run of a fleet made into `count` runs, then the previous run loaded and retention applied.
import { link, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listRuns, latestRun, pruneRuns, runsDirectory } from "../src/history/store.ts";
import { metaFile } from "../src/history/run-files.ts";

export interface HistoryFigures {
  readonly runs: number;
  /** Bytes of one stored run (its data files and meta). */
  readonly runBytes: number;
  /** `latestRun`: list every run, read and check the newest's findings and observations. */
  readonly loadMs: number;
  /** `pruneRuns` with one run over the limit: what every save does once the store is full. */
  readonly retentionMs: number;
  readonly loadedResults: number;
  readonly loadedClusters: number;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

/**
 * Older copies of the stored run: the data files are hard links (the bench measures the store, not the disk),
 * each with its own meta naming it, so listing and retention see `count` whole runs.
 */
async function addOlderRuns(stateDir: string, original: string, count: number): Promise<void> {
  const runs = runsDirectory(stateDir);
  const meta = JSON.parse(await readFile(join(runs, original, metaFile), "utf8")) as Record<string, unknown>;
  for (let night = 1; night < count; night++) {
    const id = `20200101T${String(night).padStart(6, "0")}.000Z-bench`;
    const dir = join(runs, id);
    await mkdir(dir);
    for (const name of await readdir(join(runs, original)))
      if (name !== metaFile) await link(join(runs, original, name), join(dir, name));
    await writeFile(join(dir, metaFile), `${JSON.stringify({ ...meta, runId: id }, null, 2)}\n`);
  }
}

export async function historyFigures(stateDir: string, count: number): Promise<HistoryFigures> {
  const [stored] = await listRuns(stateDir);
  if (stored === undefined) throw new Error(`no stored run in ${stateDir}`);
  const runBytes = await folderBytes(stored.dir);
  await addOlderRuns(stateDir, stored.id, count);
  const loadStarted = performance.now();
  const previous = await latestRun(stateDir, stored.scopeKey);
  const loadMs = performance.now() - loadStarted;
  const retentionStarted = performance.now();
  await pruneRuns(stateDir, count - 1);
  const retentionMs = performance.now() - retentionStarted;
  return {
    runs: count,
    runBytes,
    loadMs,
    retentionMs,
    loadedResults: previous?.record.results.length ?? 0,
    loadedClusters: Object.keys(previous?.observations?.clusters ?? {}).length,
  };
}

if (import.meta.main) {
  const [stateDir = "", count = "90"] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await historyFigures(stateDir, Number(count)))}\n`);
}
