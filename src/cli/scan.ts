// `scan`: flags → a ScanRequest for the pipeline (src/engine/scan.ts), then the summary and the exit code that
// tells a scheduler what happened.
import type { CollectSource } from "../collect/collect.ts";
import { demoConfigPath } from "../collect/demo-fleet.ts";
import type { Config } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { authModes, createCredentialFactory, isAuthMode } from "../collect/auth.ts";
import { resolveCloud } from "../collect/clouds.ts";
import { planEmail } from "../deliver/email-delivery.ts";
import {
  monitorAudience,
  planLogAnalytics,
  type LogAnalyticsFlags,
  type LogAnalyticsPlan,
} from "../deliver/log-analytics.ts";
import { planNotifications, type NotifyFlags } from "../deliver/notify.ts";
import { severityRank, isActionable, type Severity } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";
import { scan, type ScanRequest } from "../engine/scan.ts";
import { defaultKeepRuns } from "../history/store.ts";
import { defaultHtmlMaxRows } from "../report/limits.ts";
import { showControlCharacters } from "../report/control-characters.ts";
import type { ReportFormat } from "../report/write.ts";
import { printScanSummary } from "./console-summary.ts";
import { combineExitCodes, ConfigError, exitCodes, UsageError, type ExitCode } from "../errors/errors.ts";
import { parseFailOn, parseFormats, wholeNumber } from "./options.ts";
import { managementGroupKey, subscriptionKey } from "../engine/scope-exclusions.ts";
import { collectView, progressMode, type ProgressStream } from "./collect-progress.ts";
import { openStateStore, parseLockTimeout } from "./state-store.ts";
import { hasLiveScope, liveOptions, type LiveDependencies, type LiveFlags } from "./live.ts";

export interface ScanOptions extends LiveFlags, NotifyFlags, LogAnalyticsFlags {
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
  readonly excludeSubscription?: readonly string[];
  readonly excludeManagementGroup?: readonly string[];
  /** `--state-lock-timeout`: how long to wait for a scan holding the run store (default 10m). */
  readonly stateLockTimeout?: string;
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
  /** Where the live collection view goes; stderr unless a test watches it. */
  readonly progressStream?: ProgressStream;
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
  const htmlMaxRows = wholeNumber("--html-max-rows", options.htmlMaxRows ?? String(defaultHtmlMaxRows));
  const config = withExclusions(
    await loadConfig(options.config ?? (options.demo ? demoConfigPath : undefined)),
    options,
  );
  const email = planEmail(options.emailTo, config, process.env);
  const notify = planNotifications(options, config, process.env);
  const logAnalytics = logAnalyticsPlan(options, config, io);
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
    htmlMaxRows,
    ...(stateDir !== undefined ? { stateDir } : {}),
    keepRuns,
    stateLockTimeoutMs,
    verify: options.verify !== false,
    ...(readers ? { managedClusterReaders: readers } : {}),
    resolveDns: options.resolveDns ?? false,
    ...(email ? { email } : {}),
    ...(logAnalytics ? { logAnalytics } : {}),
    ...(notify ? { notify } : {}),
    onProgress: progressReporter(options),
  };
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The exclusion flags add to the config's `exclude` lists. */
function withExclusions(config: Config, options: ScanOptions): Config {
  const subscriptions = options.excludeSubscription ?? [];
  for (const id of subscriptions) {
    if (!guidPattern.test(subscriptionKey(id)))
      throw new UsageError(`--exclude-subscription ${id}: expected a subscription id (a GUID).`);
  }
  const managementGroups = options.excludeManagementGroup ?? [];
  for (const id of managementGroups) {
    if (managementGroupKey(id) === "")
      throw new UsageError(`--exclude-management-group ${id}: expected a management group id.`);
  }
  if (subscriptions.length === 0 && managementGroups.length === 0) return config;
  return {
    ...config,
    exclude: {
      subscriptions: [...config.exclude.subscriptions, ...subscriptions],
      managementGroups: [...config.exclude.managementGroups, ...managementGroups],
    },
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
    const live = liveOptions(options, config, io.dependencies ?? {}, io.debug ?? false);
    const stream = io.progressStream ?? process.stderr;
    const progress = collectView({
      stream,
      mode: progressMode(options.progress, options.quiet ?? false, stream),
      tenants: live.tenants.length,
    });
    return { kind: "live", options: { ...live, progress } };
  }
  throw new UsageError("scan: no source given; use --demo, --input PATH, or --tenant ID for a live scan.");
}

/**
 * `--log-analytics-endpoint`: signs in as the scan does (`--auth`, `--cloud`) in the rule's tenant, which is
 * `AZURE_TENANT_ID`, else the first tenant scanned. Checked before the scan (exit 2).
 */
function logAnalyticsPlan(options: ScanOptions, config: Config, io: ScanIo): LogAnalyticsPlan | undefined {
  const target = planLogAnalytics(options);
  if (!target) return undefined;
  const tenantId = process.env.AZURE_TENANT_ID || options.tenant?.[0] || config.tenants[0]?.tenantId;
  if (!tenantId) {
    throw new ConfigError(
      "Log Analytics needs the tenant of the data collection rule: set AZURE_TENANT_ID (or scan with --tenant ID).",
    );
  }
  const cloudName = options.cloud ?? "public";
  const factory =
    io.dependencies?.credentialFactory ??
    createCredentialFactory(resolveCloud(cloudName, options.armEndpoint));
  const auth = options.auth ?? "default";
  if (!isAuthMode(auth)) throw new UsageError(`--auth ${auth}: use one of ${authModes.join(", ")}.`);
  return {
    target,
    credential: factory(tenantId, auth),
    audience: monitorAudience[cloudName] ?? monitorAudience.public,
  };
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
