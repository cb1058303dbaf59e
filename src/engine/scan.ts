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
import { collect, type Collection } from "../collect/collect.ts";
import { readTenantNames } from "../collect/tenant-names.ts";
import { defaultConfig } from "../config/config.ts";
import { deliverEmail } from "../deliver/email-delivery.ts";
import { deliverLogAnalytics } from "../deliver/log-analytics.ts";
import { deliverNotifications } from "../deliver/notify.ts";
import { resolveClusterFqdns, systemResolver } from "../enrich/resolve-dns.ts";
import { createHistory } from "../history/history.ts";
import { mergeObservations } from "../history/observations.ts";
import { scopeKey } from "../history/scope.ts";
import {
  defaultKeepRuns,
  defaultLockTimeoutMs,
  latestRun,
  lockRunStore,
  readTrend,
  saveRun,
  type RunStoreLock,
} from "../history/store.ts";
import { findApiServerEndpoints } from "../inventory/apiserver-endpoints.ts";
import { normalizeCollected } from "../inventory/collected.ts";
import type { Diagnostic, Inventory } from "../inventory/model.ts";
import { buildRelations } from "../inventory/relations.ts";
import { trendRunsShown } from "../report/limits.ts";
import { writeReports, type ReportFormat } from "../report/write.ts";
import type { ApiServerEndpoint, RuleContext } from "../rules/define.ts";
import { rules as ruleCatalog } from "../rules/index.ts";
import { NoScopeError } from "../errors/errors.ts";
import { analyze } from "./analyze.ts";
import { withConversionPlans } from "./conversion-plan.ts";
import { seedDemoHistory } from "./demo-history.ts";
import { reconcile } from "./reconcile.ts";
import { freeGarbage } from "./free-garbage.ts";
import { sortResults } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";
import { runId, runScope, withDroppedRows } from "./run-record.ts";
import { displayNames } from "./names.ts";
import { clusterPostures, summarize } from "./summary.ts";
import { toolInfo } from "./tool.ts";
import { verifyFlaggedClusters } from "./verify-flagged.ts";
import { applyScopeExclusions, planScopeExclusions } from "./scope-exclusions.ts";
import type { PipelineOptions, PipelineOutput, ScanOutcome, ScanRequest } from "./scan-request.ts";

export type { PipelineOptions, PipelineOutput, ScanOutcome, ScanRequest } from "./scan-request.ts";

export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const progress = request.onProgress ?? ((): void => {});
  const { out, email } = request;
  let formats: readonly ReportFormat[] = request.formats ?? ["html", "csv", "json", "md"];
  // The email attaches findings.csv, so a run that mails always writes it.
  if (email && !formats.includes("csv")) formats = [...formats, "csv"];
  const { run, observations, lock } = await collectAndAnalyze(request);
  try {
    // The inventory is garbage now; its pages are reused by the reports rather than grown on top of.
    freeGarbage();
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
  freeGarbage();
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
