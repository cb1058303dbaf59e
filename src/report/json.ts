// `findings.json`: the run record as published (schemaVersion 1), every result including pass and not_applicable.
import type { RunRecord } from "../findings/run.ts";

/** Pretty JSON with the contract's top-level fields in a fixed order, so two runs diff cleanly. */
export function renderFindingsJson(run: RunRecord): string {
  return [...findingsJsonChunks(run)].join("");
}

/**
 * Array elements stringified by one `JSON.stringify` call: about 55 KB of text for a fleet's results, under V8's
 * large-object size (128 KB), so each piece dies young in a scavenge instead of filling the old generation.
 */
export const elementsPerPiece = 32;

/**
 * The same text as `renderFindingsJson`, in pieces of up to `elementsPerPiece` array elements each: a large
 * fleet's file is hundreds of MB, which as one string (and its UTF-8 copy for the write) would double a scan's
 * peak memory.
 */
export function* findingsJsonChunks(run: RunRecord, perPiece = elementsPerPiece): Generator<string> {
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
  yield* prettyObjectChunks(ordered, perPiece);
  yield "\n";
}

/** `JSON.stringify(value, null, 2)` of a record, its top-level arrays `perPiece` elements a piece. */
function* prettyObjectChunks(record: object, perPiece: number): Generator<string> {
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
    const elements = value as readonly unknown[];
    let elementSeparator = "[";
    for (let start = 0; start < elements.length; start += perPiece) {
      yield elementSeparator + prettyElements(elements.slice(start, start + perPiece));
      elementSeparator = ",";
    }
    yield "\n  ]";
  }
  yield separator === "{" ? "{}" : "\n}";
}

/**
 * Elements as they stand inside a top-level array of the record: `\n    element,\n    element`. Wrapped in a
 * record, JSON.stringify indents them to that depth itself, so no text is re-indented or copied in JS.
 */
function prettyElements(elements: readonly unknown[]): string {
  const wrapped = JSON.stringify({ elements }, null, 2);
  return wrapped.slice(wrappedOpening.length, -wrappedClosing.length);
}

const wrappedOpening = '{\n  "elements": [';
const wrappedClosing = "\n  ]\n}";

/** Pretty JSON nested at `indent`: strings never hold a raw newline, so every newline starts a new line. */
function pretty(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text?.replaceAll("\n", `\n${indent}`);
}
