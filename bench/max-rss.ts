// Preloaded with --import into a process the bench spawns: writes its peak RSS (KiB) to BENCH_RSS_FILE on exit.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_RSS_FILE;
if (file !== undefined && file !== "") {
  process.on("exit", () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
