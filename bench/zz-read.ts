import { readSnapshotInventory } from "../src/inventory/collected.ts";
const t0 = performance.now(); const c0 = process.cpuUsage();
const read = await readSnapshotInventory([process.argv[2]!]);
const c = process.cpuUsage(c0);
console.error(JSON.stringify({ ms: Math.round(performance.now() - t0), cpuMs: Math.round((c.user + c.system) / 1000), rssMB: Math.round(process.resourceUsage().maxRSS / 1e3), clusters: read.inventory.clusters.size }));
