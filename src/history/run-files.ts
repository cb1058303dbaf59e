// The files of one stored run, whatever holds them (a folder or a blob prefix): names, encoding, checked decoding.
import { UserError } from "../errors/errors.ts";
import type { RunRecord, TrendPoint } from "../findings/run.ts";
import { trendPoint } from "../findings/trend-point.ts";
import type { Observations } from "./observations.ts";
import { scopeKey } from "./scope.ts";

export const findingsFile = "findings.json";
export const observationsFile = "observations.json";
/** Written last, so its presence with matching sizes says the other files are whole (the run's commit marker). */
export const metaFile = "run.json";

/** A stored run, small enough to list many without reading their findings. */
export interface RunListing {
  readonly id: string;
  /** The run's folder, or the URL of its blob prefix. */
  readonly dir: string;
  readonly scopeKey: string;
}

export interface StoredRun extends RunListing {
  readonly record: RunRecord;
  /** Undefined for a run folder that came without observations (e.g. copied by hand). */
  readonly observations: Observations | undefined;
}

export interface RunMeta {
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly scopeKey: string;
  readonly savedAt: string;
  /** Byte size of each data file, checked when listing. */
  readonly bytes: Readonly<Record<string, number>>;
  /** Kept here so trend charts read 90 runs without reading 90 findings files; absent in earlier versions. */
  readonly trend?: TrendPoint;
}

/** A stored run that cannot be read or a state directory that cannot be written. */
export class RunStoreError extends UserError {
  override readonly name: string = "RunStoreError";
}

/** A run as the store writes it: data files first, then the meta file that commits them. */
export interface EncodedRun {
  readonly data: readonly { readonly name: string; readonly text: string }[];
  readonly meta: RunMeta;
  readonly metaText: string;
}

export function encodeRun(run: RunRecord, observations: Observations, savedAt: Date): EncodedRun {
  const data = [
    { name: findingsFile, text: `${JSON.stringify(run, null, 2)}\n` },
    { name: observationsFile, text: `${JSON.stringify(observations)}\n` },
  ];
  const meta: RunMeta = {
    schemaVersion: 1,
    runId: run.run.id,
    scopeKey: scopeKey(run.run.scope),
    savedAt: savedAt.toISOString(),
    bytes: Object.fromEntries(data.map((file) => [file.name, Buffer.byteLength(file.text)])),
    trend: trendPoint(run),
  };
  return { data, meta, metaText: `${JSON.stringify(meta, null, 2)}\n` };
}

/** Reads one file of a run; undefined when it does not exist. */
export type ReadRunFile = (name: string) => Promise<string | undefined>;

/** Reads and checks every file of a run. `where` names a file of it in messages. */
export async function decodeRun(
  dir: string,
  read: ReadRunFile,
  where: (name: string) => string,
): Promise<StoredRun> {
  const meta = await readMeta(read, where);
  if (meta === undefined) throw new RunStoreError(`${where(metaFile)} is not a valid run meta file.`);
  const record = await readJson(read, findingsFile, where, isRunRecord, "a findings.json of schemaVersion 1");
  if (record === undefined) throw new RunStoreError(`${dir} holds no ${findingsFile}; pass a run folder.`);
  if (meta !== "missing" && meta.runId !== record.run.id) {
    throw new RunStoreError(`${dir} holds run ${record.run.id} but its ${metaFile} names ${meta.runId}.`);
  }
  return {
    id: record.run.id,
    dir,
    scopeKey: meta === "missing" ? scopeKey(record.run.scope) : meta.scopeKey,
    record,
    observations: await readJson(read, observationsFile, where, isObservations, "an observations file"),
  };
}

/** `"missing"` when there is no meta file; undefined when there is one that does not parse. */
export async function readMeta(
  read: ReadRunFile,
  where: (name: string) => string,
): Promise<RunMeta | "missing" | undefined> {
  try {
    return (await readJson(read, metaFile, where, isRunMeta, "a run meta file")) ?? "missing";
  } catch {
    return undefined;
  }
}

/** Undefined when the file does not exist; a `RunStoreError` when it cannot be read or is not `what`. */
async function readJson<T>(
  read: ReadRunFile,
  name: string,
  where: (name: string) => string,
  check: (value: unknown) => value is T,
  what: string,
): Promise<T | undefined> {
  let value: unknown;
  try {
    const text = await read(name);
    if (text === undefined) return undefined;
    value = JSON.parse(text);
  } catch (error) {
    throw new RunStoreError(`${where(name)} cannot be read (${(error as Error).message}); expected ${what}.`);
  }
  if (!check(value)) throw new RunStoreError(`${where(name)} is not ${what}.`);
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

export function isRunMeta(value: unknown): value is RunMeta {
  return (
    isRecord(value) &&
    value.schemaVersion === 1 &&
    typeof value.runId === "string" &&
    typeof value.scopeKey === "string" &&
    isRecord(value.bytes) &&
    Object.values(value.bytes).every((bytes) => typeof bytes === "number")
  );
}

/** True when every file the meta names has the size it recorded (`sizeOf` answers -1 for a missing file). */
export function sizesMatch(meta: RunMeta, sizeOf: (name: string) => number): boolean {
  return Object.entries(meta.bytes).every(([name, bytes]) => sizeOf(name) === bytes);
}

export function isErrorCode(error: unknown, ...codes: readonly string[]): boolean {
  return error instanceof Error && "code" in error && codes.includes(String(error.code));
}

/** The meta file's trend figures, when it has well-formed ones. */
export function trendOf(meta: RunMeta): TrendPoint | undefined {
  const trend: unknown = meta.trend;
  return isRecord(trend) &&
    typeof trend.runId === "string" &&
    typeof trend.startedAt === "string" &&
    typeof trend.clusters === "number" &&
    typeof trend.integratedClusters === "number" &&
    isRecord(trend.bySeverity)
    ? (trend as unknown as TrendPoint)
    : undefined;
}
