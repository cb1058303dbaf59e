// Runs every query over one tenant's scopes with one credential and one client; failures become coverage gaps.
import type { CoverageGap, CoverageScope } from "./source.ts";
import type { AuthMode, CredentialFactory } from "./auth.ts";
import type { AzureCloud } from "./clouds.ts";
import { CollectOptionError } from "./errors.ts";
import { CredentialError, GraphRequestError, createGraphClient } from "./graph-client.ts";
import type { GraphClient } from "./graph-client.ts";
import { TenantPacer } from "./pacing.ts";
import type { Clock, RetryOptions } from "./pacing.ts";
import { readAllPages } from "./paging.ts";
import type { ScopeBatch } from "./paging.ts";
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
  readonly pacer: TenantPacer;
}

function openSession(target: TenantTarget, context: TenantContext): TenantSession {
  const pacer = new TenantPacer(context.clock);
  const credential = context.credentialFactory(target.tenantId, target.auth ?? context.auth);
  const debug = (message: string): void => {
    context.debug(`[${target.tenantId}] ${message}`);
  };
  const client = createGraphClient({
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
    retry: { clock: context.clock, pacer, random: context.random, maxRetries: context.maxRetries, debug },
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
  return { tenantId, scope, rowsByQuery, gaps };
}

interface Collected {
  readonly tenantId: string;
  readonly rowsByQuery: Map<string, unknown[]>;
  readonly gaps: CoverageGap[];
}

async function runQueries(
  batches: readonly ScopeBatch[],
  session: TenantSession,
  context: TenantContext,
  collected: Collected,
): Promise<void> {
  for (const query of context.queries) {
    const rows: unknown[] = [];
    collected.rowsByQuery.set(query.name, rows);
    for (const batch of batches) {
      try {
        const result = await readAllPages(session.client, query, batch, context.pageSize, session.retry);
        rows.push(...result.rows);
        if (result.resultTruncated) {
          collected.gaps.push({
            tenantId: collected.tenantId,
            scope: batchScope(batch),
            query: query.name,
            code: "resultTruncated",
            message: "Resource Graph truncated the result (resultTruncated: true)",
          });
        }
      } catch (error) {
        if (endsTenant(error)) throw error;
        collected.gaps.push(errorGap(collected.tenantId, error, batchScope(batch), query.name));
      }
    }
  }
}
