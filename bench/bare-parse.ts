// The machine's own JSON parser on a snapshot: read and JSON.parse, as the floor the snapshot path is held to.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";

/** V8 cannot hold a string much past 512 MB, so a larger file is parsed one row (one line) at a time. */
const wholeFileLimit = 500e6;

export interface BareParse {
  readonly ms: number;
  readonly mode: "whole file" | "row by row";
}

export async function bareParse(path: string): Promise<BareParse> {
  const started = performance.now();
  if (statSync(path).size <= wholeFileLimit) {
    JSON.parse(readFileSync(path, "utf8"));
    return { ms: performance.now() - started, mode: "whole file" };
  }
  // The bench's snapshot writer puts each row on a line of its own (snapshot-file.ts).
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const row = line.endsWith(",") ? line.slice(0, -1) : line;
    if (row.startsWith("{") && row.endsWith("}")) JSON.parse(row);
  }
  return { ms: performance.now() - started, mode: "row by row" };
}

if (import.meta.main) {
  process.stdout.write(`${JSON.stringify(await bareParse(process.argv[2] ?? ""))}\n`);
}
