// The trend of one scope: the figures of its stored runs, oldest first, read from each run's meta file.
import type { TrendPoint } from "../engine/run.ts";
import { listRuns } from "./store.ts";

/** The last `limit` runs of the scope that carry trend figures (runs stored by earlier versions do not). */
export async function readTrend(stateDir: string, scopeKey: string, limit: number): Promise<TrendPoint[]> {
  const runs = await listRuns(stateDir);
  return runs
    .filter((run) => run.scopeKey === scopeKey)
    .flatMap((run) => (run.trend ? [run.trend] : []))
    .slice(-limit);
}
