// A snapshot read on two threads: a worker reads the NSG rows (nsg-rows-worker.ts) while this thread reads the
// rest, leaving those rows unparsed; then the worker's NSGs join this thread's builder as if it had read them.
//
// Why it gives the same inventory: each row is read by exactly one thread, the NSG rows in file order by the
// worker, and the normalizer's only state across rows of different types is the `seen` ids and the rule-key
// claims. The merge checks both: it is refused (a "misfit", and the caller reads the file again on one thread)
// when this thread read an NSG row itself, when an id was read on both threads, when a rule's key is not its
// NSG's own, or when any worker row was said in a diagnostic, whose order among this thread's only one read
// would keep. A clean Resource Graph export takes the split read; anything odd costs one more read.
import { Worker } from "node:worker_threads";
import type { InventoryBuilder } from "./builder.ts";
import type { Normalizer } from "./normalize.ts";
import { decodeNsgBatch, nsgRowType, type NsgBatch } from "./nsg-rows.ts";
import { childPrefixes } from "./compact.ts";
import { nativeSpelling } from "./nsg.ts";
import { NsgRuleKeys } from "./security-rules.ts";

export interface NsgRowsInput {
  readonly path: string;
  readonly streamAbove: number;
  /** Rows read between two batches the worker posts. */
  readonly batchRows: number;
}

export type NsgRowsMessage =
  | { readonly kind: "batch"; readonly batch: NsgBatch }
  | {
      readonly kind: "done";
      readonly rows: readonly number[];
      readonly tenants: readonly string[];
      readonly misfit: string | undefined;
    };

/** What the worker read: its batches, the numbers of the rows it parsed, their tenants, or why it cannot merge. */
export interface NsgRows {
  readonly batches: readonly NsgBatch[];
  readonly rows: readonly number[];
  readonly tenants: readonly string[];
  readonly misfit: string | undefined;
}

export interface NsgWorker {
  readonly rows: Promise<NsgRows>;
  /** Stops the worker when this thread's read failed; its rows are not wanted. */
  stop(): Promise<void>;
}

/** About 200 NSGs (8,000 rules) a batch: the worker holds one batch of NSG objects at a time. */
const batchRows = 200;

// The built package runs dist/*.js; a checkout runs the TypeScript sources.
const workerFile = new URL(
  `./nsg-rows-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`,
  import.meta.url,
);

/**
 * Starts the worker on `path`. Its batches wait until this thread has read its own rows, so that an id read on
 * both threads is always found by the merge (a row of this thread read after the NSG was merged would be taken
 * for a later copy). They are small: the rules are numbers, 21 MB of them at 10,000 clusters.
 */
export function startNsgWorker(path: string, streamAbove: number): NsgWorker {
  const input: NsgRowsInput = { path, streamAbove, batchRows };
  const worker = new Worker(workerFile, { workerData: input });
  const batches: NsgBatch[] = [];
  const rows = new Promise<NsgRows>((resolve) => {
    const misfit = (reason: string): void => {
      resolve({ batches: [], rows: [], tenants: [], misfit: reason });
    };
    worker.on("message", (message: NsgRowsMessage) => {
      if (message.kind === "batch") batches.push(message.batch);
      else resolve({ batches, rows: message.rows, tenants: message.tenants, misfit: message.misfit });
    });
    worker.on("error", (error: Error) => {
      misfit(`the worker failed (${error.message})`);
    });
    worker.on("exit", (code) => {
      misfit(`the worker stopped (exit code ${String(code)})`);
    });
  });
  return {
    rows,
    stop: async () => {
      await worker.terminate();
    },
  };
}

function sameRows(left: readonly number[], parsed: readonly number[]): boolean {
  return left.length === parsed.length && left.every((row, index) => row === parsed[index]);
}

/**
 * Adds the worker's NSGs to `normalizer` once both threads are done, in the order the worker read them, claiming
 * their rules' keys as `readNetworkSecurityGroup` does; returns why they cannot be merged, or undefined once they
 * are. `left` are the numbers of the rows this thread left unparsed: the worker must have parsed exactly those, so
 * that no row was read twice or by neither thread (each thread tells NSG rows from the bytes it was given).
 */
export function mergeNsgRows(
  normalizer: Normalizer,
  left: readonly number[],
  rows: NsgRows,
): string | undefined {
  if (rows.misfit !== undefined) return rows.misfit;
  if (!sameRows(left, rows.rows)) return "the threads took different rows for NSG rows";
  const { builder, readTypes } = normalizer.split;
  if (readTypes.has(nsgRowType)) return "an NSG row this thread read itself";
  for (const batch of rows.batches) {
    const misfit = mergeBatch(builder, batch);
    if (misfit !== undefined) return misfit;
  }
  return undefined;
}

function mergeBatch(builder: InventoryBuilder, batch: NsgBatch): string | undefined {
  for (const { group, seen } of decodeNsgBatch(batch, builder.lists)) {
    // One thread would have read both rows, in file order, and said so: the worker's row is not merged.
    if (builder.seen.has(group.key)) return `the id ${group.id}, read on both threads`;
    const keys = new NsgRuleKeys();
    const custom = childPrefixes(group.id, group.key, "securityRules");
    const defaults = childPrefixes(group.id, group.key, "defaultSecurityRules");
    for (const rule of group.securityRules) {
      const spelling = nativeSpelling(rule.isDefault ? defaults : custom, rule.name);
      if (!builder.securityRuleKeys.claim(rule.key, spelling, group.key, keys))
        return `the security rule ${rule.id}, claimed twice`;
    }
    builder.seen.set(group.key, seen);
    builder.networkSecurityGroups.set(group.key, group);
  }
  return undefined;
}
