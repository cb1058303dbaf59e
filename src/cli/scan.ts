// `scan`: flags → a ScanRequest for the pipeline (src/engine/scan.ts), then the summary and the exit code that
// tells a scheduler what happened.
import type { CollectSource } from "../collect/collect.ts";
import { demoConfigPath } from "../collect/demo-fleet.ts";
import type { Config } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { planEmail } from "../deliver/email-delivery.ts";
import { severityRank, isActionable, type Severity } from "../engine/result.ts";
import type { RunRecord } from "../engine/run.ts";
import { scan, type ScanRequest } from "../engine/scan.ts";
import { defaultKeepRuns } from "../history/store.ts";
import { showControlCharacters } from "../report/control-characters.ts";
import type { ReportFormat } from "../report/write.ts";
import { printScanSummary } from "./console-summary.ts";
import { combineExitCodes, exitCodes, UsageError, type ExitCode } from "./errors.ts";
import { parseFailOn, parseFormats, wholeNumber } from "./options.ts";
import { openStateStore, parseLockTimeout } from "./state-store.ts";
import { hasLiveScope, liveOptions, type LiveDependencies, type LiveFlags } from "./live.ts";

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
  /** `--state-lock-timeout`: how long to wait for a scan holding the run store (default 10m). */
  readonly stateLockTimeout?: string;
  readonly resolveDns?: boolean;
  readonly emailTo?: readonly string[];
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
  const formats = parseFormats(options.format);
  const failOn = parseFailOn(options.failOn);
  const request = await scanRequest(options, formats, io);
  const { run, written, deliveries } = await scan(request);
  if (!options.quiet) printScanSummary(run, written, io.print);
  let delivered: ExitCode = exitCodes.clean;
  for (const delivery of deliveries) {
    if (delivery.delivered) {
      if (!options.quiet) io.print(delivery.message);
    } else {
      process.stderr.write(`aks-vnet-audit: ${showControlCharacters(delivery.message)}\n`);
      delivered = exitCodes.incomplete;
    }
  }
  return combineExitCodes(scanExitCode(run, failOn), delivered);
}

/** Every flag checked and turned into the pipeline's request; a bad flag fails here, before any scanning. */
export async function scanRequest(
  options: ScanOptions,
  formats: readonly ReportFormat[],
  io: ScanIo,
): Promise<ScanRequest> {
  const keepRuns =
    options.keepRuns === undefined ? defaultKeepRuns : wholeNumber("--keep-runs", options.keepRuns);
  const config = await loadConfig(options.config ?? (options.demo ? demoConfigPath : undefined));
  const email = planEmail(options.emailTo, config, process.env);
  const startedAt = (io.now ?? (() => new Date()))();
  const source = scanSource(options, config, io);
  // History lives beside the reports unless told otherwise; both default to reports/.
  const statePath = options.history !== false ? (options.stateDir ?? options.out) : undefined;
  const stateLockTimeoutMs = parseLockTimeout(options.stateLockTimeout);
  const tenants = source.kind === "live" ? source.options.tenants.map((tenant) => tenant.tenantId) : [];
  const stateDir = statePath === undefined ? undefined : openStateStore(statePath, options, tenants);
  const readers = io.dependencies?.managedClusterReaders;
  return {
    source,
    config,
    startedAt,
    out: options.out,
    formats,
    showAll: options.all ?? false,
    mask: options.mask ?? false,
    ...(stateDir !== undefined ? { stateDir } : {}),
    keepRuns,
    stateLockTimeoutMs,
    verify: options.verify !== false,
    ...(readers ? { managedClusterReaders: readers } : {}),
    resolveDns: options.resolveDns ?? false,
    ...(email ? { email } : {}),
    onProgress: progressReporter(options),
  };
}

function scanSource(options: ScanOptions, config: Config, io: ScanIo): CollectSource {
  const liveFlags = Boolean(
    options.tenant?.length || options.subscription?.length || options.managementGroup?.length,
  );
  if ([options.demo === true, Boolean(options.input?.length), liveFlags].filter(Boolean).length > 1) {
    throw new UsageError("scan: --demo, --input and --tenant/--subscription are separate sources; pick one.");
  }
  if (options.demo) return { kind: "demo" };
  if (options.input?.length) return { kind: "snapshot", paths: options.input };
  if (hasLiveScope(options, config)) {
    return {
      kind: "live",
      options: liveOptions(options, config, io.dependencies ?? {}, io.debug ?? false),
    };
  }
  throw new UsageError("scan: no source given; use --demo, --input PATH, or --tenant ID for a live scan.");
}

/** Stage lines on stderr, so stdout stays the summary a scheduler captures. */
function progressReporter(options: ScanOptions): (message: string) => void {
  const mode = options.progress ?? "auto";
  const enabled = mode === "always" || (mode === "auto" && !options.quiet && process.stderr.isTTY);
  return (message) => {
    if (enabled) process.stderr.write(`… ${showControlCharacters(message)}\n`);
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
