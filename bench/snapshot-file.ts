// Writes a generated fleet as one table-keyed snapshot file, row by row, since a large fleet's JSON exceeds V8's string limit.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { tableNames } from "../examples/demo-fleet/assemble.ts";
import type { Fleet } from "./fleet.ts";
import { generateFleet } from "./fleet.ts";

/** `{ "resources": [...], "networkresources": [...], … }`, the shape `scan --input` reads; returns its size in bytes. */
export async function writeSnapshotFile(fleet: Fleet, path: string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  await write("{");
  for (const [position, table] of tableNames.entries()) {
    await write(`${position === 0 ? "" : ","}\n"${table}": [`);
    let first = true;
    for (const tenant of fleet.tenants) {
      for (const row of tenant.tables[table]) {
        await write(`${first ? "\n" : ",\n"}${JSON.stringify(row)}`);
        first = false;
      }
    }
    await write("\n]");
  }
  await write("\n}\n");
  out.end();
  await once(out, "finish");
  return bytes;
}

if (import.meta.main) {
  const [path = "", seed = "1", clusters = "1000"] = process.argv.slice(2);
  const fleet = generateFleet({ seed: Number(seed), clusters: Number(clusters) });
  const bytes = await writeSnapshotFile(fleet, path);
  process.stdout.write(`${JSON.stringify({ bytes })}\n`);
}
