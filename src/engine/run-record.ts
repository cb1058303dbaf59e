// The parts of a RunRecord that are not verdicts: its id, its scope for history, and what dropped rows do to coverage.
import { createHash } from "node:crypto";
import type { CollectedRows, Coverage, CoverageGap } from "../collect/source.ts";
import { rowTenantId } from "../inventory/collected.ts";
import type { Diagnostic } from "../inventory/model.ts";

/**
 * The tenants a run covers: those asked for in a live scan, else those found in the rows. Snapshot file names
 * change from night to night; the estate they describe does not. `rowTenants` stands in for the rows when they
 * were not kept (a streamed snapshot collects them with `rowTenantId`).
 */
export function runScope(
  collected: CollectedRows,
  inputs: readonly string[],
  rowTenants?: ReadonlySet<string>,
): string[] {
  if (collected.kind === "resource-graph")
    return [...new Set(inputs.map((input) => input.toLowerCase()))].sort();
  const tenants = new Set(rowTenants);
  if (rowTenants === undefined) {
    for (const row of collected.rows) {
      const tenantId = rowTenantId(row);
      if (tenantId !== undefined) tenants.add(tenantId);
    }
  }
  return tenants.size > 0 ? [...tenants].sort() : [...inputs];
}

/**
 * `20261126T101500.123Z-3f9a1c`: a UTC timestamp to the millisecond, so ids sort in run order even for runs
 * within one second, plus a short hash of time and inputs.
 */
export function runId(startedAt: Date, inputs: readonly string[]): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, "");
  const hash = createHash("sha256")
    .update(`${startedAt.toISOString()}\n${inputs.join("\n")}`)
    .digest("hex");
  return `${stamp}-${hash.slice(0, 6)}`;
}

/**
 * Diagnostic codes for input the normalizer had to drop whole: a row, an NSG or firewall rule (malformed, or a
 * null or non-object element of a rule list), a row its reader crashed on.
 */
const droppedCodes = new Set(["malformed-row", "malformed-rule", "dropped-rule", "normalizer-failure"]);

/**
 * A row the normalizer had to drop is a resource no rule looked at, so the run is incomplete.
 * Field-level problems keep the row; rules then answer `unverified` for what they cannot prove.
 */
export function withDroppedRows(coverage: Coverage, diagnostics: readonly Diagnostic[]): Coverage {
  const dropped = diagnostics
    .filter((d) => d.level === "error" && droppedCodes.has(d.code))
    .reduce((sum, d) => sum + (d.count ?? 1), 0);
  if (dropped === 0) return coverage;
  const gap: CoverageGap = {
    code: "malformed-rows",
    message: `${dropped} input row(s) or rule(s) could not be read and were skipped; see diagnostics for file, row and field.`,
  };
  return { ...coverage, complete: false, gaps: [...coverage.gaps, gap] };
}
