import { readSnapshotInventory } from "../src/inventory/collected.ts";
const gc = (globalThis as { gc?: () => void }).gc!;
const used = () => { gc(); gc(); return process.memoryUsage().heapUsed / 1e6; };
const base = used();
const t0 = performance.now();
const read = await readSnapshotInventory([process.argv[2]!]);
console.log("read ms", (performance.now() - t0).toFixed(0), "rss", (process.resourceUsage().maxRSS / 1e3).toFixed(0));
let last = used();
console.log("heap after read", (last - base).toFixed(0), "MB");
const inv = read.inventory as unknown as Record<string, unknown>;
for (const [k, v] of Object.entries(inv)) {
  const n = v instanceof Map ? v.size : Array.isArray(v) ? v.length : "";
  if (v instanceof Map) v.clear(); else if (Array.isArray(v)) v.length = 0; else continue;
  const now = used(); console.log(k.padEnd(40), String(n).padStart(9), (last - now).toFixed(1), "MB"); last = now;
}
console.log("collected etc", (last - base).toFixed(0));
