// Finding fingerprints: stable across runs and sources because they hash only rule, lower-cased id and detail.
import { hash } from "node:crypto";

/** `hash` is the one-shot form of `createHash(…).update(…).digest(…)`: the same digest without a Hash object per result. */
export function fingerprint(ruleId: string, resourceId: string, detail: string): string {
  return hash("sha256", `${ruleId}\n${resourceId.toLowerCase()}\n${detail.toLowerCase()}`, "hex").slice(
    0,
    20,
  );
}
