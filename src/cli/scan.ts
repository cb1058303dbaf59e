// `scan`: collect → pipeline → reports, and the exit code that tells a scheduler what happened.
import { fileURLToPath } from "node:url";
import type { CollectedRows } from "../collect/source.ts";
import { readSnapshot } from "../collect/snapshot.ts";
import { loadConfig } from "../config/load.ts";
import { severities, severityRank, isActionable, type Severity } from "../engine/result.ts";
import type { RunRecord } from "../engine/run.ts";
import { runPipeline } from "../engine/pipeline.ts";
import { writeReports, type ReportFormat } from "../report/write.ts";
import { rules } from "../rules/index.ts";
import { printScanSummary } from "./console-summary.ts";
import { combineExitCodes, exitCodes, NoScopeError, UsageError, type ExitCode } from "./errors.ts";
import { toolInfo } from "./tool.ts";

export interface ScanOptions {
  readonly demo?: boolean;
  readonly input?: readonly string[];
  readonly config?: string;
  readonly out: string;
  readonly format: string;
  readonly failOn: string;
  readonly quiet?: boolean;
  readonly all?: boolean;
  readonly mask?: boolean;
}

export const reportFormats = ["html", "csv", "json", "md"] as const satisfies readonly ReportFormat[];
export const failOnLevels = [...severities, "none"] as const;

export const demoFleetPath = fileURLToPath(new URL("../../examples/demo-fleet/", import.meta.url));

export async function scanCommand(options: ScanOptions, print: (line: string) => void): Promise<ExitCode> {
  const formats = parseFormats(options.format);
  const failOn = parseFailOn(options.failOn);
  const config = await loadConfig(options.config);
  const startedAt = new Date();
  const { collected, inputs } = await collect(options);
  if (collected.rows.length === 0 && !collected.coverage.complete) {
    throw new NoScopeError(
      `nothing could be read from ${inputs.join(", ")}: ${collected.diagnostics.map((d) => d.message).join("; ")}`,
    );
  }
  const { run } = runPipeline({ collected, config, rules, tool: toolInfo(), inputs, startedAt });
  const written = await writeReports(run, options.out, formats, {
    rules: rules.map((rule) => rule.meta),
    showAll: options.all ?? false,
    mask: options.mask ?? false,
  });
  if (!options.quiet) printScanSummary(run, written, print);
  return scanExitCode(run, failOn);
}

async function collect(options: ScanOptions): Promise<{ collected: CollectedRows; inputs: string[] }> {
  if (options.demo && options.input?.length) {
    throw new UsageError("scan: --demo and --input cannot be combined; pick one source.");
  }
  if (options.demo) {
    const collected = await readSnapshot([demoFleetPath]);
    return { collected: { ...collected, kind: "demo" }, inputs: ["demo-fleet"] };
  }
  if (options.input?.length) {
    return { collected: await readSnapshot(options.input), inputs: [...options.input] };
  }
  throw new UsageError("scan: no source given; use --demo, --input PATH, or --tenant/--subscription for a live scan.");
}

export function scanExitCode(run: RunRecord, failOn: Severity | "none"): ExitCode {
  const incomplete = run.coverage.complete ? exitCodes.clean : exitCodes.incomplete;
  const threshold = failOn === "none" ? undefined : severityRank(failOn);
  const failing =
    threshold !== undefined &&
    run.results.some((result) => isActionable(result.status) && severityRank(result.severity) >= threshold);
  return combineExitCodes(incomplete, failing ? exitCodes.findings : exitCodes.clean);
}

function parseFormats(text: string): ReportFormat[] {
  const formats = text.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean);
  for (const format of formats) {
    if (!(reportFormats as readonly string[]).includes(format)) {
      throw new UsageError(`--format ${text}: unknown format "${format}"; use a comma list of ${reportFormats.join(", ")}.`);
    }
  }
  if (formats.length === 0) throw new UsageError(`--format is empty; use a comma list of ${reportFormats.join(", ")}.`);
  return formats as ReportFormat[];
}

function parseFailOn(text: string): Severity | "none" {
  const value = text.toLowerCase();
  if ((failOnLevels as readonly string[]).includes(value)) return value as Severity | "none";
  throw new UsageError(`--fail-on ${text}: unknown severity; use one of ${failOnLevels.join(", ")}.`);
}
