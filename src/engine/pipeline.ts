// The scan pipeline after collection: normalize → analyze → reconcile → one RunRecord (DESIGN §2).
import { createHash } from "node:crypto";
import type { CollectedRows, Coverage, CoverageGap } from "../collect/source.ts";
import type { Config } from "../config/config.ts";
import { createHistory } from "../history/history.ts";
import { mergeObservations, type Observations } from "../history/observations.ts";
import type { StoredRun } from "../history/run-files.ts";
import { findApiServerEndpoints } from "../inventory/apiserver-endpoints.ts";
import type { Diagnostic, Inventory, RawRow } from "../inventory/model.ts";
import { normalize } from "../inventory/normalize.ts";
import { buildRelations } from "../inventory/relations.ts";
import type { ApiServerEndpoint, Rule, RuleContext } from "../rules/define.ts";
import { analyze } from "./analyze.ts";
import { withConversionPlans } from "./conversion-plan.ts";
import { reconcile } from "./reconcile.ts";
import { compareResults, type Result } from "./result.ts";
import type { RunRecord, ToolInfo } from "./run.ts";
import { displayNames } from "./names.ts";
import { clusterPostures, summarize } from "./summary.ts";

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
  readonly inventory?: Inventory;
  /** Diagnostics of enrich steps (DNS, ARM verification) that belong in the run. */
  readonly extraDiagnostics?: readonly Diagnostic[];
  /** Tenant display names (lower-cased id → name) from ARM `GET /tenants` or the config. */
  readonly tenantNames?: Readonly<Record<string, string>>;
}

export interface PipelineOutput {
  readonly run: RunRecord;
  readonly inventory: Inventory;
  /** History to store with this run: the previous observations plus what this run saw. */
  readonly observations: Observations;
}

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
  const results = sortResults(reconciled.results);
  // A finding missing from an incomplete scan may only be out of reach; calling it resolved would be a lie.
  const resolved = coverage.complete ? sortResults(reconciled.resolved) : [];
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
    },
    coverage,
    summary: summarize(inventory, results, resolved),
    results,
    resolved,
    diagnostics,
    clusters: clusterPostures(inventory, results, names),
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

export function normalizeCollected(collected: CollectedRows): Inventory {
  return normalize(collected.rows, { tables: collected.coverage.tables });
}

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

/** A raw row's tenant, lower-cased, for `runScope`. */
export function rowTenantId(row: RawRow): string | undefined {
  const tenantId = (row.value as { tenantId?: unknown } | null)?.tenantId;
  return typeof tenantId === "string" && tenantId !== "" ? tenantId.toLowerCase() : undefined;
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

function sortResults(results: Result[]): Result[] {
  return results.sort(compareResults);
}
