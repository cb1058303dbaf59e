// The files of one stored run, whatever holds them (a folder or a blob prefix): names, encoding, checked decoding.
import { promisify } from "node:util";
import { gunzipSync, gzip } from "node:zlib";
import { UserError } from "../errors/errors.ts";
import type { RunRecord, TrendPoint } from "../findings/run.ts";
import { trendPoint } from "../findings/trend-point.ts";
import { decodeColumns, encodeColumns, isColumnsDocument } from "./columns.ts";
import { joinEvidence, splitEvidence, type EvidenceChunks, type EvidenceDecoding } from "./evidence-apart.ts";
import type { Observations } from "./observations.ts";
import { scopeKey } from "./scope.ts";

/** The name `scan` publishes; runs stored by earlier versions hold it as is (pretty-printed JSON). */
export const findingsFile = "findings.json";
/** Runs stored by earlier versions hold observations as plain JSON under this name. */
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
  readonly data: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  readonly meta: RunMeta;
  readonly metaText: string;
}

/**
 * The run record (its results' evidence apart, `evidence-apart.ts`), the evidence and the observations are stored
 * by column (`columns.ts`) and gzipped where that pays: at 10,000 clusters a run is about 3 % of its pretty-printed
 * findings.json, and loads faster than parsing that file would.
 */
export async function encodeRun(
  run: RunRecord,
  observations: Observations,
  savedAt: Date,
): Promise<EncodedRun> {
  const { record, chunks } = splitEvidence(run);
  const data = await Promise.all([
    encodeData("record", columnsText(record)),
    // One columns document a line, so that a chunk is parsed without parsing the others.
    encodeData("evidence", chunks.map(columnsText).join("\n")),
    encodeData("observations", columnsText(observations)),
  ]);
  const meta: RunMeta = {
    schemaVersion: 1,
    runId: run.run.id,
    scopeKey: scopeKey(run.run.scope),
    savedAt: savedAt.toISOString(),
    bytes: Object.fromEntries(data.map((file) => [file.name, file.bytes.byteLength])),
    trend: trendPoint(run),
  };
  return { data, meta, metaText: `${JSON.stringify(meta, null, 2)}\n` };
}

/**
 * The parts of a run. Earlier versions stored the whole record as `findings` (plain JSON, then by column); this
 * one stores it as `record` and `evidence`, a name earlier versions do not read rather than one they would misread.
 */
type DataStem = "findings" | "record" | "evidence" | "observations";
const dataStems: readonly DataStem[] = ["findings", "record", "evidence", "observations"];

/** Where each part of a run may be, newest encoding first; plain `.json` is how the first version stored it. */
function dataNames(stem: DataStem): readonly string[] {
  const columns = [`${stem}.columns.json.gz`, `${stem}.columns.json`];
  return stem === "findings" || stem === "observations" ? [...columns, `${stem}.json`] : columns;
}

/** True for the name of any data file a run may hold, in any encoding. */
export function isRunDataFile(name: string): boolean {
  return dataStems.some((stem) => dataNames(stem).includes(name));
}

/** Gzip is kept when it saves at least a fifth: a run of a handful of clusters is left readable. */
const gzipPays = 0.8;

function columnsText(value: unknown): string {
  return asciiJson(encodeColumns(value));
}

async function encodeData(stem: DataStem, text: string): Promise<{ name: string; bytes: Uint8Array }> {
  const plain = Buffer.from(text, "latin1");
  const zipped = await gzipAsync(plain, { level: 6 });
  return zipped.byteLength <= plain.byteLength * gzipPays
    ? { name: `${stem}.columns.json.gz`, bytes: zipped }
    : { name: `${stem}.columns.json`, bytes: plain };
}

const gzipAsync = promisify(gzip);
/** Output chunks above this are not worth one allocation; 64 KB is zlib's default. */
const maxChunk = 1 << 30;

/**
 * Gunzips into one buffer of the size the gzip trailer records (ISIZE, RFC 1952 §2.3.1), so a 50 MB run is not
 * inflated in 64 KB chunks and then copied into one. Synchronous: on the thread pool each chunk costs a hop, and
 * measured slower.
 */
function gunzipWhole(zipped: Uint8Array): Buffer {
  const trailer =
    zipped.byteLength >= 18 ? Buffer.from(zipped.buffer, zipped.byteOffset, zipped.byteLength) : undefined;
  const size = trailer ? trailer.readUInt32LE(trailer.length - 4) : 0;
  return gunzipSync(zipped, { chunkSize: Math.min(maxChunk, Math.max(64 * 1024, size + 1)) });
}

/**
 * JSON with every character past ASCII written as `\uXXXX`: V8 then reads the file into a one-byte string,
 * half the memory and a faster parse than the two-byte string a single "≥" in a message would make of it.
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Reads one file of a run; undefined when it does not exist. */
export type ReadRunFile = (name: string) => Promise<Uint8Array | undefined>;

/**
 * Reads and checks every file of a run. `where` names a file of it in messages. Evidence decoded "on first read"
 * is checked then, and a broken evidence file throws there.
 */
export async function decodeRun(
  dir: string,
  read: ReadRunFile,
  where: (name: string) => string,
  evidence: EvidenceDecoding = "now",
): Promise<StoredRun> {
  const meta = await readMeta(read, where);
  if (meta === undefined) throw new RunStoreError(`${where(metaFile)} is not a valid run meta file.`);
  const listed = meta === "missing" ? undefined : Object.keys(meta.bytes);
  const [record, observations] = await Promise.all([
    readRecord(read, listed, where, evidence),
    readData(read, "observations", listed, where, isObservations, "an observations file"),
  ]);
  if (record === undefined) throw new RunStoreError(`${dir} holds no ${findingsFile}; pass a run folder.`);
  if (meta !== "missing" && meta.runId !== record.run.id) {
    throw new RunStoreError(`${dir} holds run ${record.run.id} but its ${metaFile} names ${meta.runId}.`);
  }
  return {
    id: record.run.id,
    dir,
    scopeKey: meta === "missing" ? scopeKey(record.run.scope) : meta.scopeKey,
    record,
    observations,
  };
}

const recordWhat = "a findings.json of schemaVersion 1";
const evidenceWhat = "an evidence file";

/** The run record as this version stores it (record and evidence), else as earlier versions did (findings). */
async function readRecord(
  read: ReadRunFile,
  listed: readonly string[] | undefined,
  where: (name: string) => string,
  when: EvidenceDecoding,
): Promise<RunRecord | undefined> {
  const [record, evidence] = await Promise.all([
    readData(read, "record", listed, where, isRunRecord, recordWhat),
    readStored(read, "evidence", listed, where, evidenceWhat),
  ]);
  if (record === undefined) return readData(read, "findings", listed, where, isRunRecord, recordWhat);
  const name = evidence?.name ?? dataNames("evidence")[0]!;
  const invalid = (message: string) =>
    new RunStoreError(`${where(name)} ${message}; expected ${evidenceWhat}.`);
  if (evidence === undefined) throw invalid("is missing");
  joinEvidence(record, () => evidenceChunks(evidence.bytes, name, where), when, invalid);
  return record;
}

/** The evidence file's lines, each a chunk decoded when asked for. */
function evidenceChunks(stored: Uint8Array, name: string, where: (name: string) => string): EvidenceChunks {
  const text = inflated(stored, name, where, evidenceWhat);
  const starts = [0];
  for (let end = text.indexOf(0x0a); end !== -1; end = text.indexOf(0x0a, end + 1)) starts.push(end + 1);
  return {
    count: starts.length,
    chunk: (index) => {
      if (!(index < starts.length)) throw new RangeError(`no chunk ${index} of ${starts.length}`);
      const line = text.subarray(starts[index], (starts[index + 1] ?? text.length + 1) - 1);
      return parseText(line, name, where, isList, evidenceWhat);
    },
  };
}

/**
 * One part of a run in whichever encoding it was stored: the meta file lists the names a run has; a folder
 * without one (copied by hand) is probed, newest encoding first.
 */
async function readData<T>(
  read: ReadRunFile,
  stem: DataStem,
  listed: readonly string[] | undefined,
  where: (name: string) => string,
  check: (value: unknown) => value is T,
  what: string,
): Promise<T | undefined> {
  const stored = await readStored(read, stem, listed, where, what);
  return stored && parseStored(stored.bytes, stored.name, where, check, what);
}

/** The bytes of one part of a run and the name they were stored under; undefined when the run has none. */
async function readStored(
  read: ReadRunFile,
  stem: DataStem,
  listed: readonly string[] | undefined,
  where: (name: string) => string,
  what: string,
): Promise<{ readonly name: string; readonly bytes: Uint8Array } | undefined> {
  for (const name of dataNames(stem)) {
    if (listed && !listed.includes(name)) continue;
    const bytes = await readBytes(read, name, where, what);
    if (bytes !== undefined) return { name, bytes };
  }
  return undefined;
}

async function readBytes(
  read: ReadRunFile,
  name: string,
  where: (name: string) => string,
  what: string,
): Promise<Uint8Array | undefined> {
  try {
    return await read(name);
  } catch (error) {
    throw cannotRead(where(name), error, what);
  }
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
  const stored = await readBytes(read, name, where, what);
  return stored && parseStored(stored, name, where, check, what);
}

/** A `RunStoreError` naming the file when `stored` cannot be inflated, parsed or decoded, or is not `what`. */
function parseStored<T>(
  stored: Uint8Array,
  name: string,
  where: (name: string) => string,
  check: (value: unknown) => value is T,
  what: string,
): T {
  return parseText(inflated(stored, name, where, what), name, where, check, what);
}

function inflated(stored: Uint8Array, name: string, where: (name: string) => string, what: string): Buffer {
  try {
    const bytes = name.endsWith(".gz") ? gunzipWhole(stored) : stored;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    throw cannotRead(where(name), error, what);
  }
}

function parseText<T>(
  bytes: Buffer,
  name: string,
  where: (name: string) => string,
  check: (value: unknown) => value is T,
  what: string,
): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
    if (name.includes(".columns.")) {
      if (!isColumnsDocument(value)) throw new Error("not a columns document");
      value = decodeColumns(value);
    }
  } catch (error) {
    throw cannotRead(where(name), error, what);
  }
  if (!check(value)) throw new RunStoreError(`${where(name)} is not ${what}.`);
  return value;
}

function cannotRead(file: string, error: unknown, what: string): RunStoreError {
  return new RunStoreError(`${file} cannot be read (${(error as Error).message}); expected ${what}.`);
}

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
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
