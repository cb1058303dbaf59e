// Runs every query over one tenant's scopes with one credential, one client and one pacer; failures become coverage gaps.
import pLimit from "p-limit";
import type { CoverageGap, CoverageScope } from "./source.ts";
import { CollectOptionError } from "./errors.ts";
import { readAllPages } from "./paging.ts";
import type { ScopeBatch } from "./paging.ts";
import type { GraphQuery } from "./queries.ts";
import { batchScope, managementGroupBatches, subscriptionBatches } from "./scopes.ts";
import { delegatedFrom } from "./lighthouse.ts";
import {
  endsTenant,
  errorGap,
  type OpenedTenant,
  type TenantContext,
  type TenantSession,
} from "./tenant-session.ts";
import type { DiscoveredSubscription } from "./lighthouse.ts";

export interface TenantResult {
  readonly tenantId: string;
  readonly scope: CoverageScope;
  /** Rows per query name, in Azure's order. */
  readonly rowsByQuery: ReadonlyMap<string, readonly unknown[]>;
  readonly gaps: readonly CoverageGap[];
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
