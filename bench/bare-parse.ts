// The machine's own JSON parser on a snapshot: read and JSON.parse, as the floor the snapshot path is held to.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { cpuTimeMs } from "./cpu.ts";

/** V8 cannot hold a string much past 512 MB, so a larger file is parsed one row (one line) at a time. */
const wholeFileLimit = 500e6;

export interface BareParse {
  readonly ms: number;
  /** CPU of the parse (one thread, and whatever V8 ran beside it). */
  readonly cpuMs: number;
  readonly mode: "whole file" | "row by row";
}

export async function bareParse(path: string): Promise<BareParse> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const figures = (mode: BareParse["mode"]): BareParse => ({
    ms: performance.now() - started,
    cpuMs: cpuTimeMs(process.cpuUsage(cpu)),
    mode,
  });
  if (statSync(path).size <= wholeFileLimit) {
    JSON.parse(readFileSync(path, "utf8"));
    return figures("whole file");
  }
  // The bench's snapshot writer puts each row on a line of its own (snapshot-file.ts).
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    const row = line.endsWith(",") ? line.slice(0, -1) : line;
    if (row.startsWith("{") && row.endsWith("}")) JSON.parse(row);
  }
  return figures("row by row");
}

if (import.meta.main) {
  process.stdout.write(`${JSON.stringify(await bareParse(process.argv[2] ?? ""))}\n`);
}
