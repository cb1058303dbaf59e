// Writes the bundled demo fleet (`scan --demo`): two tenants whose clusters make every rule both fail and pass.
// Run: ./node_modules/.bin/node examples/demo-fleet/generate.ts
//
// The fleet is a snapshot taken on 2025-11-20; change records cover the 14 days before. contoso.ts and fabrikam.ts
// note next to each cluster and subnet the outcome DESIGN §4's formulas give, worked by hand:
//   API server subnet: capacity = Σ(2^(32−len) − 5), used = max(9 × clusters, ipConfigurations), free = capacity − used.
//   Node subnet: ipsPerNode = maxPods + 1 for flat Azure CNI, else 1; nodesMax = maxCount or count;
//   surge "33%" → ceil(0.33 × nodesMax), "5" → 5, missing → 1.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { assembleTenant } from "./assemble.ts";
import { contoso } from "./contoso.ts";
import { fabrikam } from "./fabrikam.ts";

/** File name → file content, exactly as written to disk. */
export function buildDemoFleet(): ReadonlyMap<string, string> {
  return new Map(
    [contoso, fabrikam].map((tenant) => [
      `${tenant.file}.json`,
      `${JSON.stringify(assembleTenant(tenant), null, 2)}\n`,
    ]),
  );
}

if (import.meta.main) {
  for (const [file, content] of buildDemoFleet()) writeFileSync(join(import.meta.dirname, file), content);
}
