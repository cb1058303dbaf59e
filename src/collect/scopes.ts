// Splits a tenant's scope into request batches: subscriptions below Resource Graph's 300 limit, or management groups.
import { CollectOptionError } from "./errors.ts";
import type { ScopeBatch } from "./paging.ts";

/** Resource Graph rejects more than 300 subscriptions in one request. */
export const subscriptionLimit = 300;
export const defaultBatchSize = 250;

export function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize >= subscriptionLimit) {
    throw new CollectOptionError(
      `Batch size ${batchSize} must be a whole number from 1 to ${subscriptionLimit - 1}`,
    );
  }
  return batchSize;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** Subscription ids compare case-insensitively; keep the first spelling. */
function unique(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function subscriptionBatches(subscriptions: readonly string[], batchSize: number): ScopeBatch[] {
  return chunks(unique(subscriptions), checkBatchSize(batchSize)).map((batch) => ({ subscriptions: batch }));
}

/** One management group a request: a request never mixes them with subscriptions, and each has its own limit. */
export function managementGroupBatches(managementGroups: readonly string[]): ScopeBatch[] {
  return unique(managementGroups).map((managementGroup) => ({ managementGroups: [managementGroup] }));
}

/** The ids a batch names, for coverage gaps. */
export function batchScope(batch: ScopeBatch): readonly string[] {
  return batch.subscriptions ?? batch.managementGroups ?? [];
}
