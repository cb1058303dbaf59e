// The scan pipeline, top to bottom. Every stage is a function from its own folder:
//
//   collect    src/collect/collect.ts         demo fleet, snapshot files or Resource Graph → raw rows + coverage
//      │
//   normalize  src/inventory/collected.ts     raw rows → Inventory (a snapshot is normalized while it is read)
//      │
//   enrich     src/enrich/resolve-dns.ts      --resolve-dns: cluster FQDN answers
//      │       src/inventory/apiserver-endpoints.ts, src/inventory/relations.ts, src/history/history.ts
//      │
//   analyze    src/engine/analyze.ts          every rule of src/rules/index.ts, then src/engine/conversion-plan.ts
//      │       (live scans: src/engine/verify-flagged.ts re-reads flagged clusters from ARM and analyzes again)
//   reconcile  src/engine/reconcile.ts        suppressions, diff against the previous run → RunRecord
//      │       src/history/store.ts           the run is stored before anything is rendered
//   render     src/report/write.ts            findings.json, HTML, CSV, Markdown
//      │
//   deliver    src/deliver/email-delivery.ts  --email-to
//              src/deliver/log-analytics.ts   --log-analytics-endpoint (Azure Monitor Logs Ingestion)
//              src/deliver/notify.ts          --notify-webhook (Teams, Slack, JSON)
//
// `scan(request)` is the whole of it; the CLI (src/cli/scan.ts) only turns flags into a ScanRequest, prints the
// outcome and maps it to an exit code. `runPipeline` is the pure middle (normalize → reconcile) for one state.
import { aggregateDiagnostics } from "../inventory/diagnostics.ts";
import type { CollectedRows } from "../collect/source.ts";
import { collect, type Collection, type CollectSource } from "../collect/collect.ts";
import { readTenantNames } from "../collect/tenant-names.ts";
import type { ManagedClusterReaders } from "../collect/verify.ts";
import { defaultConfig, type Config } from "../config/config.ts";
import type { DeliveryOutcome } from "../deliver/delivery.ts";
import { deliverEmail, type EmailPlan } from "../deliver/email-delivery.ts";
import { deliverLogAnalytics, type LogAnalyticsPlan } from "../deliver/log-analytics.ts";
import { deliverNotifications, type NotifyPlan } from "../deliver/notify.ts";
import { resolveClusterFqdns, systemResolver } from "../enrich/resolve-dns.ts";
import { createHistory } from "../history/history.ts";
import { mergeObservations, type Observations } from "../history/observations.ts";
import type { StoredRun } from "../history/run-files.ts";
import { scopeKey } from "../history/scope.ts";
import {
  defaultKeepRuns,
  defaultLockTimeoutMs,
  latestRun,
  lockRunStore,
  readTrend,
  saveRun,
  type RunStoreLock,
  type StateLocation,
} from "../history/store.ts";
import { findApiServerEndpoints } from "../inventory/apiserver-endpoints.ts";
import { normalizeCollected } from "../inventory/collected.ts";
import type { Diagnostic, Inventory } from "../inventory/model.ts";
import { buildRelations } from "../inventory/relations.ts";
import { trendRunsShown } from "../report/limits.ts";
import { writeReports, type ReportFormat } from "../report/write.ts";
import type { ApiServerEndpoint, Rule, RuleContext } from "../rules/define.ts";
import { rules as ruleCatalog } from "../rules/index.ts";
import { NoScopeError } from "../errors/errors.ts";
import { analyze } from "./analyze.ts";
import { withConversionPlans } from "./conversion-plan.ts";
import { seedDemoHistory } from "./demo-history.ts";
import { reconcile } from "./reconcile.ts";
import { releaseMemory } from "./release-memory.ts";
import { compareResults, type Result } from "../findings/result.ts";
import type { RunRecord, ToolInfo } from "../findings/run.ts";
import { runId, runScope, withDroppedRows } from "./run-record.ts";
import { displayNames } from "./names.ts";
import { clusterPostures, summarize } from "./summary.ts";
import { toolInfo } from "./tool.ts";
import { verifyFlaggedClusters } from "./verify-flagged.ts";
import { applyScopeExclusions, planScopeExclusions } from "./scope-exclusions.ts";

/** Everything a scan needs, in one object so a new option is one new field. Only `source` is required. */
export interface ScanRequest {
  readonly source: CollectSource;
  readonly config?: Config;
  readonly rules?: readonly Rule[];
  /** Start of the run; defaults to now. */
  readonly startedAt?: Date;
  /** Folder the reports are written to; nothing is rendered when it is absent. */
  readonly out?: string;
  /** Report formats written to `out` (default: all). */
  readonly formats?: readonly ReportFormat[];
  /** List passing and not-applicable results in HTML and CSV too. */
  readonly showAll?: boolean;
  /** Mask subscription ids and tenant and subscription names in the reports. */
  readonly mask?: boolean;
  /** `--html-max-rows`: results per rule and clusters per wave in report.html and the email. */
  readonly htmlMaxRows?: number;
  /**
   * Where runs and their history are kept (a folder, a blob container URL, or a store opened from one); without
   * it no previous run is read and this one is not stored.
   */
  readonly stateDir?: StateLocation;
  readonly keepRuns?: number;
  /** How long to wait for another scan holding the run store's lock (default 10 min); then exit 2. */
  readonly stateLockTimeoutMs?: number;
  /** Live scans: re-read flagged clusters from ARM (default true). */
  readonly verify?: boolean;
  /** Tests inject fake ARM readers for the verification. */
  readonly managedClusterReaders?: ManagedClusterReaders;
  readonly resolveDns?: boolean;
  /** Send the report by mail once it is on disk (needs `out`). */
  readonly email?: EmailPlan;
  /** Send every result and a run row to Log Analytics once the reports are on disk (needs `out`). */
  readonly logAnalytics?: LogAnalyticsPlan;
  /** Post a summary to webhooks last, so it can say the reports and rows are where it links to (needs `out`). */
  readonly notify?: NotifyPlan;
  /** Stage messages (`collecting inventory`, `writing reports`…), for a progress display. */
  readonly onProgress?: (message: string) => void;
}

export interface ScanOutcome {
  readonly run: RunRecord;
  /** Report files written. */
  readonly written: readonly string[];
  /** One per delivery channel; an undelivered one makes the run incomplete (exit 3). */
  readonly deliveries: readonly DeliveryOutcome[];
}

export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const progress = request.onProgress ?? ((): void => {});
  const { out, email } = request;
  let formats: readonly ReportFormat[] = request.formats ?? ["html", "csv", "json", "md"];
  // The email attaches findings.csv, so a run that mails always writes it.
  if (email && !formats.includes("csv")) formats = [...formats, "csv"];
  const { run, observations, lock } = await collectAndAnalyze(request);
  try {
    releaseMemory();
    // The run is stored before the reports: a failed render or delivery never loses it.
    if (request.stateDir !== undefined) {
      const keepRuns = request.keepRuns ?? defaultKeepRuns;
      const stored = await saveRun(request.stateDir, run, observations, {
        keepRuns,
        ...(lock ? { lock } : {}),
      });
      progress(`stored run ${stored}`);
    }
  } finally {
    await lock?.release();
  }
  if (out === undefined) return { run, written: [], deliveries: [] };
  progress("writing reports");
  const viewOptions = {
    rules: (request.rules ?? ruleCatalog).map((rule) => rule.meta),
    showAll: request.showAll ?? false,
    mask: request.mask ?? false,
    ...(request.htmlMaxRows !== undefined ? { htmlMaxRows: request.htmlMaxRows } : {}),
    // The stored runs of this scope (this one included) for the trend charts; one point without history.
    trend:
      request.stateDir !== undefined
        ? await readTrend(request.stateDir, scopeKey(run.run.scope), trendRunsShown)
        : [],
  };
  const written = await writeReports(run, out, [...formats], viewOptions);
  const deliveries = [
    ...(email ? [await deliverEmail(email, run, out, viewOptions)] : []),
    ...(request.logAnalytics ? [await deliverLogAnalytics(request.logAnalytics, run)] : []),
    ...(request.notify ? await deliverNotifications(request.notify, run) : []),
  ];
  return { run, written, deliveries };
}

/**
 * Collect, normalize, enrich, analyze and reconcile. A function of its own so the raw rows and the inventory
 * are unreachable once it returns: the reports of a large fleet are rendered without them in memory.
 */
async function collectAndAnalyze(
  request: ScanRequest,
): Promise<Pick<PipelineOutput, "run" | "observations"> & { readonly lock?: RunStoreLock }> {
  const progress = request.onProgress ?? ((): void => {});
  progress("collecting inventory");
  const collection = await collect(request.source);
  // The read's garbage (every row's parse) goes before analysis builds its indexes on top of the inventory.
  releaseMemory();
  progress(`collected ${collection.rowCount} rows; analyzing`);
  throwWhenNothingRead(collection);
  const { stateDir } = request;
  if (stateDir === undefined) return analyzeCollection(request, collection);
  // Held from reading the previous run until this one is stored, so two scans of one store never interleave.
  const lock = await lockRunStore(stateDir, request.stateLockTimeoutMs ?? defaultLockTimeoutMs);
  try {
    return { ...(await analyzeCollection(request, collection)), lock };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function analyzeCollection(
  request: ScanRequest,
  collection: Collection,
): Promise<Pick<PipelineOutput, "run" | "observations">> {
  const config = request.config ?? defaultConfig;
  const rules = request.rules ?? ruleCatalog;
  const startedAt = request.startedAt ?? new Date();
  const { collected, inputs } = collection;
  const scope = runScope(collected, inputs, collection.tenants);
  const base = { config, rules, tool: toolInfo(), inputs, scope };
  const { stateDir } = request;
  if (stateDir !== undefined && request.source.kind === "demo") {
    await seedDemoHistory(
      stateDir,
      scopeKey(scope),
      inputs,
      request.keepRuns ?? defaultKeepRuns,
      (earlier, at, previous) =>
        runPipeline({ ...base, collected: earlier, startedAt: at, previous, now: () => at }),
    );
  }
  const previous = stateDir !== undefined ? await latestRun(stateDir, scopeKey(scope)) : undefined;

  const pipeline: PipelineOptions = {
    ...base,
    collected,
    startedAt,
    previous,
    // Names beside tenant ids; a live scan asks ARM, other sources have only the config's names.
    ...(request.source.kind === "live" ? { tenantNames: await readTenantNames(request.source.options) } : {}),
    ...(await enrich(collection, request.resolveDns ?? false)),
  };
  let output = runPipeline(pipeline);
  if (request.source.kind === "live" && request.verify !== false) {
    const verified = await verifyFlaggedClusters(
      collected,
      output.run,
      request.source.options,
      request.managedClusterReaders,
    );
    if (verified) output = runPipeline({ ...pipeline, collected: verified, inventory: undefined });
  }
  return { run: output.run, observations: output.observations };
}

function throwWhenNothingRead({ collected, inputs, rowCount }: Collection): void {
  if (rowCount > 0 || collected.coverage.complete) return;
  const reasons = [
    ...collected.diagnostics.map((d) => d.message),
    ...collected.coverage.gaps.map((g) => g.message),
  ];
  throw new NoScopeError(
    `nothing could be read from ${inputs.join(", ")}: ${[...new Set(reasons)].join("; ")}`,
  );
}

/** `--resolve-dns`: cluster FQDN answers become API server IP evidence. */
async function enrich(
  collection: Collection,
  resolveDns: boolean,
): Promise<Pick<PipelineOptions, "inventory" | "dnsAnswers" | "extraDiagnostics">> {
  const normalized = collection.inventory;
  if (!resolveDns) return normalized ? { inventory: normalized } : {};
  const inventory = normalized ?? normalizeCollected(collection.collected);
  const { answers, diagnostics } = await resolveClusterFqdns(inventory.clusters.values(), systemResolver());
  return { inventory, dnsAnswers: answers, extraDiagnostics: diagnostics };
}

export interface PipelineOptions {
  readonly collected: CollectedRows;
  readonly config: Config;
  readonly rules: readonly Rule[];
  readonly tool: ToolInfo;
  /** Input paths or tenant ids, as the user named them. */
  readonly inputs: readonly string[];
  /** The run's scope for history (see `RunInfo.scope`); `runScope` computes it. */
  readonly scope: readonly string[];
  readonly startedAt: Date;
  /** Clock for the end of the run; injectable so tests are deterministic. */
  readonly now?: () => Date;
  /** The previous stored run of the same scope: its observations are the history, its results the diff base. */
  readonly previous?: StoredRun | undefined;
  /** `--resolve-dns` answers per cluster (lower-cased id). */
  readonly dnsAnswers?: ReadonlyMap<string, readonly string[]>;
  /** The normalized rows when the caller needed them before analysis (DNS resolution does). */
  readonly inventory?: Inventory | undefined;
  /** Diagnostics of enrich steps (DNS, ARM verification) that belong in the run. */
  readonly extraDiagnostics?: readonly Diagnostic[];
  /** Tenant display names (lower-cased id → name) from ARM `GET /tenants`; the config's are the fallback. */
  readonly tenantNames?: Readonly<Record<string, string>>;
}

export interface PipelineOutput {
  readonly run: RunRecord;
  readonly inventory: Inventory;
  /** History to store with this run: the previous observations plus what this run saw. */
  readonly observations: Observations;
}

/** Normalize → enrich → analyze → reconcile for one state of the fleet; pure but for the clock. */
export function runPipeline(options: PipelineOptions): PipelineOutput {
  const { collected, config, rules, previous } = options;
  const inventory = options.inventory ?? normalizeCollected(collected);
  const diagnostics: Diagnostic[] = [
    ...collected.diagnostics,
    ...inventory.diagnostics,
    ...(options.extraDiagnostics ?? []),
  ];
  const apiServerEndpoints = findApiServerEndpoints(inventory, options.dnsAnswers);
  const context: RuleContext = {
    inventory,
    relations: buildRelations(inventory),
    config,
    history: createHistory(previous?.observations),
    apiServerEndpoints,
    now: options.startedAt,
  };
  const coverage = withDroppedRows(collected.coverage, diagnostics);
  const reconciled = reconcile(withConversionPlans(context, analyze(rules, context)), {
    suppressions: config.suppressions,
    now: options.startedAt,
    previous: previous?.record,
  });
  diagnostics.push(...reconciled.warnings);
  const exclusions = planScopeExclusions(
    config.exclude,
    inventory.subscriptions,
    reconciled.results.map((result) => result.subscriptionId),
  );
  const scoped = applyScopeExclusions(exclusions, reconciled.results, reconciled.resolved, inventory);
  diagnostics.push(...scoped.diagnostics);
  const results = sortResults(scoped.results);
  // A finding missing from an incomplete scan may only be out of reach; calling it resolved would be a lie.
  const resolved = coverage.complete ? sortResults(scoped.resolved) : [];
  if (!coverage.complete && reconciled.resolved.length > 0) {
    diagnostics.push({
      level: "info",
      code: "resolved-not-computed",
      message: `${reconciled.resolved.length} finding(s) of the previous run are not listed as resolved because this scan is incomplete.`,
    });
  }
  const names = displayNames(inventory, options.tenantNames ?? {}, config);
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
      scope: options.scope,
      ...(previous ? { previousRunId: previous.record.run.id } : {}),
      ...(exclusions.excludedScopes.length ? { excludedScopes: exclusions.excludedScopes } : {}),
    },
    coverage,
    summary: summarize(scoped.reported, results, resolved),
    results,
    resolved,
    // One entry per (level, code, file, field pattern) with its count: two million bad elements stay one line.
    diagnostics: aggregateDiagnostics(diagnostics),
    clusters: clusterPostures(scoped.reported, results, names),
    names,
  };
  const observations = mergeObservations(
    previous?.observations,
    currentObservations(inventory, apiServerEndpoints),
    options.startedAt.toISOString(),
  );
  return { run, inventory, observations };
}

function currentObservations(
  inventory: Inventory,
  endpoints: ReadonlyMap<string, readonly ApiServerEndpoint[]>,
): Parameters<typeof mergeObservations>[1] {
  return [...inventory.clusters.values()].map((cluster) => ({
    clusterId: cluster.id,
    enableVnetIntegration: cluster.apiServerAccessProfile.enableVnetIntegration,
    ...(cluster.powerState ? { powerState: cluster.powerState } : {}),
    apiServerIps: (endpoints.get(cluster.key) ?? []).map(({ ip, evidence }) => ({ ip, evidence })),
  }));
}

function sortResults(results: Result[]): Result[] {
  return results.sort(compareResults);
}
