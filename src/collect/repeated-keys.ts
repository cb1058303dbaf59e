// Finds keys an object of a JSON text repeats at any depth: JSON.parse keeps the last one without a word.
import type { CoverageGap } from "./source.ts";
import type { Diagnostic } from "../inventory/model.ts";

/** A key some object of the text holds twice; `path` leads to that object from the root. */
export interface RepeatedJsonKey {
  readonly path: readonly (string | number)[];
  readonly key: string;
  /** Both values are the same text, so nothing was lost by keeping one. */
  readonly sameValue: boolean;
}

interface ObjectFrame {
  readonly kind: "object";
  /** Each key seen so far → the text of its first value. */
  readonly values: Map<string, string>;
  key: string;
  valueStart: number;
}

interface ArrayFrame {
  readonly kind: "array";
  index: number;
}

const quote = 0x22;
const backslash = 0x5c;

/** Index just past the string that starts at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  for (let position = start + 1; ; position++) {
    const code = text.charCodeAt(position);
    if (code === backslash) position++;
    else if (code === quote || Number.isNaN(code)) return position + 1;
  }
}

/**
 * Every repeated key of `text`, which must be valid JSON (the caller parsed it already). One pass, no values
 * built; `limit` stops the search once that many were found, so a hostile file costs no more than a clean one.
 */
export function findRepeatedKeys(text: string, limit = 1_000): RepeatedJsonKey[] {
  const found: RepeatedJsonKey[] = [];
  const stack: (ObjectFrame | ArrayFrame)[] = [];
  let expectKey = false;
  const path = (): (string | number)[] =>
    stack.slice(0, -1).map((frame) => (frame.kind === "object" ? frame.key : frame.index));
  const endValue = (end: number): void => {
    const frame = stack.at(-1);
    if (frame?.kind !== "object") return;
    const value = text.slice(frame.valueStart, end).trim();
    const first = frame.values.get(frame.key);
    if (first === undefined) frame.values.set(frame.key, value);
    else if (found.length < limit) found.push({ path: path(), key: frame.key, sameValue: first === value });
  };
  for (let position = 0; position < text.length && found.length < limit; position++) {
    const code = text.charCodeAt(position);
    if (code === quote) {
      const end = stringEnd(text, position);
      const frame = stack.at(-1);
      if (expectKey && frame?.kind === "object") {
        const raw = text.slice(position, end);
        frame.key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        expectKey = false;
      }
      position = end - 1;
    } else if (code === 0x3a) {
      const frame = stack.at(-1);
      if (frame?.kind === "object") frame.valueStart = position + 1;
    } else if (code === 0x7b) {
      stack.push({ kind: "object", values: new Map(), key: "", valueStart: 0 });
      expectKey = true;
    } else if (code === 0x5b) {
      stack.push({ kind: "array", index: 0 });
    } else if (code === 0x2c) {
      const frame = stack.at(-1);
      if (frame?.kind === "array") frame.index++;
      else if (frame?.kind === "object") {
        endValue(position);
        expectKey = true;
      }
    } else if (code === 0x7d || code === 0x5d) {
      const frame = stack.at(-1);
      if (frame?.kind === "object" && frame.valueStart > 0) endValue(position);
      stack.pop();
      expectKey = false;
    }
  }
  return found;
}

/** `resources[3].properties.subnets`, the way diagnostics name a field. */
function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((step, index) => (typeof step === "number" ? `[${step}]` : index === 0 ? step : `.${step}`))
    .join("");
}

/** The id of the nearest object on `path` that has one: the resource the repeated key sits in. */
function enclosingId(value: unknown, path: readonly (string | number)[]): string | undefined {
  let id: string | undefined;
  let current = value;
  for (const step of [undefined, ...path]) {
    if (step !== undefined) current = (current as Record<string | number, unknown> | null)?.[step];
    const own = (current as { id?: unknown } | null)?.id;
    if (typeof own === "string") id = own;
  }
  return id;
}

/**
 * A repeated key inside a row (deeper than the objects json-stream.ts walks and merges): an error and a gap when
 * the two values differ, since the first was lost (issue 11, "every key counts"); a warning when they are equal.
 */
export function repeatedKeyDiagnostics(
  file: string,
  text: string,
  value: unknown,
  walked: (path: readonly (string | number)[]) => boolean,
): { readonly diagnostics: Diagnostic[]; readonly gaps: CoverageGap[] } {
  const diagnostics: Diagnostic[] = [];
  const gaps: CoverageGap[] = [];
  for (const { path, key, sameValue } of findRepeatedKeys(text)) {
    if (walked(path)) continue;
    const field = formatPath([...path, key]);
    const resourceId = enclosingId(value, path);
    const where = `${file}: \`${field}\`${resourceId === undefined ? "" : ` of ${resourceId}`}`;
    if (sameValue) {
      const message = `${where} appears twice with the same value; one was read`;
      diagnostics.push({
        level: "warning",
        code: "duplicate-key",
        message,
        origin: file,
        field,
        ...(resourceId ? { resourceId } : {}),
      });
      continue;
    }
    const message = `${where} appears more than once and only its last value was read; remove the duplicate or export again`;
    diagnostics.push({
      level: "error",
      code: "duplicate-key",
      message,
      origin: file,
      field,
      ...(resourceId ? { resourceId } : {}),
    });
    gaps.push({ code: "duplicate-key", message });
  }
  return { diagnostics, gaps };
}
