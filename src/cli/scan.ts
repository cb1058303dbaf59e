// `scan`: collect → enrich → pipeline → history → reports, and the exit code that tells a scheduler what happened.
import type { CollectedRows } from "../collect/source.ts";
import { collectResourceGraph } from "../collect/resource-graph.ts";
import type { Config } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { resolveClusterFqdns, systemResolver } from "../enrich/resolve-dns.ts";
import {
  normalizeCollected,
  runPipeline,
  runScope,
  type PipelineOptions,
  type PipelineOutput,
} from "../engine/pipeline.ts";
import { readSnapshotInventory, type SnapshotInventory } from "../engine/snapshot-scan.ts";
import { severityRank, isActionable, type Severity } from "../engine/result.ts";
import type { RunRecord } from "../engine/run.ts";
import { scopeKey } from "../history/scope.ts";
import type { Inventory } from "../inventory/model.ts";
import { defaultKeepRuns, latestRun, saveRun } from "../history/store.ts";
import { readTrend } from "../history/trend.ts";
import { defaultHtmlMaxRows, trendRunsShown } from "../report/limits.ts";
import { writeReports } from "../report/write.ts";
import { rules } from "../rules/index.ts";
import { printScanSummary } from "./console-summary.ts";
import { releaseMemory } from "./release-memory.ts";
import { deliverEmail, planEmail } from "./email-delivery.ts";
import { demoConfigPath, demoInputs, readDemoFleet, seedDemoHistory } from "./demo.ts";
import { combineExitCodes, exitCodes, NoScopeError, UsageError, type ExitCode } from "./errors.ts";
import { parseFailOn, parseFormats, wholeNumber } from "./options.ts";
import { hasLiveScope, liveOptions, type LiveDependencies, type LiveFlags } from "./live.ts";
import { toolInfo } from "./tool.ts";
import { verifyFlaggedClusters } from "./verify-flagged.ts";

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
  readonly stateDir?: string;
  /** `--no-history` sets this false: no previous run read, none stored. */
  readonly history?: boolean;
  readonly keepRuns?: string;
  readonly resolveDns?: boolean;
  readonly emailTo?: readonly string[];
  /** `--html-max-rows`: results per rule and clusters per wave in report.html and the email. */
  readonly htmlMaxRows?: string;
  /** `auto` (the default) shows stage progress on stderr when it is a terminal. */
  readonly progress?: string;
}

export interface ScanIo {
  readonly print: (line: string) => void;
  readonly debug?: boolean;
  readonly dependencies?: LiveDependencies;
  /** Clock for the run's start; tests pin it. */
  readonly now?: () => Date;
}

export async function scanCommand(options: ScanOptions, io: ScanIo): Promise<ExitCode> {
  let formats = parseFormats(options.format);
  const failOn = parseFailOn(options.failOn);
  const keepRuns =
    options.keepRuns === undefined ? defaultKeepRuns : wholeNumber("--keep-runs", options.keepRuns);
  const htmlMaxRows = wholeNumber("--html-max-rows", options.htmlMaxRows ?? String(defaultHtmlMaxRows));
  const config = await loadConfig(options.config ?? (options.demo ? demoConfigPath : undefined));
  const email = planEmail(options.emailTo, config, process.env);
  // The email attaches findings.csv, so a run that mails always writes it.
  if (email && !formats.includes("csv")) formats = [...formats, "csv"];
  const startedAt = (io.now ?? (() => new Date()))();
  const progress = progressReporter(options);
  // History lives beside the reports unless told otherwise; both default to reports/.
  const stateDir = options.stateDir ?? options.out;
  const useHistory = options.history !== false;
  const { run, observations } = await analyzeScan(options, io, {
    config,
    startedAt,
    stateDir,
    keepRuns,
    progress,
  });
  releaseMemory();
  // The run is stored before the reports: a failed render or delivery never loses it.
  if (useHistory) progress(`stored run ${await saveRun(stateDir, run, observations, { keepRuns })}`);
  progress("writing reports");
  const viewOptions = {
    rules: rules.map((rule) => rule.meta),
    showAll: options.all ?? false,
    mask: options.mask ?? false,
    htmlMaxRows,
    // The stored runs of this scope, this one included when it was stored, for the trend charts.
    trend: useHistory ? await readTrend(stateDir, scopeKey(run.run.scope), trendRunsShown) : [],
  };
  const written = await writeReports(run, options.out, formats, viewOptions);
  if (!options.quiet) printScanSummary(run, written, io.print);
  const delivered = email
    ? await deliverEmail(email, run, options.out, viewOptions, io.print, options.quiet ?? false)
    : exitCodes.clean;
  return combineExitCodes(scanExitCode(run, failOn), delivered);
}

interface ScanStage {
  readonly config: Config;
  readonly startedAt: Date;
  readonly stateDir: string;
  readonly keepRuns: number;
  readonly progress: (message: string) => void;
}

/**
 * Collect, enrich and analyze. A function of its own so the raw rows and the inventory are unreachable once it
 * returns: the reports of a large fleet are rendered without them in memory.
 */
async function analyzeScan(
  options: ScanOptions,
  io: ScanIo,
  stage: ScanStage,
): Promise<Pick<PipelineOutput, "run" | "observations">> {
  const { config, startedAt, stateDir, keepRuns, progress } = stage;
  progress("collecting inventory");
  const { collected, inputs, snapshot } = await collect(options, config, io);
  const rowCount = snapshot?.rowCount ?? collected.rows.length;
  // The read's garbage (every row's parse) goes before analysis builds its indexes on top of the inventory.
  releaseMemory();
  progress(`collected ${rowCount} rows; analyzing`);
  if (rowCount === 0 && !collected.coverage.complete) {
    const reasons = [
      ...collected.diagnostics.map((d) => d.message),
      ...collected.coverage.gaps.map((g) => g.message),
    ];
    throw new NoScopeError(
      `nothing could be read from ${inputs.join(", ")}: ${[...new Set(reasons)].join("; ")}`,
    );
  }

  const useHistory = options.history !== false;
  const scope = runScope(collected, inputs, snapshot?.tenants);
  const base = { config, rules, tool: toolInfo(), inputs, scope };
  if (useHistory && options.demo) await seedDemoHistory(stateDir, scopeKey(scope), base, keepRuns);
  const previous = useHistory ? await latestRun(stateDir, scopeKey(scope)) : undefined;

  const pipeline: PipelineOptions = {
    ...base,
    collected,
    startedAt,
    previous,
    ...(snapshot ? { inventory: snapshot.inventory } : {}),
    ...(await enrich(collected, options, snapshot?.inventory)),
  };
  let output = runPipeline(pipeline);
  if (collected.kind === "resource-graph" && options.verify !== false) {
    const verified = await verifyFlaggedClusters(
      collected,
      output.run,
      liveOptions(options, config, io.dependencies ?? {}, false),
      io.dependencies,
    );
    if (verified) output = runPipeline({ ...pipeline, collected: verified, inventory: undefined });
  }
  return { run: output.run, observations: output.observations };
}

async function collect(
  options: ScanOptions,
  config: Config,
  io: ScanIo,
): Promise<{ collected: CollectedRows; inputs: string[]; snapshot?: SnapshotInventory }> {
  const liveFlags = Boolean(
    options.tenant?.length || options.subscription?.length || options.managementGroup?.length,
  );
  if ([options.demo === true, Boolean(options.input?.length), liveFlags].filter(Boolean).length > 1) {
    throw new UsageError("scan: --demo, --input and --tenant/--subscription are separate sources; pick one.");
  }
  if (options.demo) return { collected: await readDemoFleet(), inputs: [...demoInputs] };
  if (options.input?.length) {
    // Normalized while read: the raw rows of a large snapshot would dominate the scan's memory.
    const snapshot = await readSnapshotInventory(options.input);
    return { collected: snapshot.collected, inputs: [...options.input], snapshot };
  }
  if (hasLiveScope(options, config)) {
    const liveScan = liveOptions(options, config, io.dependencies ?? {}, io.debug ?? false);
    return {
      collected: await collectResourceGraph(liveScan),
      inputs: liveScan.tenants.map((tenant) => tenant.tenantId),
    };
  }
  throw new UsageError("scan: no source given; use --demo, --input PATH, or --tenant ID for a live scan.");
}

/** `--resolve-dns`: cluster FQDN answers become API server IP evidence. */
async function enrich(
  collected: CollectedRows,
  options: ScanOptions,
  normalized: Inventory | undefined,
): Promise<Pick<PipelineOptions, "inventory" | "dnsAnswers" | "extraDiagnostics">> {
  if (!options.resolveDns) return {};
  const inventory = normalized ?? normalizeCollected(collected);
  const { answers, diagnostics } = await resolveClusterFqdns(inventory.clusters.values(), systemResolver());
  return { inventory, dnsAnswers: answers, extraDiagnostics: diagnostics };
}

/** Stage lines on stderr, so stdout stays the summary a scheduler captures. */
function progressReporter(options: ScanOptions): (message: string) => void {
  const mode = options.progress ?? "auto";
  const enabled = mode === "always" || (mode === "auto" && !options.quiet && process.stderr.isTTY);
  return (message) => {
    if (enabled) process.stderr.write(`… ${message}\n`);
  };
}

export function scanExitCode(run: RunRecord, failOn: Severity | "none"): ExitCode {
  const incomplete = run.coverage.complete ? exitCodes.clean : exitCodes.incomplete;
  const threshold = failOn === "none" ? undefined : severityRank(failOn);
  const failing =
    threshold !== undefined &&
    run.results.some((result) => isActionable(result.status) && severityRank(result.severity) >= threshold);
  return combineExitCodes(incomplete, failing ? exitCodes.findings : exitCodes.clean);
}
