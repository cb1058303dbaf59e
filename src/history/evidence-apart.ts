// A stored run keeps its results' evidence apart from the rest of the record, so loading the previous run need
// not decode it: a scan diffs by status and fingerprint, and reads the evidence of resolved results only.
import type { RunRecord } from "../findings/run.ts";
import type { Result } from "../findings/result.ts";

/** When the evidence of a loaded run is decoded: at once, or the first time any result's evidence is read. */
export type EvidenceDecoding = "now" | "on first read";

/**
 * Evidence objects in a chunk: each chunk is decoded on its own, so reading the evidence of a few resolved
 * results decodes a few chunks of a thousand, not 100,000 objects.
 */
const chunkSize = 1000;

/** The stored evidence: how many chunks it holds, and each chunk's list of evidence objects, decoded on call. */
export interface EvidenceChunks {
  readonly count: number;
  chunk(index: number): readonly unknown[];
}

/**
 * The record with each result's evidence object replaced by its index (results first, then resolved), and those
 * objects in chunks of `chunkSize` (one chunk, empty, when there are none). The index stays where the evidence
 * was, so joining gives every result back with its keys in order. Evidence that is no plain object (the type
 * allows none) stays in the record, wrapped in a one-item list so that it never reads as an index.
 */
export function splitEvidence(record: RunRecord): {
  readonly record: unknown;
  readonly chunks: readonly (readonly object[])[];
} {
  const evidence: object[] = [];
  const apart = (results: readonly Result[]): readonly unknown[] =>
    results.map((result) => {
      const value: unknown = result.evidence;
      // JSON leaves an undefined member out, and so does the stored record.
      if (value === undefined) return result;
      if (!isPlainObject(value)) return { ...result, evidence: [value] };
      evidence.push(value);
      return { ...result, evidence: evidence.length - 1 };
    });
  const lean = { ...record, results: apart(record.results), resolved: apart(record.resolved) };
  const chunks: object[][] = [];
  for (let start = 0; start < evidence.length || chunks.length === 0; start += chunkSize)
    chunks.push(evidence.slice(start, start + chunkSize));
  return { record: lean, chunks };
}

function isPlainObject(value: unknown): value is object {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function"
  );
}

/**
 * Puts each result's evidence back in place of its index. `stored` opens the evidence (it throws for a file that
 * cannot be read); `invalid` makes the error for evidence that does not match the record. The chunk size is the
 * first chunk's length, so a run stored in one chunk reads as well as one stored in many.
 */
export function joinEvidence(
  record: RunRecord,
  stored: () => EvidenceChunks,
  when: EvidenceDecoding,
  invalid: (message: string) => Error,
): void {
  const placeholders: { evidence: unknown }[] = [];
  for (const result of [...record.results, ...record.resolved] as unknown as { evidence?: unknown }[]) {
    if (!("evidence" in result)) continue;
    if (Array.isArray(result.evidence) && result.evidence.length === 1) result.evidence = result.evidence[0];
    else if (result.evidence === placeholders.length) placeholders.push(result as { evidence: unknown });
    else throw invalid(`does not hold the evidence ${JSON.stringify(result.evidence)} names`);
  }
  const evidence = checkedChunks(stored, placeholders.length, invalid);
  if (when === "now") evidence.all();
  const evidenceAt = when === "now" ? evidence.at : lazily(evidence.at);
  placeholders.forEach((result, index) => {
    result.evidence = evidenceAt(index);
  });
}

/**
 * The evidence objects by index, each chunk decoded and checked on first use, the file opened on the first call.
 * A run stored in one chunk (every run of the version before chunks) is one chunk of all its evidence.
 */
function checkedChunks(
  stored: () => EvidenceChunks,
  expected: number,
  invalid: (message: string) => Error,
): { readonly all: () => void; readonly at: (index: number) => object } {
  let opened: { chunks: EvidenceChunks; size: number; first: readonly unknown[] } | undefined;
  const open = () => {
    const chunks = stored();
    const first = chunks.chunk(0);
    const size = chunks.count === 1 ? Math.max(expected, 1) : first.length;
    if (size === 0 || chunks.count !== Math.max(1, Math.ceil(expected / size)))
      throw invalid(
        `holds ${chunks.count} chunks of evidence where the record names ${expected} results' evidence`,
      );
    return { chunks, size, first };
  };
  const decoded = new Map<number, readonly object[]>();
  const chunkAt = (at: number): readonly object[] => {
    const { chunks, size, first } = (opened ??= open());
    let chunk = decoded.get(at);
    if (chunk === undefined) {
      const values = at === 0 ? first : chunks.chunk(at);
      const length = Math.min(size, expected - at * size);
      if (values.length !== length)
        throw invalid(
          `holds ${values.length} results' evidence in chunk ${at} where the record names ${length}`,
        );
      if (!values.every(isPlainObject)) throw invalid("holds evidence that is no object");
      decoded.set(at, (chunk = values));
    }
    return chunk;
  };
  return {
    all: () => {
      for (let at = 0; at < (opened ??= open()).chunks.count; at++) chunkAt(at);
    },
    at: (index) => {
      const at = Math.floor(index / (opened ??= open()).size);
      return chunkAt(at)[index - at * opened.size]!;
    },
  };
}

/**
 * A proxy for each result's evidence that decodes its chunk the first time it is read, then reads through to it:
 * spreading, `JSON.stringify`, `Object.entries`, `in` and deep equality see what "now" gives. A proxy rather than
 * an accessor on each result: 100,000 results keep one plain shape, and it costs 20 ms, where redefining
 * `evidence` as an accessor cost 300 ms and turned every result into a dictionary.
 */
function lazily(evidenceAt: (index: number) => object): (index: number) => object {
  const handler: ProxyHandler<EvidenceSlot> = {
    get: (slot, key): unknown => Reflect.get(evidenceAt(slot.index), key),
    has: (slot, key) => Reflect.has(evidenceAt(slot.index), key),
    ownKeys: (slot) => Reflect.ownKeys(evidenceAt(slot.index)),
    getOwnPropertyDescriptor: (slot, key) => Reflect.getOwnPropertyDescriptor(evidenceAt(slot.index), key),
    getPrototypeOf: (slot) => Reflect.getPrototypeOf(evidenceAt(slot.index)),
    set: (slot, key, value) => Reflect.set(evidenceAt(slot.index), key, value),
    defineProperty: (slot, key, descriptor) =>
      Reflect.defineProperty(evidenceAt(slot.index), key, descriptor),
    deleteProperty: (slot, key) => Reflect.deleteProperty(evidenceAt(slot.index), key),
  };
  return (index) => new Proxy({ index }, handler);
}

/** What a proxy stands for until its evidence is decoded: its place in the list. */
interface EvidenceSlot {
  readonly index: number;
}
