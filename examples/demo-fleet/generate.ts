// Writes the bundled demo fleet (`scan --demo`): two tenants whose clusters make every rule both fail and pass.
// Run: ./node_modules/.bin/node examples/demo-fleet/generate.ts
//
// fleet/ is the current snapshot, taken at `fleetTime` (history.ts); history/run-1 and history/run-2 are the same
// fleet 14 and 7 days earlier, listed with their times in history/runs.json, for replay before fleet/ is scanned.
// Change records cover the 14 days before each snapshot. contoso.ts and fabrikam.ts note next to each cluster and
// subnet the outcome DESIGN §4's formulas give, worked by hand:
//   API server subnet: capacity = Σ(2^(32−len) − 5), used = max(9 × clusters, ipConfigurations), free = capacity − used.
//   Node subnet: ipsPerNode = maxPods + 1 for flat Azure CNI, else 1; nodesMax = maxCount or count;
//   surge "33%" → ceil(0.33 × nodesMax), "5" → 5, missing → 1.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { assembleTenant } from "./assemble.ts";
import { contoso } from "./contoso.ts";
import { fabrikam } from "./fabrikam.ts";
import { fleetTime, runNames, runTimes, tenantAt } from "./history.ts";
import type { RunName } from "./history.ts";

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function snapshotFiles(folder: string, run: RunName | undefined): [string, string][] {
  return [contoso, fabrikam].map((tenant) => [
    `${folder}/${tenant.file}.json`,
    json(assembleTenant(tenantAt(tenant, run))),
  ]);
}

/** Path below examples/demo-fleet/ → file content, exactly as written to disk. */
export function buildDemoFleet(): ReadonlyMap<string, string> {
  const runs = runNames.map((run) => ({ folder: run, at: runTimes[run] }));
  return new Map([
    ...snapshotFiles("fleet", undefined),
    ...runNames.flatMap((run) => snapshotFiles(`history/${run}`, run)),
    ["history/runs.json", json({ current: fleetTime, runs })],
  ]);
}

if (import.meta.main) {
  for (const [file, content] of buildDemoFleet()) {
    const path = join(import.meta.dirname, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
