// The demo fleet's earlier states, replayed at their own times so a first `--demo` scan has history to show.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { demoFleetFolder, readDemoFleet } from "../collect/demo-fleet.ts";
import { latestRun, listRuns, saveRun, type StateLocation } from "../history/store.ts";
import type { CollectedRows } from "../collect/source.ts";
import type { Observations } from "../history/observations.ts";
import type { StoredRun } from "../history/run-files.ts";
import type { RunRecord } from "../findings/run.ts";
import { runId } from "./run-record.ts";

/** The pipeline's analysis of one earlier state, as if scanned at `startedAt` after `previous`. */
export type ReplayRun = (
  collected: CollectedRows,
  startedAt: Date,
  previous: StoredRun | undefined,
) => { readonly run: RunRecord; readonly observations: Observations };

interface DemoHistory {
  readonly runs: readonly { readonly folder: string; readonly at: string }[];
}

/**
 * A first `--demo` scan into an empty state directory replays the fleet's earlier states at their own times,
 * so history-based rules and diffs have something to show. Later scans find those runs and skip this.
 */
export async function seedDemoHistory(
  stateDir: StateLocation,
  scopeKey: string,
  inputs: readonly string[],
  keepRuns: number,
  replay: ReplayRun,
): Promise<void> {
  if ((await latestRun(stateDir, scopeKey)) !== undefined) return;
  const history = JSON.parse(
    await readFile(join(demoFleetFolder, "history", "runs.json"), "utf8"),
  ) as DemoHistory;
  const stored = new Set((await listRuns(stateDir)).map((run) => run.id));
  for (const earlier of history.runs) {
    const collected = await readDemoFleet(join("history", earlier.folder));
    const startedAt = new Date(earlier.at);
    // A state directory from an older version may hold these runs under another scope: never store twice.
    if (stored.has(runId(startedAt, inputs))) continue;
    const previous = await latestRun(stateDir, scopeKey);
    const { run, observations } = replay(collected, startedAt, previous);
    await saveRun(stateDir, run, observations, { keepRuns });
  }
}
