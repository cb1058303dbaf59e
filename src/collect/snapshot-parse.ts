// Parsing one snapshot file: whole with JSON.parse, or streamed past a size, with every repeated key said.
import { readFile, stat } from "node:fs/promises";
import { isRecord } from "../inventory/read.ts";
import {
  parseJsonBytes,
  parseJsonFile,
  type LeaveElement,
  type RepeatedKey,
  type TakeElement,
} from "./json-stream.ts";
import { repeatedKeyDiagnostics } from "./repeated-keys.ts";
import { classify, UnreadableInput, type FileContent } from "./snapshot-shapes.ts";

/** Past this size a file is parsed one row at a time (json-stream.ts); below it, one JSON.parse is faster. */
export const streamingThreshold = 64 * 1024 * 1024;

/** The keys of the objects json-stream.ts walks: the root's, and those of the root's object children. */
function walkedKeys(value: Record<string, unknown>): string[] {
  const keys = Object.keys(value);
  for (const key of [...keys]) {
    const child = value[key];
    if (isRecord(child)) keys.push(...Object.keys(child));
  }
  return keys;
}

/**
 * JSON.parse keeps the last of two equal keys without a word, so `{"resources":[…],"resources":[]}` would read
 * no rows. When a walked key's text occurs twice (or an escape could spell one differently), the file is parsed
 * again by json-stream.ts, which reads both tables and names the key.
 */
function mayRepeatKeys(text: string, value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (text.includes("\\u")) return true;
  return walkedKeys(value).some((key) => {
    const quoted = JSON.stringify(key);
    const first = text.indexOf(quoted);
    return first !== -1 && text.indexOf(quoted, first + quoted.length) !== -1;
  });
}

interface RepeatedKeys {
  readonly merged: string[];
  readonly overwritten: string[];
}

function repeatedKeyCollector(): RepeatedKeys & { readonly record: RepeatedKey } {
  const merged: string[] = [];
  const overwritten: string[] = [];
  const record: RepeatedKey = (path, key, isMerged) => {
    (isMerged ? merged : overwritten).push([...path, key].join("."));
  };
  return { merged, overwritten, record };
}

/** The root object and its object children: json-stream.ts merges or reports their repeated keys itself. */
const isWalked = (path: readonly (string | number)[]): boolean =>
  path.length === 0 || (path.length === 1 && typeof path[0] === "string");

async function parseFile(
  file: string,
  take: TakeElement | undefined,
  streamAbove: number,
  repeated: RepeatedKey,
  leave: LeaveElement | undefined,
): Promise<{ readonly value: unknown; readonly nested?: ReturnType<typeof repeatedKeyDiagnostics> }> {
  if ((await stat(file)).size > streamAbove)
    return { value: await parseJsonFile(file, undefined, take, repeated, leave) };
  const bytes = await readFile(file);
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new UnreadableInput("is empty");
  const parsed: unknown = JSON.parse(text);
  const value = mayRepeatKeys(text, parsed) ? parseJsonBytes(bytes, repeated) : parsed;
  return { value, nested: repeatedKeyDiagnostics(file, text, value, isWalked) };
}

/** Every repeated key is said: a merged table as a warning, a value that overwrote another as an error and a gap. */
function reportRepeatedKeys(file: string, repeated: RepeatedKeys, content: FileContent): FileContent {
  const diagnostics = [...content.diagnostics];
  const gaps = [...content.gaps];
  for (const key of new Set(repeated.merged)) {
    const message = `${file}: the key \`${key}\` appears more than once; the rows of every copy were read`;
    diagnostics.push({ level: "warning", code: "duplicate-key", message, origin: file, field: key });
  }
  for (const key of new Set(repeated.overwritten)) {
    const message = `${file}: the key \`${key}\` appears more than once and only its last value was read; remove the duplicate or export again`;
    diagnostics.push({ level: "error", code: "duplicate-key", message, origin: file, field: key });
    gaps.push({ code: "duplicate-key", message });
  }
  return { ...content, diagnostics, gaps };
}

export async function readFileContent(
  file: string,
  take?: TakeElement,
  streamAbove = streamingThreshold,
  /** Streamed files only: rows left unparsed (see json-stream.ts `LeaveElement`). */
  leave?: LeaveElement,
): Promise<FileContent> {
  const repeated = repeatedKeyCollector();
  let parsed: Awaited<ReturnType<typeof parseFile>>;
  try {
    parsed = await parseFile(file, take, streamAbove, repeated.record, leave);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UnreadableInput(
      `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const content = reportRepeatedKeys(file, repeated, classify(file, parsed.value));
  const nested = parsed.nested;
  if (nested === undefined || nested.diagnostics.length === 0) return content;
  return {
    ...content,
    diagnostics: [...content.diagnostics, ...nested.diagnostics],
    gaps: [...content.gaps, ...nested.gaps],
  };
}
