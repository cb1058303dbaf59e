// The run store (DESIGN §6): whole runs only, retention, the newest run of a scope; in a folder or a blob container.
import { basename, dirname } from "node:path";
import type { RunRecord, TrendPoint } from "../findings/run.ts";
import type { RunStoreBackend, RunStoreLock } from "./backend.ts";
import { blobRunStore, parseBlobStateUrl, type BlobAccess } from "./blob-store.ts";
import { fileRunStore, readRunFolder } from "./file-store.ts";
import type { EvidenceDecoding } from "./evidence-apart.ts";
import type { Observations } from "./observations.ts";
import {
  encodeRun,
  isRunDataFile,
  RunStoreError,
  trendOf,
  type RunListing,
  type StoredRun,
} from "./run-files.ts";
import { decodeRun, readMeta } from "./run-decode.ts";

export { RunStoreError, type RunListing, type StoredRun } from "./run-files.ts";
export type { RunStoreBackend, RunStoreLock } from "./backend.ts";
export { runsDirectory } from "./file-store.ts";
export { defaultLockTimeoutMs, StateLockError } from "./lock.ts";
export type { BlobAccess } from "./blob-store.ts";

export const defaultKeepRuns = 90;

/** Run ids name folders and blob prefixes, so they must stay one plain path segment. */
const runIdPattern = /^[0-9A-Za-z][0-9A-Za-z_.-]*$/;

/** A state directory path or `https://<account>.blob.core.windows.net/<container>[/<prefix>]`, or a store opened from one. */
export type StateLocation = string | RunStoreBackend;

export interface SaveRunOptions {
  /** How many runs to keep in all; the newest run of every scope is kept regardless. */
  readonly keepRuns: number;
  /** The lock taken before the previous run was read; checked still held before the run is committed. */
  readonly lock?: RunStoreLock;
}

/**
 * Opens the store a `--state-dir` names. A blob URL signs in with `access` (the scan's Entra credential), or with
 * `AZURE_STORAGE_CONNECTION_STRING` when the environment has one.
 */
export function openRunStore(stateDir: string, access: BlobAccess = {}): RunStoreBackend {
  const blob = parseBlobStateUrl(stateDir);
  return blob ? blobRunStore(blob, access) : fileRunStore(stateDir);
}

function storeOf(location: StateLocation): RunStoreBackend {
  return typeof location === "string" ? openRunStore(location) : location;
}

/** Stores a run whole or not at all, then prunes old runs. Returns where the run is. */
export async function saveRun(
  location: StateLocation,
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
  const store = storeOf(location);
  await options.lock?.confirm();
  const target = await store.commit(await encodeRun(run, observations, new Date()));
  await pruneRuns(store, options.keepRuns);
  return target;
}

/** Whole runs only, oldest first (ids start with a UTC timestamp). */
export async function listRuns(location: StateLocation): Promise<RunListing[]> {
  return (await storeOf(location).listWhole()).sort((a, b) => compareIds(a.id, b.id));
}

/** Loads a run from its folder or blob prefix, or from the path of one of its data files (`findings.json`). */
export async function loadRun(path: string): Promise<StoredRun> {
  const dir = isRunDataFile(basename(path)) ? dirname(path) : path;
  const blob = parseBlobStateUrl(dir);
  if (!blob) return readRunFolder(dir);
  const match = /^(?:(.*)\/)?runs\/([^/]+)$/.exec(blob.prefix.replace(/\/$/, ""));
  if (!match) throw new RunStoreError(`${dir} is not a stored run; expected …/runs/<run id>.`);
  const store = blobRunStore({ ...blob, prefix: match[1] ? `${match[1]}/` : "" }, {});
  const id = match[2]!;
  const listed = (await store.listWhole()).find((run) => run.id === id);
  if (!listed) throw new RunStoreError(`${dir} holds no whole run.`);
  return loadListed(store, listed);
}

function loadListed(
  store: RunStoreBackend,
  listing: RunListing,
  evidence: EvidenceDecoding = "now",
): Promise<StoredRun> {
  return decodeRun(
    listing.dir,
    (name) => store.readFile(listing, name),
    (name) => `${listing.dir}/${name}`,
    evidence,
  );
}

/**
 * The newest runs are checked one at a time before every run is listed: in a store of one scope the run a scan
 * diffs against is the newest, found with two short listings rather than one of every run. Stores shared by a
 * few scopes in turn still find theirs here.
 */
const newestChecked = 4;

/**
 * The newest run of this scope that loads, or undefined when there is none. Its evidence is decoded on first read:
 * the scan that diffs against it reads the evidence of resolved results only, most often none.
 */
export async function latestRun(location: StateLocation, scopeKey: string): Promise<StoredRun | undefined> {
  const store = storeOf(location);
  const newest = (await store.listIds()).sort(compareIds).reverse().slice(0, newestChecked);
  for (const id of newest) {
    const listing = await store.listOne(id);
    const loaded = listing?.scopeKey === scopeKey ? await loadIfReadable(store, listing) : undefined;
    if (loaded) return loaded;
  }
  if (newest.length < newestChecked) return undefined;
  const checked = new Set(newest);
  const candidates = (await listRuns(store))
    .filter((run) => run.scopeKey === scopeKey && !checked.has(run.id))
    .reverse();
  for (const candidate of candidates) {
    const loaded = await loadIfReadable(store, candidate);
    if (loaded) return loaded;
  }
  return undefined;
}

/** Undefined for a run that does not load, so the one before it is tried. */
async function loadIfReadable(store: RunStoreBackend, listing: RunListing): Promise<StoredRun | undefined> {
  try {
    return await loadListed(store, listing, "on first read");
  } catch (error) {
    if (!(error instanceof RunStoreError)) throw error;
    return undefined;
  }
}

/**
 * The trend figures of the last `limit` runs of a scope, oldest first, read from each run's small meta file only.
 * Runs stored by earlier versions carry none and are left out.
 */
export async function readTrend(
  location: StateLocation,
  scopeKey: string,
  limit: number,
): Promise<TrendPoint[]> {
  const store = storeOf(location);
  const runs = (await listRuns(store)).filter((run) => run.scopeKey === scopeKey).slice(-limit);
  const points: TrendPoint[] = [];
  for (const run of runs) {
    const meta = await readMeta(
      (name) => store.readFile(run, name),
      (name) => `${run.dir}/${name}`,
    );
    const trend = meta === undefined || meta === "missing" ? undefined : trendOf(meta);
    if (trend) points.push(trend);
  }
  return points;
}

/**
 * Removes the oldest runs beyond `keepRuns`. The newest run of each scope is never removed: it carries that
 * scope's whole observation history and its diff baseline, which a busier scope must not push out.
 */
export async function pruneRuns(location: StateLocation, keepRuns: number): Promise<string[]> {
  const store = storeOf(location);
  const runs = await listRuns(store);
  const newestOfScope = new Set(new Map(runs.map((run) => [run.scopeKey, run.id])).values());
  const removable = runs.filter((run) => !newestOfScope.has(run.id));
  const toRemove = removable.slice(0, Math.max(0, runs.length - keepRuns));
  for (const run of toRemove) await store.remove(run);
  return toRemove.map((run) => run.id);
}

/** Takes the store's lock for the span of a scan that reads the previous run and stores its own. */
export function lockRunStore(location: StateLocation, timeoutMs: number): Promise<RunStoreLock> {
  return storeOf(location).lock(timeoutMs);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
