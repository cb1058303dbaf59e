// `findings.json`: the run record as published (schemaVersion 1), every result including pass and not_applicable.
import type { RunRecord } from "../findings/run.ts";

/** Pretty JSON with the contract's top-level fields in a fixed order, so two runs diff cleanly. */
export function renderFindingsJson(run: RunRecord): string {
  return [...findingsJsonChunks(run)].join("");
}

/**
 * The same text as `renderFindingsJson`, in pieces of about one array element each: a large fleet's file is
 * hundreds of MB, which as one string (and its UTF-8 copy for the write) would double a scan's peak memory.
 */
export function* findingsJsonChunks(run: RunRecord): Generator<string> {
  const ordered: RunRecord = {
    schemaVersion: run.schemaVersion,
    tool: run.tool,
    run: run.run,
    coverage: run.coverage,
    summary: run.summary,
    results: run.results,
    resolved: run.resolved,
    diagnostics: run.diagnostics,
    clusters: run.clusters,
    ...(run.names ? { names: run.names } : {}),
  };
  yield* prettyObjectChunks(ordered);
  yield "\n";
}

/** `JSON.stringify(value, null, 2)` of a record, top-level arrays one element a piece. */
function* prettyObjectChunks(record: object): Generator<string> {
  let separator = "{";
  for (const [key, value] of Object.entries(record)) {
    const text = Array.isArray(value) && value.length > 0 ? undefined : pretty(value, "  ");
    // JSON.stringify leaves out properties whose value it cannot write (undefined, functions).
    if (text === undefined && !Array.isArray(value)) continue;
    yield `${separator}\n  ${JSON.stringify(key)}: `;
    separator = ",";
    if (text !== undefined) {
      yield text;
      continue;
    }
    let itemSeparator = "[";
    for (const item of value as unknown[]) {
      yield `${itemSeparator}\n    ${pretty(item, "    ") ?? "null"}`;
      itemSeparator = ",";
    }
    yield "\n  ]";
  }
  yield separator === "{" ? "{}" : "\n}";
}

/** Pretty JSON nested at `indent`: strings never hold a raw newline, so every newline starts a new line. */
function pretty(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text?.replaceAll("\n", `\n${indent}`);
}
