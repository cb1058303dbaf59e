// The scan pipeline after collection: normalize → analyze → reconcile → one RunRecord (DESIGN §2).
import { createHash } from "node:crypto";
import type { CollectedRows, Coverage, CoverageGap } from "../collect/source.ts";
import type { Config } from "../config/config.ts";
import type { Diagnostic, Inventory } from "../inventory/model.ts";
import { normalize } from "../inventory/normalize.ts";
import { buildRelations } from "../inventory/relations.ts";
import type { Rule } from "../rules/define.ts";
import { analyze } from "./analyze.ts";
import { severities, type Result } from "./result.ts";
import type { RunRecord, ToolInfo } from "./run.ts";
import { clusterPostures, summarize } from "./summary.ts";

export interface PipelineOptions {
  readonly collected: CollectedRows;
  readonly config: Config;
  readonly rules: readonly Rule[];
  readonly tool: ToolInfo;
  /** Input paths or tenant ids, as the user named them. */
  readonly inputs: readonly string[];
  readonly startedAt: Date;
  /** Clock for the end of the run; injectable so tests are deterministic. */
  readonly now?: () => Date;
}

export interface PipelineOutput {
  readonly run: RunRecord;
  readonly inventory: Inventory;
}

export function runPipeline(options: PipelineOptions): PipelineOutput {
  const { collected, config, rules } = options;
  const inventory = normalize(collected.rows, { tables: collected.coverage.tables });
  const diagnostics: Diagnostic[] = [...collected.diagnostics, ...inventory.diagnostics];
  const context = { inventory, relations: buildRelations(inventory), config, now: options.startedAt };
  const results = sortResults(analyze(rules, context));
  const resolved: Result[] = [];
  const coverage = withDroppedRows(collected.coverage, diagnostics);
  const finishedAt = (options.now ?? (() => new Date()))();
  const run: RunRecord = {
    schemaVersion: 1,
    tool: options.tool,
    run: {
      id: runId(options.startedAt, options.inputs),
      startedAt: options.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      source: collected.kind,
      inputs: options.inputs,
    },
    coverage,
    summary: summarize(inventory, results, resolved),
    results,
    resolved,
    diagnostics,
    clusters: clusterPostures(inventory, results),
  };
  return { run, inventory };
}

/** `20261126T101500Z-3f9a1c`: sortable by time, unique per scope. */
export function runId(startedAt: Date, inputs: readonly string[]): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const hash = createHash("sha256").update(`${startedAt.toISOString()}\n${inputs.join("\n")}`).digest("hex");
  return `${stamp}-${hash.slice(0, 6)}`;
}

/** Diagnostic codes for input the normalizer had to drop whole: a row, an NSG rule, a row its reader crashed on. */
const droppedCodes = new Set(["malformed-row", "malformed-rule", "normalizer-failure"]);

/**
 * A row the normalizer had to drop is a resource no rule looked at, so the run is incomplete.
 * Field-level problems keep the row; rules then answer `unverified` for what they cannot prove.
 */
function withDroppedRows(coverage: Coverage, diagnostics: readonly Diagnostic[]): Coverage {
  const dropped = diagnostics.filter((d) => d.level === "error" && droppedCodes.has(d.code)).length;
  if (dropped === 0) return coverage;
  const gap: CoverageGap = {
    code: "malformed-rows",
    message: `${dropped} input row(s) or rule(s) could not be read and were skipped; see diagnostics for file, row and field.`,
  };
  return { ...coverage, complete: false, gaps: [...coverage.gaps, gap] };
}

const statusOrder = ["error", "fail", "unverified", "suppressed", "pass", "not_applicable"];

function sortResults(results: Result[]): Result[] {
  return results.sort(
    (a, b) =>
      statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status) ||
      severities.indexOf(a.severity) - severities.indexOf(b.severity) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.resourceId.toLowerCase().localeCompare(b.resourceId.toLowerCase()) ||
      a.detail.localeCompare(b.detail),
  );
}
