// The diff of two runs' results by fingerprint: what is new, what persists, what stopped failing (DESIGN §6).
import type { Result, ResultStatus } from "./result.ts";

/** Statuses that count as "still failing" when diffing runs; a suppressed finding has not gone away. */
const failingStatuses: readonly ResultStatus[] = ["fail", "unverified", "error", "suppressed"];

export function isFailing(result: Result): boolean {
  return failingStatuses.includes(result.status);
}

/** Marks failing `results` `new` or `persisting` against `previous`, and lists what stopped failing. */
export function diffResults(
  results: readonly Result[],
  previous: readonly Result[],
): { results: Result[]; resolved: Result[] } {
  const wasFailing = new Set(previous.filter(isFailing).map((result) => result.fingerprint));
  const isFailingNow = new Set(results.filter(isFailing).map((result) => result.fingerprint));
  return {
    results: results.map((result) =>
      isFailing(result)
        ? { ...result, diff: wasFailing.has(result.fingerprint) ? "persisting" : "new" }
        : withoutDiff(result),
    ),
    resolved: previous
      .filter((result) => isFailing(result) && !isFailingNow.has(result.fingerprint))
      .map((result) => ({ ...result, diff: "resolved" })),
  };
}

/**
 * A result that carries no `diff` is returned as it is: a run's tens of thousands of passing results are not
 * copied, and a copy that had `diff` deleted would turn V8's object into a slower, larger dictionary.
 */
export function withoutDiff(result: Result): Result {
  if (!("diff" in result)) return result;
  const copy: { -readonly [K in keyof Result]: Result[K] } = { ...result };
  delete copy.diff;
  return copy;
}
