// Snapshot source (`scan --input PATH`): reads exported or hand-made JSON files into raw rows per ARG table.
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { join } from "node:path";
import { CollectOptionError } from "./errors.ts";
import { typeFromId } from "../inventory/arm-id.ts";
import type { Diagnostic, RawRow } from "../inventory/model.ts";
import { describeValue, isRecord, ownValue } from "../inventory/read.ts";
import { parseJsonBytes, parseJsonFile, type RepeatedKey, type TakeElement } from "./json-stream.ts";
import { repeatedKeyDiagnostics } from "./repeated-keys.ts";
import type { CollectedRows, Coverage, CoverageGap, CoverageScope } from "./source.ts";

const argTables = [
  "resources",
  "networkresources",
  "resourcechanges",
  "authorizationresources",
  "resourcecontainers",
] as const;

/** Types that ARG keeps outside `resources`; a flat list of rows is split back into its tables by type. */
const tableByType: Readonly<Record<string, string>> = {
  "microsoft.resources/changes": "resourcechanges",
  "microsoft.authorization/roleassignments": "authorizationresources",
  "microsoft.authorization/roledefinitions": "authorizationresources",
  "microsoft.resources/subscriptions": "resourcecontainers",
  "microsoft.network/firewallpolicies/rulecollectiongroups": "networkresources",
};

/** What one file contributed. */
interface FileContent {
  readonly tables: [string, readonly unknown[]][];
  readonly coverage?: Coverage;
  readonly gaps: CoverageGap[];
  readonly diagnostics: Diagnostic[];
}

class UnreadableInput extends Error {}

function tableOf(row: unknown): string {
  if (!isRecord(row)) return "resources";
  const type = ownValue(row, "type");
  const id = ownValue(row, "id");
  const lowerType =
    typeof type === "string" ? type.toLowerCase() : typeof id === "string" ? typeFromId(id) : undefined;
  if (lowerType === undefined && typeof ownValue(row, "changeId") === "string") return "resourcechanges";
  return (
    (lowerType !== undefined && Object.hasOwn(tableByType, lowerType) ? tableByType[lowerType] : undefined) ??
    "resources"
  );
}

function byType(rows: readonly unknown[]): [string, unknown[]][] {
  const tables = new Map<string, unknown[]>();
  for (const row of rows) {
    const table = tableOf(row);
    const list = tables.get(table);
    if (list === undefined) tables.set(table, [row]);
    else list.push(row);
  }
  return [...tables];
}

function empty(tables: [string, readonly unknown[]][]): FileContent {
  return { tables, gaps: [], diagnostics: [] };
}

/** Older ARG API versions answer in table format: `{ columns: [{ name }], rows: [[…]] }`. */
function tableFormatRows(data: Record<string, unknown>): unknown[] | undefined {
  const columns: unknown = ownValue(data, "columns");
  const rows: unknown = ownValue(data, "rows");
  if (!Array.isArray(columns) || !Array.isArray(rows)) return undefined;
  const names = (columns as unknown[]).map((column) =>
    isRecord(column) && typeof column.name === "string" ? column.name : "",
  );
  return (rows as unknown[]).map((row) =>
    Array.isArray(row)
      ? Object.fromEntries(names.map((name, index): [string, unknown] => [name, (row as unknown[])[index]]))
      : row,
  );
}

/** `{ data, $skipToken, resultTruncated }` from the ARG REST API or `az graph query`. */
function readGraphResponse(file: string, response: Record<string, unknown>): FileContent {
  const data = ownValue(response, "data");
  const rows = Array.isArray(data) ? data : isRecord(data) ? tableFormatRows(data) : undefined;
  if (rows === undefined) throw new UnreadableInput("has a `data` field that is not a list of rows");
  const content = empty(byType(rows));
  const truncated = ownValue(response, "resultTruncated");
  if (truncated === true || (typeof truncated === "string" && truncated.toLowerCase() === "true")) {
    const message = `${file}: Resource Graph truncated this result; narrow the query or page it with $skipToken, then export again`;
    content.gaps.push({ code: "resultTruncated", message });
    content.diagnostics.push({ level: "error", code: "resultTruncated", message, origin: file });
  }
  const skipToken = ownValue(response, "$skipToken") ?? ownValue(response, "skip_token");
  if (typeof skipToken === "string" && skipToken !== "") {
    // A folder of pages carries a token in every page but the last, so this alone is not a gap.
    const message = `${file}: holds one page of a paged result; pass the following pages too, or rows are missing`;
    content.diagnostics.push({ level: "warning", code: "partial-page", message, origin: file });
  }
  return content;
}

/** `{ resources: [...], networkresources: [...] }`, table names in any case. */
function readTableKeyed(value: Record<string, unknown>): FileContent | undefined {
  const tables: [string, readonly unknown[]][] = [];
  for (const key of Object.keys(value)) {
    const table = key.toLowerCase();
    if (!(argTables as readonly string[]).includes(table)) continue;
    const rows = ownValue(value, key);
    if (!Array.isArray(rows)) throw new UnreadableInput(`has a \`${key}\` table that is not a list of rows`);
    tables.push([table, rows]);
  }
  return tables.length > 0 ? empty(tables) : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}

function optionalString(record: Record<string, unknown>, key: string): { [k: string]: string } {
  const value = ownValue(record, key);
  return typeof value === "string" ? { [key]: value } : {};
}

function readScope(scope: Record<string, unknown>): CoverageScope {
  const subscriptions = ownValue(scope, "subscriptions");
  const managementGroups = ownValue(scope, "managementGroups");
  return {
    ...optionalString(scope, "tenantId"),
    ...optionalString(scope, "file"),
    ...(Array.isArray(subscriptions) ? { subscriptions: strings(subscriptions) } : {}),
    ...(Array.isArray(managementGroups) ? { managementGroups: strings(managementGroups) } : {}),
    ...delegatedSubscriptions(ownValue(scope, "delegatedSubscriptions")),
  };
}

/** An export's Lighthouse delegations, so a replayed snapshot says "delegated from" as the live scan did. */
function delegatedSubscriptions(value: unknown): Pick<CoverageScope, "delegatedSubscriptions"> {
  if (!Array.isArray(value)) return {};
  const delegated = value.filter(isRecord).flatMap((entry) => {
    const subscriptionId = ownValue(entry, "subscriptionId");
    const tenantId = ownValue(entry, "tenantId");
    return typeof subscriptionId === "string" && typeof tenantId === "string"
      ? [{ subscriptionId, tenantId }]
      : [];
  });
  return delegated.length > 0 ? { delegatedSubscriptions: delegated } : {};
}

function readGap(gap: Record<string, unknown>): CoverageGap {
  const scope = ownValue(gap, "scope");
  const code = ownValue(gap, "code");
  const message = ownValue(gap, "message");
  return {
    ...optionalString(gap, "tenantId"),
    ...optionalString(gap, "query"),
    ...(Array.isArray(scope) ? { scope: strings(scope) } : {}),
    code: typeof code === "string" ? code : "unknown",
    message: typeof message === "string" ? message : "gap recorded by the export",
  };
}

function readCoverage(coverage: unknown): Coverage {
  const parts = isRecord(coverage)
    ? [ownValue(coverage, "scopes"), ownValue(coverage, "gaps"), ownValue(coverage, "tables")]
    : [];
  const [scopes, gaps, tables] = parts;
  if (
    !isRecord(coverage) ||
    typeof coverage.complete !== "boolean" ||
    !Array.isArray(scopes) ||
    !Array.isArray(gaps) ||
    !Array.isArray(tables)
  ) {
    throw new UnreadableInput("is an aks-vnet-audit export without a valid `coverage`");
  }
  return {
    complete: coverage.complete,
    scopes: scopes.filter(isRecord).map(readScope),
    gaps: gaps.filter(isRecord).map(readGap),
    tables: strings(tables).map((table) => table.toLowerCase()),
  };
}

/** The tool's own `export` file (`SnapshotFile`). */
function readExport(value: Record<string, unknown>): FileContent {
  const version = ownValue(value, "schemaVersion");
  if (version !== 1)
    throw new UnreadableInput(
      `has schemaVersion ${describeValue(version)}; this version reads 1, export again`,
    );
  const tablesValue = ownValue(value, "tables");
  if (!isRecord(tablesValue)) throw new UnreadableInput("is an aks-vnet-audit export without `tables`");
  const content = readTableKeyed(tablesValue) ?? empty([]);
  return { ...content, coverage: readCoverage(ownValue(value, "coverage")) };
}

/**
 * One resource: an ARM GET body, `az … show -o json` (properties flattened to the top level; the normalizer
 * re-nests them), or one change record of the resource changes API.
 */
function isSingleResource(value: Record<string, unknown>): boolean {
  const id = ownValue(value, "id");
  return (typeof id === "string" && id.trim() !== "") || typeof ownValue(value, "changeId") === "string";
}

/**
 * A REST API specification example (`x-ms-examples`: `{ parameters, responses: { "200": { body } } }`): the
 * body of its first successful response. A PUT example carries the same resource under 200 and 201; one is enough.
 */
function exampleBody(value: Record<string, unknown>): unknown {
  const responses = ownValue(value, "responses");
  if (!isRecord(responses) || !isRecord(ownValue(value, "parameters"))) return undefined;
  for (const status of Object.keys(responses).sort()) {
    const response = ownValue(responses, status);
    if (/^2\d\d$/.test(status) && isRecord(response) && Object.hasOwn(response, "body")) return response.body;
  }
  return undefined;
}

/** `{ "error": { "code", "message" } }`: what ARM answers instead of a resource; worth naming as such. */
function armError(value: Record<string, unknown>): string | undefined {
  const error = ownValue(value, "error");
  if (!isRecord(error)) return undefined;
  const code = ownValue(error, "code");
  return typeof code === "string" ? code : "unknown";
}

function classify(file: string, value: unknown, depth = 0): FileContent {
  if (Array.isArray(value)) return empty(byType(value));
  if (!isRecord(value)) throw new UnreadableInput(`holds ${describeValue(value)}, not rows`);
  if (ownValue(value, "kind") === "aks-vnet-audit-snapshot") return readExport(value);
  if (Object.hasOwn(value, "data")) return readGraphResponse(file, value);
  const armList = ownValue(value, "value");
  if (Array.isArray(armList)) return empty(byType(armList));
  // The resource changes API answers `{ changes: [...] }`.
  const changes = ownValue(value, "changes");
  if (Array.isArray(changes)) return empty(byType(changes));
  const keyed = readTableKeyed(value);
  if (keyed !== undefined) return keyed;
  if (isSingleResource(value)) return empty(byType([value]));
  const body = depth === 0 ? exampleBody(value) : undefined;
  if (body !== undefined) return classify(file, body, depth + 1);
  const error = armError(value);
  if (error !== undefined)
    throw new UnreadableInput(`is an Azure error response (${error}), not resources; run the command again`);
  throw new UnreadableInput(
    "is a JSON object but none of the accepted shapes (rows array, {data}, {value}, {resources…}, one resource with an id, export)",
  );
}

/** Past this size a file is parsed one row at a time (json-stream.ts); below it, one JSON.parse is faster. */
const streamingThreshold = 64 * 1024 * 1024;

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
): Promise<{ readonly value: unknown; readonly nested?: ReturnType<typeof repeatedKeyDiagnostics> }> {
  if ((await stat(file)).size > streamAbove)
    return { value: await parseJsonFile(file, undefined, take, repeated) };
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

async function readFileContent(
  file: string,
  take?: TakeElement,
  streamAbove = streamingThreshold,
): Promise<FileContent> {
  const repeated = repeatedKeyCollector();
  let parsed: Awaited<ReturnType<typeof parseFile>>;
  try {
    parsed = await parseFile(file, take, streamAbove, repeated.record);
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

/** What a file system entry is, in words, when it is not a regular file or a folder. */
function specialKind(info: Stats): string | undefined {
  if (info.isFIFO()) return "a named pipe";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return undefined;
}

/** A file found while walking a folder, with the file it really is when a symbolic link led to it. */
interface FoundFile {
  readonly path: string;
  readonly target: string;
}

/** Walks folders, following symbolic links once each; every entry not read becomes a diagnostic. */
class FolderWalk {
  readonly files: FoundFile[] = [];
  readonly #visited = new Set<string>();
  readonly #into: Accumulator;

  constructor(into: Accumulator) {
    this.#into = into;
  }

  async folder(path: string, real: string): Promise<void> {
    this.#visited.add(real);
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      unreadable(this.#into, path, error);
      return;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isSymbolicLink()) await this.#link(child);
      else if (entry.isDirectory()) await this.folder(child, join(real, entry.name));
      else if (entry.isFile()) this.#file(child, child);
      else this.#notRead(child, `is ${entry.isFIFO() ? "a named pipe" : "not a regular file"}`);
    }
  }

  async #link(path: string): Promise<void> {
    let target: string;
    let info: Stats;
    try {
      target = await realpath(path);
      info = await stat(target);
    } catch {
      this.#notRead(path, "is a symbolic link whose target does not exist or cannot be read");
      return;
    }
    if (info.isDirectory()) {
      if (this.#visited.has(target)) {
        this.#notRead(
          path,
          `is a symbolic link to ${target}, a folder already read (a loop or a second way in)`,
        );
      } else {
        this.#followed(path, target);
        await this.folder(path, target);
      }
    } else if (info.isFile()) this.#file(path, target);
    else
      this.#notRead(
        path,
        `is a symbolic link to ${target}, which is ${specialKind(info) ?? "not a regular file"}`,
      );
  }

  #file(path: string, target: string): void {
    if (!path.toLowerCase().endsWith(".json")) {
      const message = `${path} is not a .json file; not read`;
      this.#into.diagnostics.push({ level: "info", code: "not-read", message, origin: path });
    } else {
      if (target !== path) this.#followed(path, target);
      this.files.push({ path, target });
    }
  }

  #followed(path: string, target: string): void {
    const message = `${path} is a symbolic link to ${target}; followed`;
    this.#into.diagnostics.push({ level: "info", code: "symlink-followed", message, origin: path });
  }

  /** An entry that could hold rows but was not read: a gap, so the scan says it is incomplete. */
  #notRead(path: string, problem: string): void {
    const message = `${path} ${problem}; not read`;
    this.#into.diagnostics.push({ level: "warning", code: "not-read", message, origin: path });
    if (path.toLowerCase().endsWith(".json")) this.#into.gaps.push({ code: "not-read", message });
  }
}

/**
 * A folder stands for every `*.json` below it, in path order so that runs are repeatable. Only regular files
 * are opened: opening a named pipe waits for a writer that may never come.
 */
async function expand(path: string, into: Accumulator): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UnreadableInput("does not exist or cannot be read; check the --input path");
  }
  const special = specialKind(info);
  if (special !== undefined)
    throw new CollectOptionError(
      `--input ${path} is ${special}, not a file or folder; save the rows to a .json file and pass that`,
    );
  if (!info.isDirectory()) return [path];
  const walk = new FolderWalk(into);
  await walk.folder(path, await realpath(path));
  // The same file reached twice (a link beside its target) is read once.
  const byTarget = new Map<string, string>();
  for (const { path: file, target } of walk.files.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const first = byTarget.get(target);
    if (first === undefined) byTarget.set(target, file);
    else {
      const message = `${file} is the same file as ${first}; read once`;
      into.diagnostics.push({ level: "info", code: "not-read", message, origin: file });
    }
  }
  const files = [...byTarget.values()];
  if (files.length === 0) throw new UnreadableInput("is a folder without any .json file");
  return files;
}

interface Accumulator {
  readonly addRow: (row: RawRow) => void;
  readonly scopes: CoverageScope[];
  readonly gaps: CoverageGap[];
  readonly tables: Set<string>;
  readonly diagnostics: Diagnostic[];
  complete: boolean;
}

function unreadable(into: Accumulator, path: string, error: unknown): void {
  const problem = error instanceof UnreadableInput ? error.message : `cannot be read (${String(error)})`;
  const advice = problem.includes("--input")
    ? ""
    : "; fix the file or export it again with `aks-vnet-audit export`";
  const message = `${path} ${problem}${advice}`.replace(/\s+/g, " ");
  into.diagnostics.push({ level: "error", code: "unreadable-input", message, origin: path });
  into.gaps.push({ code: "unreadable-input", message });
}

function addContent(into: Accumulator, file: string, content: FileContent): void {
  into.scopes.push({ file });
  let row = 0;
  for (const [table, values] of content.tables) {
    into.tables.add(table);
    for (const value of values) into.addRow({ table, value, source: { origin: file, row: row++ } });
  }
  into.gaps.push(...content.gaps);
  into.diagnostics.push(...content.diagnostics);
  if (content.coverage !== undefined) {
    into.scopes.push(...content.coverage.scopes);
    into.gaps.push(...content.coverage.gaps);
    for (const table of content.coverage.tables) into.tables.add(table);
    if (!content.coverage.complete) into.complete = false;
  }
}

async function readFileInto(into: Accumulator, file: string): Promise<void> {
  try {
    addContent(into, file, await readFileContent(file));
  } catch (error) {
    unreadable(into, file, error);
  }
}

function accumulator(addRow: (row: RawRow) => void): Accumulator {
  return { addRow, scopes: [], gaps: [], tables: new Set(), diagnostics: [], complete: true };
}

async function readPaths(
  paths: readonly string[],
  into: Accumulator,
  readFile: (into: Accumulator, file: string) => Promise<void>,
): Promise<Omit<CollectedRows, "rows">> {
  for (const path of paths) {
    let files: string[];
    try {
      files = await expand(path, into);
    } catch (error) {
      if (error instanceof CollectOptionError) throw error;
      unreadable(into, path, error);
      continue;
    }
    for (const file of files) await readFile(into, file);
  }
  return {
    kind: "snapshot",
    coverage: {
      complete: into.complete && into.gaps.length === 0,
      scopes: into.scopes,
      gaps: into.gaps,
      tables: [...into.tables].sort(),
    },
    diagnostics: into.diagnostics,
  };
}

export async function readSnapshot(paths: readonly string[]): Promise<CollectedRows> {
  const rows: RawRow[] = [];
  const read = await readPaths(
    paths,
    accumulator((row) => rows.push(row)),
    readFileInto,
  );
  return { ...read, rows };
}

/** `streamSnapshot` could not hand rows over in `readSnapshot`'s order and numbering; read the files whole. */
export class NotStreamable extends Error {}

/** Rows an export or a table-keyed file holds, by the object keys that lead to their array. */
function isTableArray(path: readonly string[]): boolean {
  const table = path.length === 1 ? path[0] : path.length === 2 && path[0] === "tables" ? path[1] : undefined;
  return table !== undefined && (argTables as readonly string[]).includes(table.toLowerCase());
}

/**
 * Reads one file, handing a large file's table rows to `into.addRow` while they are parsed. The streamed rows
 * were right only when the file turns out to be the shape they were taken for (a table-keyed file or an export)
 * with the same order; any other outcome after a row went out throws NotStreamable.
 */
async function streamFileInto(into: Accumulator, file: string, streamAbove: number): Promise<void> {
  const taken: (readonly unknown[])[] = [];
  let row = 0;
  const take: TakeElement = (path, value, array) => {
    if (!isTableArray(path)) return false;
    if (taken.at(-1) !== array) taken.push(array);
    into.addRow({ table: path.at(-1)!.toLowerCase(), value, source: { origin: file, row: row++ } });
    return true;
  };
  let content: FileContent;
  try {
    content = await readFileContent(file, take, streamAbove);
  } catch (error) {
    if (row > 0) throw new NotStreamable(`${file}: unreadable after rows were streamed`);
    unreadable(into, file, error);
    return;
  }
  if (row > 0) {
    const streamed = content.tables.map(([, values]) => values).filter((values) => taken.includes(values));
    const sameOrder =
      streamed.length === taken.length && streamed.every((values, index) => values === taken[index]);
    const onlyStreamed = content.tables.every(([, values]) => values.length === 0);
    if (!sameOrder || !onlyStreamed)
      throw new NotStreamable(`${file}: not read as the shape it was streamed as`);
  }
  addContent(into, file, content);
}

/**
 * `readSnapshot` without holding the rows: each goes to `addRow` (in the same order, with the same source) and
 * is dropped. Throws NotStreamable when a large file's shape is only known after its rows went out; the caller
 * then starts over with `readSnapshot`.
 */
export async function streamSnapshot(
  paths: readonly string[],
  addRow: (row: RawRow) => void,
  /** Files larger than this many bytes are streamed; smaller ones are parsed whole, then handed over. */
  streamAbove = streamingThreshold,
): Promise<Omit<CollectedRows, "rows">> {
  return readPaths(paths, accumulator(addRow), (into, file) => streamFileInto(into, file, streamAbove));
}
