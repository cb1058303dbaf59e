// The run store in a folder: `<stateDir>/runs/<run id>/`, written to a temp name and renamed (DESIGN §6).
import type { Dirent } from "node:fs";
import { hostname } from "node:os";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RunStoreBackend, RunStoreLock } from "./backend.ts";
import {
  isErrorCode,
  RunStoreError,
  sizesMatch,
  metaFile,
  type EncodedRun,
  type RunListing,
  type StoredRun,
} from "./run-files.ts";
import { decodeRun, readMeta } from "./run-decode.ts";
import { StateLockError, waitForLock } from "./lock.ts";

const tempPrefix = ".tmp-";
/** Runs being pruned are renamed to this first, so a crash mid-delete leaves only temp debris. */
const prunedPrefix = `${tempPrefix}pruned-`;
/** A temp folder this old belongs to a save that died; live saves take seconds. */
const staleTempMs = 60 * 60 * 1000;
const lockName = ".lock";
/**
 * A run writes its name into the lock file within milliseconds of creating it. An empty lock file older than
 * this was left by a run killed between the two steps, and is no one's.
 */
const startingLockMs = 10_000;

export function runsDirectory(stateDir: string): string {
  return join(stateDir, "runs");
}

export function fileRunStore(stateDir: string): RunStoreBackend {
  const runsDir = runsDirectory(stateDir);
  return {
    location: stateDir,
    listWhole: () => listWholeRuns(runsDir),
    listIds: async () => (await runEntries(runsDir)).filter(isRunFolder).map((entry) => entry.name),
    listOne: (id) => readRunListing(join(runsDir, id), id),
    readFile: (run, name) => readRunFile(run.dir, name),
    commit: (encoded) => commitRun(runsDir, encoded),
    remove: (run) => removeRun(run),
    lock: (timeoutMs) => lockFolder(runsDir, timeoutMs),
  };
}

/** Reads and checks every file of a run folder. */
export function readRunFolder(dir: string): Promise<StoredRun> {
  return decodeRun(
    dir,
    (name) => readRunFile(dir, name),
    (name) => join(dir, name),
  );
}

async function commitRun(runsDir: string, encoded: EncodedRun): Promise<string> {
  const id = encoded.meta.runId;
  await mkdir(runsDir, { recursive: true });
  const target = join(runsDir, id);
  if (await exists(target)) throw new RunStoreError(`Run ${id} is already stored in ${target}.`);
  const temp = join(runsDir, `${tempPrefix}${id}-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  try {
    for (const file of encoded.data) await writeDurably(join(temp, file.name), file.bytes);
    await writeDurably(join(temp, metaFile), encoded.metaText);
    await syncDirectory(temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (isErrorCode(error, "ENOTEMPTY", "EEXIST"))
      throw new RunStoreError(`Run ${id} is already stored in ${target}.`);
    throw error;
  }
  await syncDirectory(runsDir);
  return target;
}

/** Whole runs only. Clears temp folders left by crashes. */
async function listWholeRuns(runsDir: string): Promise<RunListing[]> {
  const runs: RunListing[] = [];
  for (const entry of await runEntries(runsDir)) {
    const dir = join(runsDir, entry.name);
    if (entry.isDirectory() && entry.name.startsWith(tempPrefix)) await removeIfStale(dir, entry.name);
    else if (isRunFolder(entry)) {
      const listing = await readRunListing(dir, entry.name);
      if (listing) runs.push(listing);
    }
  }
  return runs;
}

async function runEntries(runsDir: string): Promise<Dirent[]> {
  try {
    return await readdir(runsDir, { withFileTypes: true });
  } catch (error) {
    if (isErrorCode(error, "ENOENT")) return [];
    throw error;
  }
}

/** Temp folders and the lock start with "."; every other folder is a run, whole or not. */
function isRunFolder(entry: Dirent): boolean {
  return entry.isDirectory() && !entry.name.startsWith(".");
}

/**
 * Cheap check that a run folder is whole: its meta file parses and names this folder, and the data files
 * have the sizes it recorded. A folder without meta (placed by hand) is read in full instead.
 */
async function readRunListing(dir: string, id: string): Promise<RunListing | undefined> {
  const meta = await readMeta(
    (name) => readRunFile(dir, name),
    (name) => join(dir, name),
  );
  if (meta === "missing") {
    const stored = await readRunFolder(dir).catch(() => undefined);
    return stored?.id === id ? { id, dir, scopeKey: stored.scopeKey } : undefined;
  }
  if (meta?.runId !== id) return undefined;
  const sizes = new Map<string, number>();
  for (const file of Object.keys(meta.bytes)) {
    sizes.set(
      file,
      await stat(join(dir, file)).then(
        (s) => s.size,
        () => -1,
      ),
    );
  }
  return sizesMatch(meta, (name) => sizes.get(name) ?? -1) ? { id, dir, scopeKey: meta.scopeKey } : undefined;
}

async function removeRun(run: RunListing): Promise<void> {
  const doomed = join(dirname(run.dir), `${prunedPrefix}${run.id}-${process.pid}`);
  try {
    await rename(run.dir, doomed);
  } catch (error) {
    // A concurrent save may have pruned it first.
    if (isErrorCode(error, "ENOENT")) return;
    throw error;
  }
  await rm(doomed, { recursive: true, force: true });
}

async function readRunFile(dir: string, name: string): Promise<Buffer | undefined> {
  try {
    return await readFile(join(dir, name));
  } catch (error) {
    if (isErrorCode(error, "ENOENT")) return undefined;
    throw error;
  }
}

async function writeDurably(path: string, content: Uint8Array | string): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or new entries survive power loss; Windows cannot open directories for this, so it is skipped there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    if (!isErrorCode(error, "EISDIR", "EPERM", "EINVAL", "EBADF")) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * A lock file created exclusively, naming its holder. A holder that died on this host (its process is gone) no
 * longer holds it; one on another host sharing the folder is waited for.
 */
async function lockFolder(runsDir: string, timeoutMs: number): Promise<RunStoreLock> {
  await mkdir(runsDir, { recursive: true });
  const path = join(runsDir, lockName);
  const holder = `${process.pid}@${hostname()}`;
  const take = async (): Promise<boolean> => {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(holder);
      await handle.close();
      return true;
    } catch (error) {
      if (!isErrorCode(error, "EEXIST")) throw error;
      return false;
    }
  };
  await waitForLock(timeoutMs, async () => {
    if (await take()) return undefined;
    const current = await readFile(path, "utf8").catch(() => "");
    // A scan killed while it held the lock (SIGKILL, power loss) leaves the file; its process is gone.
    if (isDeadHolder(current) || (current.trim() === "" && (await olderThan(path, startingLockMs)))) {
      await rm(path, { force: true });
      if (await take()) return undefined;
    }
    return `lock file ${path} held by ${current.trim() || "a run that is starting"}`;
  });
  const held = async (): Promise<boolean> => (await readFile(path, "utf8").catch(() => "")) === holder;
  return {
    confirm: async () => {
      if (!(await held()))
        throw new StateLockError(
          `the run store ${runsDir} lost its lock file ${path}; this run was not stored.`,
        );
    },
    release: async () => {
      if (await held()) await rm(path, { force: true });
    },
  };
}

function isDeadHolder(holder: string): boolean {
  const match = /^(\d+)@(.+)$/.exec(holder.trim());
  if (!match || match[2] !== hostname()) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    return isErrorCode(error, "ESRCH");
  }
}

/** Whether `path` was last changed more than `ms` ago; false when it is gone. */
async function olderThan(path: string, ms: number): Promise<boolean> {
  const stats = await stat(path).catch(() => undefined);
  return stats !== undefined && Date.now() - stats.mtimeMs > ms;
}

async function removeIfStale(dir: string, name: string): Promise<void> {
  try {
    if (name.startsWith(prunedPrefix) || (await olderThan(dir, staleTempMs)))
      await rm(dir, { recursive: true, force: true });
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
