// The first phase of a tenant's scan: one credential, one Resource Graph client and one pacer for its principal,
// signed in, with the subscriptions it can read found (Lighthouse delegations included).
import type { CoverageGap } from "./source.ts";
import type { AuthMode, CredentialFactory } from "./auth.ts";
import type { AzureCloud } from "./clouds.ts";
import { CollectOptionError } from "./errors.ts";
import { CredentialError, GraphRequestError } from "./graph-client.ts";
import type { GraphClient, GraphClientOptions } from "./graph-client.ts";
import { PrincipalPacer } from "./pacing.ts";
import type { Clock, RetryOptions } from "./pacing.ts";
import { readAllPages } from "./paging.ts";
import type { CollectProgress } from "./progress.ts";
import type { GraphQuery } from "./queries.ts";
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
    now: () => context.clock.now(),
    onResponse: (headers, arrivedAt) => {
      pacer.observe(headers, arrivedAt);
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
export function endsTenant(error: unknown): boolean {
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
