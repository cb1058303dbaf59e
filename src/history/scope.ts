// Scope keys: runs are diffed only against earlier runs over the same inputs, whatever their order or case.
import { createHash } from "node:crypto";

export function scopeKey(inputs: readonly string[]): string {
  const normalized = [...new Set(inputs.map((input) => input.trim().toLowerCase()))].sort();
  return createHash("sha256").update(normalized.join("\n")).digest("hex").slice(0, 16);
}
