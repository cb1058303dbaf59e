// Scans rows in-process through the library (no CLI spawn), so hundreds of inputs a second can be checked.
import { scanExitCode } from "../../src/cli/scan.ts";
import type { CollectedRows } from "../../src/collect/source.ts";
import { defaultConfig } from "../../src/config/config.ts";
import { runPipeline } from "../../src/engine/scan.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import { readSnapshotInventory } from "../../src/inventory/collected.ts";
import type { Inventory, RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";
import { runScope } from "../../src/engine/run-record.ts";
import { rules } from "../../src/rules/index.ts";

export interface InProcessScan {
  readonly run: RunRecord;
  readonly exitCode: number;
}

export type Normalize = (rows: readonly RawRow[]) => Inventory;

const startedAt = new Date("2026-12-01T00:00:00Z");

/** What `scan --input` does with these rows, `--fail-on none`; `normalizeRows` lets a test plant a bug. */
export function scanRows(
  rows: readonly RawRow[],
  normalizeRows: Normalize = (input) => normalize(input, { tables: ["resources"] }),
): InProcessScan {
  const collected: CollectedRows = {
    kind: "snapshot",
    rows,
    coverage: { complete: true, scopes: [{ file: "input" }], gaps: [], tables: ["resources"] },
    diagnostics: [],
  };
  const { run } = runPipeline({
    collected,
    config: defaultConfig,
    rules,
    tool: { name: "aks-vnet-audit", version: "test" },
    inputs: ["input"],
    scope: ["input"],
    startedAt,
    now: () => startedAt,
    inventory: normalizeRows(rows),
  });
  return { run, exitCode: scanExitCode(run, "none") };
}

/** `scan --input` with nothing read at all: the CLI's one-line error and exit 2 (`NoScopeError`). */
export interface NothingRead {
  readonly exitCode: 2;
  readonly run?: undefined;
}

/**
 * What `scan --input FILES --no-history --fail-on none` decides, without rendering: the same reader
 * (`readSnapshotInventory`), pipeline and exit code. `plant` rewrites the inventory before analysis, so a test
 * can plant a bug and prove a property notices it.
 */
export async function scanFiles(
  paths: readonly string[],
  plant: (inventory: Inventory) => Inventory = (inventory) => inventory,
): Promise<InProcessScan | NothingRead> {
  const snapshot = await readSnapshotInventory(paths);
  const { collected, rowCount, tenants } = snapshot;
  if (rowCount === 0 && !collected.coverage.complete) return { exitCode: 2 };
  const { run } = runPipeline({
    collected,
    config: defaultConfig,
    rules,
    tool: { name: "aks-vnet-audit", version: "test" },
    inputs: paths,
    scope: runScope(collected, paths, tenants),
    startedAt,
    now: () => startedAt,
    inventory: plant(snapshot.inventory),
  });
  return { run, exitCode: scanExitCode(run, "none") };
}

export function asRows(values: readonly unknown[], origin = "input.json"): RawRow[] {
  return values.map((value, row) => ({ table: "resources", value, source: { origin, row } }));
}

/** `ruleId resourceId detail` → status, ids lower-cased. */
export function verdicts(run: RunRecord): Map<string, string> {
  return new Map(
    run.results.map((result) => [
      `${result.ruleId} ${result.resourceId.toLowerCase()} ${result.detail}`,
      result.status,
    ]),
  );
}
