// Several stored runs (one per shard: tenant or subscription set) merged into one fleet view for `report`.
import type { Coverage } from "../collect/source.ts";
import { compareResults, type Result } from "../findings/result.ts";
import { countResults } from "../findings/count-results.ts";
import type { RunRecord, RunSummary } from "../findings/run.ts";

export function mergeRuns(runs: readonly RunRecord[]): RunRecord {
  const [first, ...rest] = runs;
  if (first === undefined) throw new Error("mergeRuns needs at least one run");
  if (rest.length === 0) return first;
  const results = dedupe(runs.flatMap((run) => run.results)).sort(compareResults);
  const resolved = dedupe(runs.flatMap((run) => run.resolved)).sort(compareResults);
  const clusters = [
    ...new Map(runs.flatMap((run) => run.clusters).map((c) => [c.id.toLowerCase(), c])).values(),
  ];
  const startedAt = runs.map((run) => run.run.startedAt).sort()[0] ?? first.run.startedAt;
  const finishedAt =
    runs
      .map((run) => run.run.finishedAt)
      .sort()
      .at(-1) ?? first.run.finishedAt;
  return {
    ...first,
    run: {
      id: `merged-${runs.map((run) => run.run.id).join("+")}`.slice(0, 200),
      startedAt,
      finishedAt,
      source: first.run.source,
      inputs: runs.flatMap((run) => run.run.inputs),
      scope: [...new Set(runs.flatMap((run) => run.run.scope))].sort(),
    },
    coverage: mergeCoverage(runs.map((run) => run.coverage)),
    summary: mergeSummary(
      runs,
      results,
      resolved,
      clusters.length,
      clusters.filter((c) => c.enableVnetIntegration).length,
    ),
    results,
    resolved,
    diagnostics: runs.flatMap((run) => run.diagnostics),
    clusters,
  };
}

/** Shards may overlap (a subscription in two sets): one result per fingerprint, the worst status kept. */
function dedupe(results: readonly Result[]): Result[] {
  const byFingerprint = new Map<string, Result>();
  for (const result of results) {
    const seen = byFingerprint.get(result.fingerprint);
    if (seen === undefined || compareResults(result, seen) < 0) byFingerprint.set(result.fingerprint, result);
  }
  return [...byFingerprint.values()];
}

function mergeCoverage(coverages: readonly Coverage[]): Coverage {
  return {
    complete: coverages.every((coverage) => coverage.complete),
    scopes: coverages.flatMap((coverage) => coverage.scopes),
    gaps: coverages.flatMap((coverage) => coverage.gaps),
    tables: [...new Set(coverages.flatMap((coverage) => coverage.tables))].sort(),
  };
}

function mergeSummary(
  runs: readonly RunRecord[],
  results: readonly Result[],
  resolved: readonly Result[],
  clusters: number,
  integratedClusters: number,
): RunSummary {
  const inventory: Record<string, number> = {};
  for (const run of runs) {
    for (const [key, count] of Object.entries(run.summary.inventory))
      inventory[key] = (inventory[key] ?? 0) + count;
  }
  return { clusters, integratedClusters, ...countResults(results), resolved: resolved.length, inventory };
}
