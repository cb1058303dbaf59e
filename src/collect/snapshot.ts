// Snapshot source (`scan --input PATH`): reads exported or hand-made JSON files into raw rows per ARG table.
//   snapshot-folders.ts  which files a path stands for
//   snapshot-parse.ts    one file parsed, whole or streamed, repeated keys said
//   snapshot-shapes.ts   which accepted shape a file holds, read into rows per table
import { CollectOptionError } from "./errors.ts";
import type { RawRow } from "../inventory/model.ts";
import { open } from "node:fs/promises";
import { firstElementPath, type LeaveElement, type TakeElement } from "./json-stream.ts";
import { expand } from "./snapshot-folders.ts";
import { readFileContent, streamingThreshold } from "./snapshot-parse.ts";
import { argTables, unreadable, type FileContent, type InputReport } from "./snapshot-shapes.ts";
import type { CollectedRows, CoverageScope } from "./source.ts";

interface Accumulator extends InputReport {
  readonly addRow: (row: RawRow) => void;
  readonly scopes: CoverageScope[];
  readonly tables: Set<string>;
  complete: boolean;
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
async function streamFileInto(
  into: Accumulator,
  file: string,
  streamAbove: number,
  leaveRow: LeaveRow | undefined,
): Promise<void> {
  const taken: (readonly unknown[])[] = [];
  let row = 0;
  const leave: LeaveElement | undefined = leaveRow && ((path, head) => isTableArray(path) && leaveRow(head));
  const take: TakeElement = (path, value, array) => {
    if (!isTableArray(path)) return false;
    if (taken.at(-1) !== array) taken.push(array);
    into.addRow({ table: path.at(-1)!.toLowerCase(), value, source: { origin: file, row: row++ } });
    return true;
  };
  let content: FileContent;
  try {
    content = await readFileContent(file, take, streamAbove, leave);
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

/** How much of a file `streamsTableRows` reads. */
const shapeHeadBytes = 1 << 20;

/**
 * Whether a file's rows stream (a table-keyed file or an export), told from its first MB: the first array element
 * outside an export's `coverage` is a table's row. A file of another shape is read whole, by every thread that
 * reads it, so a reader that splits a file's rows across threads asks this first.
 */
export async function streamsTableRows(file: string): Promise<boolean> {
  const handle = await open(file);
  try {
    const head = Buffer.alloc(shapeHeadBytes);
    const { bytesRead } = await handle.read(head, 0, shapeHeadBytes, 0);
    const path = firstElementPath(head.subarray(0, bytesRead), (keys) => keys[0] === "coverage");
    return path !== undefined && isTableArray(path);
  } finally {
    await handle.close();
  }
}

/** Whether the table row whose text begins with `head` is left unparsed (see json-stream.ts `LeaveElement`). */
export type LeaveRow = (head: Buffer) => boolean;

/**
 * `readSnapshot` without holding the rows: each goes to `addRow` (in the same order, with the same source) and
 * is dropped. Throws NotStreamable when a large file's shape is only known after its rows went out; the caller
 * then starts over with `readSnapshot`. A streamed row that `leaveRow` leaves comes with `unparsedElement` as its
 * value, and keeps its place in the numbering.
 */
export async function streamSnapshot(
  paths: readonly string[],
  addRow: (row: RawRow) => void,
  /** Files larger than this many bytes are streamed; smaller ones are parsed whole, then handed over. */
  streamAbove = streamingThreshold,
  leaveRow?: LeaveRow,
): Promise<Omit<CollectedRows, "rows">> {
  return readPaths(paths, accumulator(addRow), (into, file) =>
    streamFileInto(into, file, streamAbove, leaveRow),
  );
}
