// `findings.json`: the run record as published (schemaVersion 1), every result including pass and not_applicable.
import type { RunRecord } from "../engine/run.ts";

/** Pretty JSON with the contract's top-level fields in a fixed order, so two runs diff cleanly. */
export function renderFindingsJson(run: RunRecord): string {
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
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
