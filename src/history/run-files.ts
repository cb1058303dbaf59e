// The files of one stored run: what they are called, how they are written durably and read back checked.
import { UserError } from "../cli/errors.ts";
import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord, TrendPoint } from "../engine/run.ts";
import { trendPoint } from "../engine/summary.ts";
import type { Observations } from "./observations.ts";
import { scopeKey } from "./scope.ts";

export const findingsFile = "findings.json";
export const observationsFile = "observations.json";
/** Written last, so its presence with matching sizes says the other files are whole. */
export const metaFile = "run.json";

/** A stored run, small enough to list many without reading their findings. */
export interface RunListing {
  readonly id: string;
  readonly dir: string;
  readonly scopeKey: string;
  /** The run's trend figures; undefined for runs stored by earlier versions. */
  readonly trend?: TrendPoint;
}

export interface StoredRun extends RunListing {
  readonly record: RunRecord;
  /** Undefined for a run folder that came without observations (e.g. copied by hand). */
  readonly observations: Observations | undefined;
}

interface RunMeta {
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly scopeKey: string;
  readonly savedAt: string;
  /** Byte size of each data file, checked when listing. */
  readonly bytes: Readonly<Record<string, number>>;
  /** Kept here so trend charts read 90 runs without reading 90 findings files. */
  readonly trend?: TrendPoint;
}

/** A stored run that cannot be read or a state directory that cannot be written. */
export class RunStoreError extends UserError {
  override readonly name: string = "RunStoreError";
}

export async function writeRunFiles(
  dir: string,
  run: RunRecord,
  observations: Observations,
  savedAt: Date,
): Promise<void> {
  const findings = `${JSON.stringify(run, null, 2)}\n`;
  const observed = `${JSON.stringify(observations)}\n`;
  await writeDurably(join(dir, findingsFile), findings);
  await writeDurably(join(dir, observationsFile), observed);
  const meta: RunMeta = {
    schemaVersion: 1,
    runId: run.run.id,
    scopeKey: scopeKey(run.run.scope),
    savedAt: savedAt.toISOString(),
    bytes: { [findingsFile]: Buffer.byteLength(findings), [observationsFile]: Buffer.byteLength(observed) },
    trend: trendPoint(run),
  };
  await writeDurably(join(dir, metaFile), `${JSON.stringify(meta, null, 2)}\n`);
  await syncDirectory(dir);
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or new entries survive power loss; Windows cannot open directories for this, so it is skipped there. */
export async function syncDirectory(dir: string): Promise<void> {
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
 * Cheap check that a run folder is whole: its meta file parses and names this folder, and the data files
 * have the sizes it recorded. A folder without meta (placed by hand) is read in full instead.
 */
export async function readRunListing(dir: string, id: string): Promise<RunListing | undefined> {
  const meta = await readMeta(dir);
  if (meta === "missing") {
    const stored = await readRunFolder(dir).catch(() => undefined);
    return stored?.id === id ? { id, dir, scopeKey: stored.scopeKey } : undefined;
  }
  if (meta?.runId !== id) return undefined;
  for (const [file, bytes] of Object.entries(meta.bytes)) {
    const size = await stat(join(dir, file)).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== bytes) return undefined;
  }
  return { id, dir, scopeKey: meta.scopeKey, ...(isTrendPoint(meta.trend) ? { trend: meta.trend } : {}) };
}

function isTrendPoint(value: unknown): value is TrendPoint {
  return (
    isRecord(value) &&
    typeof value.runId === "string" &&
    typeof value.startedAt === "string" &&
    typeof value.clusters === "number" &&
    typeof value.integratedClusters === "number" &&
    isRecord(value.bySeverity)
  );
}

/** Reads and checks every file of a run folder. */
export async function readRunFolder(dir: string): Promise<StoredRun> {
  const meta = await readMeta(dir);
  if (meta === undefined) throw new RunStoreError(`${join(dir, metaFile)} is not a valid run meta file.`);
  const record = await readJson(join(dir, findingsFile), isRunRecord, "a findings.json of schemaVersion 1");
  if (record === undefined) throw new RunStoreError(`${dir} holds no ${findingsFile}; pass a run folder.`);
  if (meta !== "missing" && meta.runId !== record.run.id) {
    throw new RunStoreError(`${dir} holds run ${record.run.id} but its ${metaFile} names ${meta.runId}.`);
  }
  return {
    id: record.run.id,
    dir,
    scopeKey: meta === "missing" ? scopeKey(record.run.scope) : meta.scopeKey,
    trend: trendPoint(record),
    record,
    observations: await readJson(join(dir, observationsFile), isObservations, "an observations file"),
  };
}

/** `"missing"` when there is no meta file; undefined when there is one that does not parse. */
async function readMeta(dir: string): Promise<RunMeta | "missing" | undefined> {
  try {
    return (await readJson(join(dir, metaFile), isRunMeta, "a run meta file")) ?? "missing";
  } catch {
    return undefined;
  }
}

/** Undefined when the file does not exist; a `RunStoreError` when it cannot be read or is not `what`. */
async function readJson<T>(
  path: string,
  check: (value: unknown) => value is T,
  what: string,
): Promise<T | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if (isErrorCode(error, "ENOENT")) return undefined;
    throw new RunStoreError(`${path} cannot be read (${(error as Error).message}); expected ${what}.`);
  }
  if (!check(value)) throw new RunStoreError(`${path} is not ${what}.`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRunRecord(value: unknown): value is RunRecord {
  if (!isRecord(value) || value.schemaVersion !== 1 || !isRecord(value.run)) return false;
  return (
    typeof value.run.id === "string" &&
    Array.isArray(value.run.inputs) &&
    Array.isArray(value.results) &&
    Array.isArray(value.resolved)
  );
}

function isObservations(value: unknown): value is Observations {
  return isRecord(value) && value.schemaVersion === 1 && isRecord(value.clusters);
}

function isRunMeta(value: unknown): value is RunMeta {
  return (
    isRecord(value) &&
    value.schemaVersion === 1 &&
    typeof value.runId === "string" &&
    typeof value.scopeKey === "string" &&
    isRecord(value.bytes) &&
    Object.values(value.bytes).every((bytes) => typeof bytes === "number")
  );
}

export function isErrorCode(error: unknown, ...codes: readonly string[]): boolean {
  return error instanceof Error && "code" in error && codes.includes(String(error.code));
}
