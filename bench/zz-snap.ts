import { writeHeapSnapshot } from "node:v8";
import { readSnapshotInventory } from "../src/inventory/collected.ts";
const read = await readSnapshotInventory([process.argv[2]!]);
(globalThis as { keep?: unknown }).keep = read;
(globalThis as { gc?: () => void }).gc!();
console.log(writeHeapSnapshot("/work/bd/S.heapsnapshot"));
