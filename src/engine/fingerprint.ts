// Finding fingerprints: stable across runs and sources because they hash only rule, lower-cased id and detail.
import { createHash } from "node:crypto";

export function fingerprint(ruleId: string, resourceId: string, detail: string): string {
  return createHash("sha256")
    .update(`${ruleId}\n${resourceId.toLowerCase()}\n${detail.toLowerCase()}`)
    .digest("hex")
    .slice(0, 20);
}
