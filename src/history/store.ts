// The run store: one folder per run under `<stateDir>/runs/`, written to a temp name and renamed (DESIGN §6).
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { RunRecord } from "../findings/run.ts";
import type { Observations } from "./observations.ts";
import {
  findingsFile,
  isErrorCode,
  readRunFolder,
  readRunListing,
  RunStoreError,
  syncDirectory,
  writeRunFiles,
  type RunListing,
  type StoredRun,
} from "./run-files.ts";

export { RunStoreError, type RunListing, type StoredRun } from "./run-files.ts";

export const defaultKeepRuns = 90;

const tempPrefix = ".tmp-";
/** Runs being pruned are renamed to this first, so a crash mid-delete leaves only temp debris. */
const prunedPrefix = `${tempPrefix}pruned-`;
/** A temp folder this old belongs to a save that died; live saves take seconds. */
const staleTempMs = 60 * 60 * 1000;
/** Run ids name folders, so they must stay one plain path segment. */
const runIdPattern = /^[0-9A-Za-z][0-9A-Za-z_.-]*$/;

export interface SaveRunOptions {
  /** How many runs to keep in all; the newest run of every scope is kept regardless. */
  readonly keepRuns: number;
}

export function runsDirectory(stateDir: string): string {
  return join(stateDir, "runs");
}

/** Stores a run whole or not at all, then prunes old runs. Returns the run's folder. */
export async function saveRun(
  stateDir: string,
  run: RunRecord,
  observations: Observations,
  options: SaveRunOptions = { keepRuns: defaultKeepRuns },
): Promise<string> {
  const id = run.run.id;
  if (!runIdPattern.test(id))
    throw new RunStoreError(
      `Run id "${id}" cannot name a folder; expected letters, digits, "-", "_" or ".".`,
    );
  if (!Number.isInteger(options.keepRuns) || options.keepRuns < 1) {
    throw new RunStoreError(`--keep-runs must be a whole number of at least 1, got ${options.keepRuns}.`);
  }
  const runsDir = runsDirectory(stateDir);
  await mkdir(runsDir, { recursive: true });
  const target = join(runsDir, id);
  if (await exists(target)) throw new RunStoreError(`Run ${id} is already stored in ${target}.`);
  const temp = join(runsDir, `${tempPrefix}${id}-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  try {
    await writeRunFiles(temp, run, observations, new Date());
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (isErrorCode(error, "ENOTEMPTY", "EEXIST"))
      throw new RunStoreError(`Run ${id} is already stored in ${target}.`);
    throw error;
  }
  await syncDirectory(runsDir);
  await pruneRuns(stateDir, options.keepRuns);
  return target;
}

/** Whole runs only, oldest first (ids start with a UTC timestamp). Clears temp folders left by crashes. */
export async function listRuns(stateDir: string): Promise<RunListing[]> {
  const runsDir = runsDirectory(stateDir);
  let entries;
  try {
    entries = await readdir(runsDir, { withFileTypes: true });
  } catch (error) {
    if (isErrorCode(error, "ENOENT")) return [];
    throw error;
  }
  const runs: RunListing[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(runsDir, entry.name);
    if (entry.name.startsWith(tempPrefix)) await removeIfStale(dir, entry.name);
    else if (!entry.name.startsWith(".")) {
      const listing = await readRunListing(dir, entry.name);
      if (listing) runs.push(listing);
    }
  }
  return runs.sort((a, b) => compareIds(a.id, b.id));
}

/** Loads a run from its folder, or from the path of its `findings.json`. */
export async function loadRun(path: string): Promise<StoredRun> {
  const dir = basename(path) === findingsFile ? dirname(path) : path;
  return readRunFolder(dir);
}

/** The newest run of this scope that loads, or undefined when there is none. */
export async function latestRun(stateDir: string, scopeKey: string): Promise<StoredRun | undefined> {
  const candidates = (await listRuns(stateDir)).filter((run) => run.scopeKey === scopeKey).reverse();
  for (const candidate of candidates) {
    try {
      return await readRunFolder(candidate.dir);
    } catch (error) {
      if (!(error instanceof RunStoreError)) throw error;
    }
  }
  return undefined;
}

/**
 * Removes the oldest runs beyond `keepRuns`. The newest run of each scope is never removed: it carries that
 * scope's whole observation history and its diff baseline, which a busier scope must not push out.
 */
export async function pruneRuns(stateDir: string, keepRuns: number): Promise<string[]> {
  const runs = await listRuns(stateDir);
  const newestOfScope = new Set(new Map(runs.map((run) => [run.scopeKey, run.id])).values());
  const removable = runs.filter((run) => !newestOfScope.has(run.id));
  const toRemove = removable.slice(0, Math.max(0, runs.length - keepRuns));
  for (const run of toRemove) {
    const doomed = join(dirname(run.dir), `${prunedPrefix}${run.id}-${process.pid}`);
    try {
      await rename(run.dir, doomed);
    } catch (error) {
      // A concurrent save may have pruned it first.
      if (isErrorCode(error, "ENOENT")) continue;
      throw error;
    }
    await rm(doomed, { recursive: true, force: true });
  }
  return toRemove.map((run) => run.id);
}

async function removeIfStale(dir: string, name: string): Promise<void> {
  try {
    const age = Date.now() - (await stat(dir)).mtimeMs;
    if (name.startsWith(prunedPrefix) || age > staleTempMs) await rm(dir, { recursive: true, force: true });
  } catch {
    // Another process may be removing it at the same moment; it is ignored either way.
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: unknown) => {
      if (isErrorCode(error, "ENOENT")) return false;
      throw error;
    },
  );
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
