// `diff RUN_A RUN_B`: what started failing, what stopped and what stayed, between two stored runs.
import { diffResults, isFailing } from "../findings/diff.ts";
import { compareResults, type Result } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";
import { scopeKey } from "./scope.ts";

export interface RunDiff {
  readonly fromRunId: string;
  readonly toRunId: string;
  /** False when the runs looked at different inputs, so "resolved" may only mean "not scanned". */
  readonly sameScope: boolean;
  readonly new: readonly Result[];
  readonly resolved: readonly Result[];
  readonly persisting: readonly Result[];
}

/** `a` is the earlier run, `b` the later; the diff is recomputed from both, whatever each stored. */
export function diffRuns(a: RunRecord, b: RunRecord): RunDiff {
  const { results, resolved } = diffResults(b.results, a.results);
  const failing = results.filter(isFailing);
  return {
    fromRunId: a.run.id,
    toRunId: b.run.id,
    sameScope: scopeKey(a.run.scope) === scopeKey(b.run.scope),
    new: sortForReading(failing.filter((result) => result.diff === "new")),
    resolved: sortForReading(resolved),
    persisting: sortForReading(failing.filter((result) => result.diff === "persisting")),
  };
}

export function renderRunDiff(diff: RunDiff): string {
  const lines = [
    `Changes from run ${diff.fromRunId} to run ${diff.toRunId}`,
    `new: ${diff.new.length}  resolved: ${diff.resolved.length}  persisting: ${diff.persisting.length}`,
  ];
  if (!diff.sameScope) {
    lines.push(
      "note: the runs scanned different inputs; a resolved finding may simply not have been scanned.",
    );
  }
  if (diff.new.length + diff.resolved.length > 0) lines.push("");
  lines.push(
    ...diff.new.map((result) => diffLine("+", result)),
    ...diff.resolved.map((result) => diffLine("-", result)),
  );
  return `${lines.join("\n")}\n`;
}

function diffLine(sign: "+" | "-", result: Result): string {
  return [`${sign} [${result.severity}] ${result.ruleId}`, result.resourceId, result.detail]
    .filter(Boolean)
    .join("  ");
}

function sortForReading(results: readonly Result[]): Result[] {
  return [...results].sort(compareResults);
}
