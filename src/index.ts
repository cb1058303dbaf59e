// The library entry (`import { scan } from "aks-vnet-audit"`): the same pipeline the CLI runs, for Node tooling
// that wants the verdicts without shelling out and parsing files.
import type { RunRecord } from "./findings/run.ts";
import { writeReports, type ReportFormat } from "./report/write.ts";
import type { Rule } from "./rules/define.ts";
import { rules as catalog } from "./rules/index.ts";

export { scan, type ScanOutcome, type ScanRequest } from "./engine/scan.ts";
export type { CollectSource } from "./collect/collect.ts";
export { readSnapshot } from "./collect/snapshot.ts";
export type { CollectedRows, Coverage, CoverageGap, CoverageScope } from "./collect/source.ts";
export type { Config } from "./config/config.ts";
export { rules } from "./rules/index.ts";
export type { Rule, RuleMeta } from "./rules/define.ts";
export { reportFormats, type ReportFormat } from "./report/write.ts";
export type { DeliveryOutcome } from "./deliver/delivery.ts";
// The findings.json contract.
export { severities, resultStatuses, diffStates, isActionable, severityRank } from "./findings/result.ts";
export type { DiffState, Evidence, Result, ResultStatus, Severity } from "./findings/result.ts";
export type { ClusterPosture, RunInfo, RunRecord, RunSummary, ToolInfo } from "./findings/run.ts";
export type { ConversionPlan } from "./findings/conversion-plan.ts";

export interface RenderOptions {
  /** Folder the reports are written to (created when missing). */
  readonly out: string;
  /** Default: every format. */
  readonly formats?: readonly ReportFormat[];
  /** The catalog whose titles and remediation the reports show; default: the built-in rules. */
  readonly rules?: readonly Rule[];
  /** List passing and not-applicable results in HTML and CSV too. */
  readonly showAll?: boolean;
  /** Mask subscription ids. */
  readonly mask?: boolean;
}

/** Writes the reports of a run (from `scan`, or a `findings.json` read back) and returns the paths written. */
export function renderReports(run: RunRecord, options: RenderOptions): Promise<string[]> {
  return writeReports(run, options.out, options.formats ?? ["html", "csv", "json", "md"], {
    rules: (options.rules ?? catalog).map((rule) => rule.meta),
    showAll: options.showAll ?? false,
    mask: options.mask ?? false,
  });
}
