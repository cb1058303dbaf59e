// Preloaded with --import into a process the bench spawns: writes its peak RSS (KiB) and CPU time (µs) to BENCH_RSS_FILE on exit.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_RSS_FILE;
if (file !== undefined && file !== "") {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    // CPU time beside wall time: on a loaded machine the wall clock also counts other processes' turns.
    writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
