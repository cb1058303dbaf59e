// Reads every page of one query over one scope batch, in order (each page needs the previous one's `$skipToken`); `$top` halved when a page is too large.
import { GraphRequestError } from "./graph-client.ts";
import type { GraphClient, GraphRequest } from "./graph-client.ts";
import { withRetries } from "./pacing.ts";
import type { RetryOptions } from "./pacing.ts";

/** Resource Graph's largest page. */
export const maxPageSize = 1000;

export interface ScopeBatch {
  readonly subscriptions?: readonly string[];
  readonly managementGroups?: readonly string[];
}

export interface BatchResult {
  readonly rows: readonly unknown[];
  /** `resultTruncated: "true"` on some page: Azure dropped rows, which must become a coverage gap. */
  readonly resultTruncated: boolean;
}

/** A 400 that says the page is too big; fewer rows a page fixes it. */
export function isPayloadTooLarge(error: unknown): boolean {
  if (!(error instanceof GraphRequestError) || error.statusCode !== 400) return false;
  return [error.code, ...error.detailCodes].some((code) => /toolarge|size/i.test(code));
}

/** KQL text, or a query with the request options it needs on every page. */
export type PagedQuery = string | (Pick<GraphRequest, "authorizationScopeFilter"> & { readonly kql: string });

export async function readAllPages(
  client: GraphClient,
  pagedQuery: PagedQuery,
  batch: ScopeBatch,
  pageSize: number,
  retry: RetryOptions,
  /** Called with each page's row count as it arrives. */
  onPage?: (rows: number) => void,
): Promise<BatchResult> {
  const rows: unknown[] = [];
  let resultTruncated = false;
  let top = Math.min(pageSize, maxPageSize);
  let skipToken: string | undefined;
  const { kql: query, authorizationScopeFilter } =
    typeof pagedQuery === "string" ? { kql: pagedQuery, authorizationScopeFilter: undefined } : pagedQuery;
  for (;;) {
    const request: GraphRequest = {
      query,
      ...batch,
      top,
      ...(skipToken ? { skipToken } : {}),
      ...(authorizationScopeFilter ? { authorizationScopeFilter } : {}),
    };
    try {
      const page = await withRetries(() => client.resources(request), retry);
      for (const row of page.rows) rows.push(row);
      onPage?.(page.rows.length);
      resultTruncated ||= page.resultTruncated;
      skipToken = page.skipToken;
      if (skipToken === undefined || skipToken === "") return { rows, resultTruncated };
    } catch (error) {
      if (!isPayloadTooLarge(error) || top === 1) throw error;
      top = Math.max(1, Math.floor(top / 2));
      retry.debug(`page too large; retrying with $top ${top}`);
    }
  }
}
