// A stored run keeps its results' evidence apart from the rest of the record, so loading the previous run need
// not decode it: a scan diffs by status and fingerprint, and reads the evidence of resolved results only.
import type { RunRecord } from "../findings/run.ts";
import type { Result } from "../findings/result.ts";

/** When the evidence of a loaded run is decoded: at once, or the first time any result's evidence is read. */
export type EvidenceDecoding = "now" | "on first read";

/**
 * The record with each result's evidence object replaced by its index in `evidence` (results first, then
 * resolved). The index stays where the evidence was, so joining gives every result back with its keys in order.
 * Evidence that is no plain object (the type allows none) stays in the record, wrapped in a one-item list so that
 * it never reads as an index.
 */
export function splitEvidence(record: RunRecord): { readonly record: unknown; readonly evidence: unknown[] } {
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
  return {
    record: { ...record, results: apart(record.results), resolved: apart(record.resolved) },
    evidence,
  };
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
 * Puts each result's evidence back in place of its index. `decode` gives the evidence list (it throws for a file
 * that cannot be read); `invalid` makes the error for a list that does not match the record.
 */
export function joinEvidence(
  record: RunRecord,
  decode: () => readonly unknown[],
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
  const checked = (): readonly object[] => checkedList(decode(), placeholders.length, invalid);
  const evidenceAt = when === "now" ? eagerly(checked()) : lazily(checked);
  placeholders.forEach((result, index) => {
    result.evidence = evidenceAt(index);
  });
}

function eagerly(evidence: readonly object[]): (index: number) => object {
  return (index) => evidence[index]!;
}

/**
 * A proxy for each result's evidence that decodes the whole list the first time any of them is read, then reads
 * through to it: spreading, `JSON.stringify`, `Object.entries`, `in` and deep equality see what "now" gives. A
 * proxy rather than an accessor on each result: 100,000 results keep one plain shape, and it costs 20 ms, where
 * redefining `evidence` as an accessor cost 300 ms and turned every result into a dictionary.
 */
function lazily(decode: () => readonly object[]): (index: number) => object {
  let evidence: readonly object[] | undefined;
  const of = (slot: EvidenceSlot): object => (evidence ??= decode())[slot.index]!;
  const handler: ProxyHandler<EvidenceSlot> = {
    get: (slot, key): unknown => Reflect.get(of(slot), key),
    has: (slot, key) => Reflect.has(of(slot), key),
    ownKeys: (slot) => Reflect.ownKeys(of(slot)),
    getOwnPropertyDescriptor: (slot, key) => Reflect.getOwnPropertyDescriptor(of(slot), key),
    getPrototypeOf: (slot) => Reflect.getPrototypeOf(of(slot)),
    set: (slot, key, value) => Reflect.set(of(slot), key, value),
    defineProperty: (slot, key, descriptor) => Reflect.defineProperty(of(slot), key, descriptor),
    deleteProperty: (slot, key) => Reflect.deleteProperty(of(slot), key),
  };
  return (index) => new Proxy({ index }, handler);
}

/** What a proxy stands for until the evidence is decoded: its place in the list. */
interface EvidenceSlot {
  readonly index: number;
}

function checkedList(
  evidence: readonly unknown[],
  expected: number,
  invalid: (message: string) => Error,
): readonly object[] {
  if (evidence.length !== expected)
    throw invalid(`holds ${evidence.length} results' evidence where the record names ${expected}`);
  if (!evidence.every(isPlainObject)) throw invalid("holds evidence that is no object");
  return evidence;
}
