// The bundled demo fleet as a source: its current state, its earlier states and its config.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CollectedRows } from "./source.ts";
import { readSnapshot } from "./snapshot.ts";

export const demoFleetFolder = fileURLToPath(new URL("../../examples/demo-fleet/", import.meta.url));
export const demoConfigPath = join(demoFleetFolder, "config.json");
export const demoInputs = ["demo-fleet"] as const;

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
