// Runs every query over one tenant's scopes with one credential, one client and one pacer; failures become coverage gaps.
import pLimit from "p-limit";
import type { CoverageGap, CoverageScope } from "./source.ts";
import type { AuthMode, CredentialFactory } from "./auth.ts";
import type { AzureCloud } from "./clouds.ts";
import { CollectOptionError } from "./errors.ts";
import { CredentialError, GraphRequestError } from "./graph-client.ts";
import type { GraphClient, GraphClientOptions } from "./graph-client.ts";
import { PrincipalPacer } from "./pacing.ts";
import type { Clock, RetryOptions } from "./pacing.ts";
import { readAllPages } from "./paging.ts";
import type { ScopeBatch } from "./paging.ts";
import type { CollectProgress } from "./progress.ts";
import type { GraphQuery } from "./queries.ts";
import { batchScope, managementGroupBatches, subscriptionBatches } from "./scopes.ts";

export interface TenantTarget {
  readonly tenantId: string;
  readonly subscriptions?: readonly string[];
  readonly managementGroups?: readonly string[];
  /** Overrides the run's `--auth` for this tenant. */
  readonly auth?: AuthMode;
}

export interface TenantContext {
  readonly queries: readonly GraphQuery[];
  readonly discoveryQuery: GraphQuery;
  readonly credentialFactory: CredentialFactory;
  readonly auth: AuthMode;
  readonly cloud: AzureCloud;
  readonly batchSize: number;
  readonly pageSize: number;
  readonly maxRetries: number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly requestTimeoutMs: number;
  /** Queries and batches of one tenant read at once (each query's pages still one after the other). */
  readonly queryConcurrency: number;
  readonly progress: CollectProgress;
  /** `createGraphClient`, unless a test puts an in-process Resource Graph in its place. */
  readonly createClient: (options: GraphClientOptions) => GraphClient;
  readonly debug: (message: string) => void;
}

export interface TenantResult {
  readonly tenantId: string;
  readonly scope: CoverageScope;
  /** Rows per query name, in Azure's order. */
  readonly rowsByQuery: ReadonlyMap<string, readonly unknown[]>;
  readonly gaps: readonly CoverageGap[];
}

interface TenantSession {
  readonly client: GraphClient;
  readonly retry: RetryOptions;
  readonly pacer: PrincipalPacer;
  readonly onPage: (rows: number) => void;
}

function openSession(target: TenantTarget, context: TenantContext): TenantSession {
  const tenantId = target.tenantId;
  const progress = context.progress;
  // The credential is this tenant's principal: one pacer for every request it makes.
  const pacer = new PrincipalPacer(context.clock, {
    assumedQuota: context.queryConcurrency,
    onQuotaWait: (ms) => {
      progress.quotaWait(tenantId, ms);
    },
  });
  const credential = context.credentialFactory(target.tenantId, target.auth ?? context.auth);
  const debug = (message: string): void => {
    context.debug(`[${target.tenantId}] ${message}`);
  };
  const client = context.createClient({
    credential,
    cloud: context.cloud,
    onResponse: (headers) => {
      pacer.observe(headers);
    },
    requestTimeoutMs: context.requestTimeoutMs,
    debug,
  });
  return {
    client,
    pacer,
    onPage: (rows) => {
      progress.pageRead(tenantId, rows);
    },
    retry: {
      clock: context.clock,
      pacer,
      random: context.random,
      maxRetries: context.maxRetries,
      debug,
      onRetry: () => {
        progress.retried(tenantId);
      },
    },
  };
}

export function errorGap(
  tenantId: string,
  error: unknown,
  scope?: readonly string[],
  query?: string,
): CoverageGap {
  const code =
    error instanceof GraphRequestError
      ? error.code
      : error instanceof CredentialError
        ? "credentialUnavailable"
        : "Error";
  const message = error instanceof Error ? error.message : String(error);
  return { tenantId, code, message, ...(scope ? { scope } : {}), ...(query ? { query } : {}) };
}

/** A token failure or a 401 ends the tenant: every further request would fail the same way. */
function endsTenant(error: unknown): boolean {
  return error instanceof CredentialError || (error instanceof GraphRequestError && error.statusCode === 401);
}

async function discoverSubscriptions(session: TenantSession, context: TenantContext): Promise<string[]> {
  const result = await readAllPages(
    session.client,
    context.discoveryQuery.kql,
    {},
    context.pageSize,
    session.retry,
    session.onPage,
  );
  return result.rows
    .map((row) => (row as { subscriptionId?: unknown }).subscriptionId)
    .filter((id): id is string => typeof id === "string" && id !== "");
}

async function resolveBatches(
  target: TenantTarget,
  session: TenantSession,
  context: TenantContext,
): Promise<{ scope: CoverageScope; batches: ScopeBatch[] }> {
  if (target.subscriptions && target.subscriptions.length > 0) {
    return {
      scope: { tenantId: target.tenantId, subscriptions: target.subscriptions },
      batches: subscriptionBatches(target.subscriptions, context.batchSize),
    };
  }
  if (target.managementGroups && target.managementGroups.length > 0) {
    return {
      scope: { tenantId: target.tenantId, managementGroups: target.managementGroups },
      batches: managementGroupBatches(target.managementGroups),
    };
  }
  const subscriptions = await discoverSubscriptions(session, context);
  context.debug(`[${target.tenantId}] discovered ${subscriptions.length} subscriptions`);
  return {
    scope: { tenantId: target.tenantId, subscriptions },
    batches: subscriptionBatches(subscriptions, context.batchSize),
  };
}

export async function scanTenant(target: TenantTarget, context: TenantContext): Promise<TenantResult> {
  const tenantId = target.tenantId;
  const rowsByQuery = new Map<string, unknown[]>();
  const gaps: CoverageGap[] = [];
  let scope: CoverageScope = { tenantId };
  try {
    const session = openSession(target, context);
    const resolved = await resolveBatches(target, session, context);
    scope = resolved.scope;
    if (resolved.batches.length === 0) {
      gaps.push({
        tenantId,
        code: "noSubscriptions",
        message: `No subscription of tenant ${tenantId} is visible to this principal`,
      });
    }
    context.progress.tenantStarted(tenantId, context.queries.length * resolved.batches.length);
    await runQueries(resolved.batches, session, context, { tenantId, rowsByQuery, gaps });
    if (session.pacer.subscriptionLimitHit) {
      gaps.push({
        tenantId,
        code: "tenantSubscriptionLimitHit",
        message:
          "Resource Graph capped the subscriptions of a tenant-wide query (x-ms-tenant-subscription-limit-hit); pass --subscription or --management-group",
      });
    }
  } catch (error) {
    // A missing secret or a bad option is the user's to fix, not a gap in coverage.
    if (error instanceof CollectOptionError) throw error;
    gaps.push(errorGap(tenantId, error));
  }
  context.progress.tenantDone(tenantId);
  return { tenantId, scope, rowsByQuery, gaps };
}

interface Collected {
  readonly tenantId: string;
  readonly rowsByQuery: Map<string, unknown[]>;
  readonly gaps: CoverageGap[];
}

/** One query over one batch: its rows, or the gap it became. */
type Outcome = { rows: readonly unknown[]; gap?: CoverageGap } | { rows?: undefined; gap: CoverageGap };

async function readOne(
  query: GraphQuery,
  batch: ScopeBatch,
  session: TenantSession,
  context: TenantContext,
  tenantId: string,
): Promise<Outcome> {
  try {
    const result = await readAllPages(
      session.client,
      query,
      batch,
      context.pageSize,
      session.retry,
      session.onPage,
    );
    if (!result.resultTruncated) return { rows: result.rows };
    const gap: CoverageGap = {
      tenantId,
      scope: batchScope(batch),
      query: query.name,
      code: "resultTruncated",
      message: "Resource Graph truncated the result (resultTruncated: true)",
    };
    return { rows: result.rows, gap };
  } catch (error) {
    if (endsTenant(error)) throw error;
    return { gap: errorGap(tenantId, error, batchScope(batch), query.name) };
  } finally {
    context.progress.queryDone(tenantId);
  }
}

/**
 * Every query over every batch, `queryConcurrency` at once under the principal's one pacer, so page latency
 * overlaps instead of adding up. Rows and gaps are joined in query and batch order afterwards, so the result is
 * the same as reading them one after the other.
 */
async function runQueries(
  batches: readonly ScopeBatch[],
  session: TenantSession,
  context: TenantContext,
  collected: Collected,
): Promise<void> {
  const limit = pLimit(context.queryConcurrency);
  let ended: { error: unknown } | undefined;
  const outcomes = context.queries.map((query) =>
    batches.map((batch) =>
      limit(async (): Promise<Outcome | undefined> => {
        if (ended) return undefined;
        try {
          return await readOne(query, batch, session, context, collected.tenantId);
        } catch (error) {
          // A token failure ends the tenant: what has not started yet would fail the same way.
          ended ??= { error };
          return undefined;
        }
      }),
    ),
  );
  for (const [index, query] of context.queries.entries()) {
    const rows: unknown[] = [];
    collected.rowsByQuery.set(query.name, rows);
    for (const outcome of await Promise.all(outcomes[index]!)) {
      if (outcome?.rows) for (const row of outcome.rows) rows.push(row);
      if (outcome?.gap) collected.gaps.push(outcome.gap);
    }
  }
  if (ended) throw ended.error;
}
