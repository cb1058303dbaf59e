// The bundled demo fleet: its current state, its config, and earlier states replayed to seed history.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CollectedRows } from "../collect/source.ts";
import { readSnapshot } from "../collect/snapshot.ts";
import { runId, runPipeline, type PipelineOptions } from "../engine/pipeline.ts";
import { latestRun, listRuns, saveRun } from "../history/store.ts";

export const demoFleetFolder = fileURLToPath(new URL("../../examples/demo-fleet/", import.meta.url));
export const demoConfigPath = join(demoFleetFolder, "config.json");
export const demoInputs = ["demo-fleet"] as const;

interface DemoHistory {
  readonly runs: readonly { readonly folder: string; readonly at: string }[];
}

/** Reads one state of the demo fleet; file names are shown relative to the fleet folder (no machine paths). */
export async function readDemoFleet(folder = "fleet"): Promise<CollectedRows> {
  const collected = await readSnapshot([join(demoFleetFolder, folder)]);
  const relative = (origin: string): string =>
    origin.startsWith(demoFleetFolder) ? `demo-fleet/${origin.slice(demoFleetFolder.length)}` : origin;
  return {
    ...collected,
    kind: "demo",
    rows: collected.rows.map((row) => ({
      ...row,
      source: { ...row.source, origin: relative(row.source.origin) },
    })),
    diagnostics: collected.diagnostics.map((d) => (d.origin ? { ...d, origin: relative(d.origin) } : d)),
    coverage: {
      ...collected.coverage,
      scopes: collected.coverage.scopes.map((scope) =>
        scope.file ? { ...scope, file: relative(scope.file) } : scope,
      ),
    },
  };
}

/**
 * A first `--demo` scan into an empty state directory replays the fleet's earlier states at their own times,
 * so history-based rules and diffs have something to show. Later scans find those runs and skip this.
 */
export async function seedDemoHistory(
  stateDir: string,
  scopeKey: string,
  base: Omit<PipelineOptions, "collected" | "startedAt" | "previous">,
  keepRuns: number,
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
    if (stored.has(runId(startedAt, base.inputs))) continue;
    const previous = await latestRun(stateDir, scopeKey);
    const { run, observations } = runPipeline({
      ...base,
      collected,
      startedAt,
      previous,
      now: () => startedAt,
    });
    await saveRun(stateDir, run, observations, { keepRuns });
  }
}
