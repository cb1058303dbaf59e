// The files of one stored run, whatever holds them (a folder or a blob prefix): names, meta and encoding;
// run-decode.ts reads them back.
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { UserError } from "../errors/errors.ts";
import type { RunRecord, TrendPoint } from "../findings/run.ts";
import { trendPoint } from "../findings/trend-point.ts";
import { encodeColumns } from "./columns.ts";
import { splitEvidence } from "./evidence-apart.ts";
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
export type DataStem = "findings" | "record" | "evidence" | "observations";
const dataStems: readonly DataStem[] = ["findings", "record", "evidence", "observations"];

/** Where each part of a run may be, newest encoding first; plain `.json` is how the first version stored it. */
export function dataNames(stem: DataStem): readonly string[] {
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
