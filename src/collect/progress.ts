// What the live collector tells a progress view while it runs: per tenant, requests as they go and quota waits.
/** Events of one tenant's collection; every method is optional to call and cheap. */
export interface CollectProgress {
  /** The tenant's scope is known: `queries` is queries × scope batches, the units counted as done. */
  tenantStarted(tenantId: string, queries: number): void;
  /** One page arrived with this many rows. */
  pageRead(tenantId: string, rows: number): void;
  /** One query over one batch is complete (or failed and became a gap). */
  queryDone(tenantId: string): void;
  retried(tenantId: string): void;
  /** Requests of this tenant wait this long for the quota to reset. */
  quotaWait(tenantId: string, ms: number): void;
  tenantDone(tenantId: string): void;
  /**
   * A Resource Graph answer carried the quota headers the pacer reads (`x-ms-user-quota-remaining`,
   * `x-ms-user-quota-resets-after`); `doctor` reports them. Optional: a progress view has no use for it.
   */
  quotaSeen?(tenantId: string, quota: QuotaHeaders): void;
}

/** The throttling headers of one Resource Graph answer, as sent. */
export interface QuotaHeaders {
  readonly remaining: string;
  readonly resetsAfter?: string;
}

export const silentProgress: CollectProgress = {
  tenantStarted: () => undefined,
  pageRead: () => undefined,
  queryDone: () => undefined,
  retried: () => undefined,
  quotaWait: () => undefined,
  tenantDone: () => undefined,
};
