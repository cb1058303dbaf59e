// The result counts of a run summary, shared by the engine's summary and a merged fleet view of several runs.
import { isActionable, severities, type Result, type Severity } from "./result.ts";
import type { RunSummary } from "./run.ts";

/** The result counts of a summary: per status, failing ones per severity, suppressed and new apart. */
export function countResults(
  results: readonly Result[],
): Pick<RunSummary, "results" | "byStatus" | "bySeverity" | "suppressed" | "new"> {
  const byStatus: Record<string, number> = {};
  const bySeverity = Object.fromEntries(severities.map((severity) => [severity, 0])) as Record<
    Severity,
    number
  >;
  let suppressed = 0;
  let added = 0;
  for (const result of results) {
    byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
    if (result.status === "suppressed") suppressed += 1;
    if (isActionable(result.status)) {
      bySeverity[result.severity] += 1;
      if (result.diff === "new") added += 1;
    }
  }
  return { results: results.length, byStatus, bySeverity, suppressed, new: added };
}
