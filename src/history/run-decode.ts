// Reading a stored run back, whatever holds it: the files its meta names, in whichever layout its version wrote,
// each inflated, parsed and checked, with one line naming the file when it is not what it should be.
import { gunzipSync } from "node:zlib";
import type { RunRecord } from "../findings/run.ts";
import { decodeColumns, isColumnsDocument } from "./columns.ts";
import { joinEvidence, type EvidenceChunks, type EvidenceDecoding } from "./evidence-apart.ts";
import type { Observations } from "./observations.ts";
import {
  dataNames,
  findingsFile,
  isRecord,
  isRunMeta,
  metaFile,
  RunStoreError,
  type DataStem,
  type RunMeta,
  type StoredRun,
} from "./run-files.ts";
import { scopeKey } from "./scope.ts";

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
