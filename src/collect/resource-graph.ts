// The live source: every query over every tenant's scopes through Resource Graph, tenants in parallel (DESIGN §2, §9).
import pLimit from "p-limit";
import type { Diagnostic, RawRow } from "../inventory/model.ts";
import type { CollectedRows, Coverage, CoverageGap } from "./source.ts";
import { graphOrigin } from "./source.ts";
import type { AuthMode, CredentialFactory } from "./auth.ts";
import { createCredentialFactory } from "./auth.ts";
import type { AzureCloud } from "./clouds.ts";
import { resolveCloud } from "./clouds.ts";
import { createGraphClient } from "./graph-client.ts";
import type { GraphClient, GraphClientOptions } from "./graph-client.ts";
import type { Clock } from "./pacing.ts";
import { defaultQuota, systemClock } from "./pacing.ts";
import type { CollectProgress } from "./progress.ts";
import { silentProgress } from "./progress.ts";
import { maxPageSize } from "./paging.ts";
import type { GraphQuery } from "./queries.ts";
import { loadInventoryQueries, loadSubscriptionsQuery } from "./queries.ts";
import { checkBatchSize, defaultBatchSize } from "./scopes.ts";
import { claimSubscriptions } from "./lighthouse.ts";
import { scanTenant } from "./tenant-scan.ts";
import type { TenantResult } from "./tenant-scan.ts";
import { openTenant } from "./tenant-session.ts";
import type { TenantTarget } from "./tenant-session.ts";

export type { TenantTarget } from "./tenant-session.ts";

export interface ResourceGraphOptions {
  readonly tenants: readonly TenantTarget[];
  /** Default `default` (DefaultAzureCredential). */
  readonly auth?: AuthMode;
  /** Default: `@azure/identity` credentials for `auth`; tests pass a fake. */
  readonly credentialFactory?: CredentialFactory;
  /** Default: the public cloud. */
  readonly cloud?: AzureCloud;
  /** Default: every `queries/*.kql`; `query` passes one ad-hoc query. */
  readonly queries?: readonly GraphQuery[];
  /** Subscriptions a request, default 250, always below 300. */
  readonly batchSize?: number;
  /** `$top`, default and maximum 1000. */
  readonly pageSize?: number;
  /** Tenants read at once, default 4; each tenant has its own quota. */
  readonly concurrency?: number;
  /**
   * Queries and subscription batches of one tenant read at once, default 15: Resource Graph's quota a window,
   * so a tenant's first window is used in full and the pacer holds the rest.
   */
  readonly queryConcurrency?: number;
  /** Tests only: an in-process Resource Graph instead of the SDK client. */
  readonly createClient?: (options: GraphClientOptions) => GraphClient;
  /** Per-tenant events for a progress view. */
  readonly progress?: CollectProgress;
  /** Retries of one request on 429, 5xx or network errors, default 6. */
  readonly maxRetries?: number;
  /** One request's deadline before it is abandoned and retried, default 120 s. */
  readonly requestTimeoutMs?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly debug?: (message: string) => void;
}

const defaultConcurrency = 4;
const defaultMaxRetries = 6;
/** Resource Graph answers in seconds; a request silent for minutes is stuck on a dead connection. */
const defaultRequestTimeoutMs = 120_000;

export async function collectResourceGraph(options: ResourceGraphOptions): Promise<CollectedRows> {
  const cloud = options.cloud ?? resolveCloud("public");
  const queries = options.queries ?? (await loadInventoryQueries());
  const context = {
    queries,
    discoveryQuery: await loadSubscriptionsQuery(),
    credentialFactory: options.credentialFactory ?? createCredentialFactory(cloud),
    auth: options.auth ?? "default",
    cloud,
    batchSize: checkBatchSize(options.batchSize ?? defaultBatchSize),
    pageSize: Math.min(options.pageSize ?? maxPageSize, maxPageSize),
    maxRetries: options.maxRetries ?? defaultMaxRetries,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    requestTimeoutMs: options.requestTimeoutMs ?? defaultRequestTimeoutMs,
    queryConcurrency: Math.max(1, options.queryConcurrency ?? defaultQuota),
    progress: options.progress ?? silentProgress,
    createClient: options.createClient ?? createGraphClient,
    debug: options.debug ?? ((): void => undefined),
  };
  const limit = pLimit(options.concurrency ?? defaultConcurrency);
  // Sign in and discover everywhere first: with Lighthouse two tenants may reach one subscription, and which of
  // them reads it is decided over all of them (claimSubscriptions), never by which answered first.
  const opened = await Promise.all(options.tenants.map((tenant) => limit(() => openTenant(tenant, context))));
  const claims = claimSubscriptions(
    opened.map((tenant) => ({ tenantId: tenant.target.tenantId, subscriptions: tenant.subscriptions ?? [] })),
  );
  const results = await Promise.all(
    opened.map((tenant, index) => limit(() => scanTenant(tenant, claims[index] ?? [], context))),
  );
  const diagnostics: Diagnostic[] = [];
  const rows = mergeRows(results, queries, diagnostics);
  return { kind: "resource-graph", rows, coverage: coverageOf(results, queries), diagnostics };
}

function rowId(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === "string" && id !== "" ? id.toLowerCase() : undefined;
}

/** Joins tenants query by query; a resource seen twice (pages, batches, tenants sharing a subscription) appears once. */
function mergeRows(
  results: readonly TenantResult[],
  queries: readonly GraphQuery[],
  diagnostics: Diagnostic[],
): RawRow[] {
  const rows: RawRow[] = [];
  for (const query of queries) {
    const seen = new Set<string>();
    let duplicates = 0;
    for (const result of results) {
      const origin = graphOrigin(result.tenantId, query.name);
      let index = 0;
      for (const value of result.rowsByQuery.get(query.name) ?? []) {
        const key = rowId(value);
        if (key !== undefined && seen.has(key)) {
          duplicates++;
          continue;
        }
        if (key !== undefined) seen.add(key);
        rows.push({ table: query.table, value, source: { origin, row: index++ } });
      }
    }
    if (duplicates > 0) {
      diagnostics.push({
        level: "info",
        code: "duplicate-row",
        message: `${duplicates} repeated row(s) of query ${query.name} dropped`,
        origin: `resource-graph:${query.name}`,
      });
    }
  }
  return rows;
}

/** A table counts as read only when none of its queries has a gap, so table-dependent rules never judge on half the data. */
function coverageOf(results: readonly TenantResult[], queries: readonly GraphQuery[]): Coverage {
  const gaps: CoverageGap[] = results.flatMap((result) => result.gaps);
  const failedQueries = new Set(gaps.map((gap) => gap.query));
  const tables = [
    ...new Set(queries.filter((query) => !failedQueries.has(query.name)).map((query) => query.table)),
  ].sort();
  return { complete: gaps.length === 0, scopes: results.map((result) => result.scope), gaps, tables };
}
