// One run reduced to the point the trend charts plot.
import type { RunRecord, TrendPoint } from "./run.ts";

/** The figures of a run the trend charts plot. */
export function trendPoint(run: RunRecord): TrendPoint {
  const { summary } = run;
  return {
    runId: run.run.id,
    startedAt: run.run.startedAt,
    clusters: summary.clusters,
    integratedClusters: summary.integratedClusters,
    bySeverity: summary.bySeverity,
    new: summary.new,
    resolved: summary.resolved,
    hasPrevious: run.run.previousRunId !== undefined,
    complete: run.coverage.complete,
  };
}
