// A full garbage collection between scan stages, so a large fleet's inventory is freed before the reports are built.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = (options?: { readonly type: "major"; readonly flavor: "last-resort" }) => void;

let collect: Collect | undefined;

/**
 * V8 collects the old generation only when it reaches a limit it raised while the inventory was live, so the
 * report stage would otherwise grow the heap on top of about 1 GB of garbage at 10,000 clusters. Node offers a
 * full collection only through `--expose-gc`; the flag is turned on just long enough to fetch `gc` in a fresh
 * context, so the program's own global object never gets one.
 */
export function releaseMemory(): void {
  if (collect === undefined) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as Collect;
    setFlagsFromString("--no-expose-gc");
  }
  // A plain major collection frees the objects but keeps their pages committed (RSS stays); "last-resort" is
  // V8's memory-reducing collection, which also hands the emptied pages back to the system.
  collect({ type: "major", flavor: "last-resort" });
}
