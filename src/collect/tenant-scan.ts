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
import { delegatedFrom } from "./lighthouse.ts";
import type { DiscoveredSubscription } from "./lighthouse.ts";

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

export interface TenantSession {
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
      const remaining = headers("x-ms-user-quota-remaining");
      const resetsAfter = headers("x-ms-user-quota-resets-after");
      if (remaining !== undefined)
        progress.quotaSeen?.(tenantId, { remaining, ...(resetsAfter !== undefined ? { resetsAfter } : {}) });
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

/**
 * Tenant-wide discovery. Resource Graph also returns the subscriptions other tenants delegated to this principal
 * through Azure Lighthouse, each row with its own `tenantId`
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language#query-scope).
 */
async function discoverSubscriptions(
  target: TenantTarget,
  session: TenantSession,
  context: TenantContext,
): Promise<DiscoveredSubscription[]> {
  const result = await readAllPages(
    session.client,
    context.discoveryQuery.kql,
    {},
    context.pageSize,
    session.retry,
    session.onPage,
  );
  return result.rows.flatMap((row): DiscoveredSubscription[] => {
    const { subscriptionId, tenantId } = row as { subscriptionId?: unknown; tenantId?: unknown };
    if (typeof subscriptionId !== "string" || subscriptionId === "") return [];
    const home = typeof tenantId === "string" && tenantId !== "" ? tenantId : target.tenantId;
    return [{ subscriptionId, tenantId: home }];
  });
}

/** A tenant signed in and its reach known (first phase of a run), or the gap that ended it there. */
export interface OpenedTenant {
  readonly target: TenantTarget;
  readonly session?: TenantSession;
  /** What the tenant can read: given with `--subscription`, or discovered tenant-wide; undefined for management groups. */
  readonly subscriptions?: readonly DiscoveredSubscription[];
  readonly gaps: readonly CoverageGap[];
}

/** Signs in and finds the tenant's subscriptions; nothing is read yet, so the run can first decide who reads what. */
export async function openTenant(target: TenantTarget, context: TenantContext): Promise<OpenedTenant> {
  const tenantId = target.tenantId;
  try {
    const session = openSession(target, context);
    if (target.subscriptions && target.subscriptions.length > 0) {
      const subscriptions = target.subscriptions.map((subscriptionId) => ({ subscriptionId, tenantId }));
      return { target, session, subscriptions, gaps: [] };
    }
    if (target.managementGroups && target.managementGroups.length > 0) return { target, session, gaps: [] };
    const subscriptions = await discoverSubscriptions(target, session, context);
    context.debug(`[${tenantId}] discovered ${subscriptions.length} subscriptions`);
    return { target, session, subscriptions, gaps: [] };
  } catch (error) {
    // A missing secret or a bad option is the user's to fix, not a gap in coverage.
    if (error instanceof CollectOptionError) throw error;
    return { target, gaps: [errorGap(tenantId, error)] };
  }
}

function scopeOf(
  opened: OpenedTenant,
  kept: readonly DiscoveredSubscription[],
  context: TenantContext,
): { scope: CoverageScope; batches: ScopeBatch[] } {
  const { tenantId, managementGroups } = opened.target;
  if (opened.subscriptions === undefined && managementGroups && managementGroups.length > 0) {
    return { scope: { tenantId, managementGroups }, batches: managementGroupBatches(managementGroups) };
  }
  const subscriptions = kept.map((subscription) => subscription.subscriptionId);
  const delegated = delegatedFrom(tenantId, kept);
  context.debug(
    `[${tenantId}] scanning ${subscriptions.length} subscriptions (${delegated.length} delegated through Azure Lighthouse)`,
  );
  return {
    scope: {
      tenantId,
      subscriptions,
      ...(delegated.length > 0 ? { delegatedSubscriptions: delegated } : {}),
    },
    batches: subscriptionBatches(subscriptions, context.batchSize),
  };
}

/**
 * Second phase: every query over the subscriptions this tenant was given (`kept`, out of what it can read; the
 * rest another tenant of the run reads).
 */
export async function scanTenant(
  opened: OpenedTenant,
  kept: readonly DiscoveredSubscription[],
  context: TenantContext,
): Promise<TenantResult> {
  const tenantId = opened.target.tenantId;
  const rowsByQuery = new Map<string, unknown[]>();
  const gaps: CoverageGap[] = [...opened.gaps];
  const session = opened.session;
  if (session === undefined) {
    context.progress.tenantDone(tenantId);
    return { tenantId, scope: { tenantId }, rowsByQuery, gaps };
  }
  const { scope, batches } = scopeOf(opened, kept, context);
  try {
    // A tenant whose every subscription another tenant of the run reads has nothing left to read, and no gap.
    if (batches.length === 0 && (opened.subscriptions?.length ?? 0) === 0) {
      gaps.push({
        tenantId,
        code: "noSubscriptions",
        message: `No subscription of tenant ${tenantId} is visible to this principal`,
      });
    }
    context.progress.tenantStarted(tenantId, context.queries.length * batches.length);
    await runQueries(batches, session, context, { tenantId, rowsByQuery, gaps });
    if (session.pacer.subscriptionLimitHit) {
      gaps.push({
        tenantId,
        code: "tenantSubscriptionLimitHit",
        message:
          "Resource Graph capped the subscriptions of a tenant-wide query (x-ms-tenant-subscription-limit-hit); pass --subscription or --management-group",
      });
    }
  } catch (error) {
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
