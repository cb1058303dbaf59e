// `scan`: collect → pipeline → reports, and the exit code that tells a scheduler what happened.
import { fileURLToPath } from "node:url";
import type { CollectedRows } from "../collect/source.ts";
import { createCredentialFactory } from "../collect/auth.ts";
import { resolveCloud } from "../collect/clouds.ts";
import { collectResourceGraph } from "../collect/resource-graph.ts";
import { readSnapshot } from "../collect/snapshot.ts";
import { clustersLackingApiServerProfile, createManagedClusterReaders, verifyClusters } from "../collect/verify.ts";
import type { Config } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { severities, severityRank, isActionable, type Severity } from "../engine/result.ts";
import type { RunRecord } from "../engine/run.ts";
import { runPipeline } from "../engine/pipeline.ts";
import { writeReports, type ReportFormat } from "../report/write.ts";
import { rules } from "../rules/index.ts";
import { printScanSummary } from "./console-summary.ts";
import { combineExitCodes, exitCodes, NoScopeError, UsageError, type ExitCode } from "./errors.ts";
import { hasLiveScope, liveOptions, type LiveDependencies, type LiveFlags } from "./live.ts";
import { toolInfo } from "./tool.ts";

export interface ScanOptions extends LiveFlags {
  readonly demo?: boolean;
  readonly input?: readonly string[];
  readonly config?: string;
  readonly out: string;
  readonly format: string;
  readonly failOn: string;
  readonly quiet?: boolean;
  readonly all?: boolean;
  readonly mask?: boolean;
  /** `--no-verify` sets this false: no ARM GET of clusters Resource Graph may show stale. */
  readonly verify?: boolean;
}

export interface ScanIo {
  readonly print: (line: string) => void;
  readonly debug?: boolean;
  readonly dependencies?: LiveDependencies;
}

export const reportFormats = ["html", "csv", "json", "md"] as const satisfies readonly ReportFormat[];
export const failOnLevels = [...severities, "none"] as const;

export const demoFleetPath = fileURLToPath(new URL("../../examples/demo-fleet/", import.meta.url));

export async function scanCommand(options: ScanOptions, io: ScanIo): Promise<ExitCode> {
  const formats = parseFormats(options.format);
  const failOn = parseFailOn(options.failOn);
  const config = await loadConfig(options.config);
  const startedAt = new Date();
  const { collected, inputs } = await collect(options, config, io);
  if (collected.rows.length === 0 && !collected.coverage.complete) {
    const reasons = [...collected.diagnostics.map((d) => d.message), ...collected.coverage.gaps.map((g) => g.message)];
    throw new NoScopeError(`nothing could be read from ${inputs.join(", ")}: ${[...new Set(reasons)].join("; ")}`);
  }
  const pipeline = { config, rules, tool: toolInfo(), inputs, startedAt };
  let { run } = runPipeline({ ...pipeline, collected });
  if (collected.kind === "resource-graph" && options.verify !== false) {
    const verified = await verifyFlaggedClusters(collected, run, config, options, io);
    if (verified) run = runPipeline({ ...pipeline, collected: verified }).run;
  }
  const written = await writeReports(run, options.out, formats, {
    rules: rules.map((rule) => rule.meta),
    showAll: options.all ?? false,
    mask: options.mask ?? false,
  });
  if (!options.quiet) printScanSummary(run, written, io.print);
  return scanExitCode(run, failOn);
}

async function collect(
  options: ScanOptions,
  config: Config,
  io: ScanIo,
): Promise<{ collected: CollectedRows; inputs: string[] }> {
  const sources = [options.demo, Boolean(options.input?.length), hasLiveScope(options, config)].filter(Boolean);
  if (sources.length > 1 && (options.demo || options.input?.length)) {
    throw new UsageError("scan: --demo, --input and --tenant/--subscription are separate sources; pick one.");
  }
  if (options.demo) return { collected: await readDemoFleet(), inputs: ["demo-fleet"] };
  if (options.input?.length) {
    return { collected: await readSnapshot(options.input), inputs: [...options.input] };
  }
  if (hasLiveScope(options, config)) {
    const live = liveOptions(options, config, io.dependencies ?? {}, io.debug ?? false);
    return { collected: await collectResourceGraph(live), inputs: live.tenants.map((tenant) => tenant.tenantId) };
  }
  throw new UsageError("scan: no source given; use --demo, --input PATH, or --tenant ID for a live scan.");
}

/** The demo fleet, with its file names shown relative to the fleet folder (no machine paths in reports). */
async function readDemoFleet(): Promise<CollectedRows> {
  const collected = await readSnapshot([demoFleetPath]);
  const relative = (origin: string): string =>
    origin.startsWith(demoFleetPath) ? `demo-fleet/${origin.slice(demoFleetPath.length)}` : origin;
  return {
    ...collected,
    kind: "demo",
    rows: collected.rows.map((row) => ({ ...row, source: { ...row.source, origin: relative(row.source.origin) } })),
    diagnostics: collected.diagnostics.map((d) => (d.origin ? { ...d, origin: relative(d.origin) } : d)),
    coverage: {
      ...collected.coverage,
      scopes: collected.coverage.scopes.map((scope) => (scope.file ? { ...scope, file: relative(scope.file) } : scope)),
    },
  };
}

/**
 * Resource Graph lags ARM by minutes and may omit fields: clusters whose row lacks apiServerAccessProfile, or
 * that have a high or critical finding, are read again from ARM before the verdicts are final.
 */
async function verifyFlaggedClusters(
  collected: CollectedRows,
  run: RunRecord,
  config: Config,
  options: ScanOptions,
  io: ScanIo,
): Promise<CollectedRows | undefined> {
  const flagged = new Set(clustersLackingApiServerProfile(collected.rows).map((id) => id.toLowerCase()));
  const clusterIds = new Set(run.clusters.map((cluster) => cluster.id.toLowerCase()));
  for (const result of run.results) {
    const key = result.resourceId.toLowerCase();
    if (isActionable(result.status) && severityRank(result.severity) >= severityRank("high") && clusterIds.has(key)) {
      flagged.add(key);
    }
  }
  if (flagged.size === 0) return undefined;
  const live = liveOptions(options, config, io.dependencies ?? {}, io.debug ?? false);
  const cloud = live.cloud ?? resolveCloud("public");
  const credentialFactory = live.credentialFactory ?? createCredentialFactory(cloud);
  const authFor = new Map(live.tenants.map((tenant) => [tenant.tenantId.toLowerCase(), tenant.auth ?? live.auth ?? "default"]));
  const readers =
    io.dependencies?.managedClusterReaders ??
    createManagedClusterReaders({
      cloud,
      credentialFor: (tenantId) => credentialFactory(tenantId, authFor.get(tenantId.toLowerCase()) ?? "default"),
    });
  const verified = await verifyClusters(collected.rows, flagged, readers);
  return { ...collected, rows: verified.rows, diagnostics: [...collected.diagnostics, ...verified.diagnostics] };
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
