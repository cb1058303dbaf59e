// The normalize stage: collected rows become an inventory, whole or, for `scan --input`, row by row as the
// snapshot is parsed, so raw rows are never held.
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { unparsedElement } from "../collect/json-stream.ts";
import { NotStreamable, readSnapshot, streamSnapshot, streamsTableRows } from "../collect/snapshot.ts";
import { streamingThreshold } from "../collect/snapshot-parse.ts";
import type { CollectedRows } from "../collect/source.ts";
import type { Inventory, RawRow } from "./model.ts";
import { createNormalizer, normalize } from "./normalize.ts";
import { isNsgRowText } from "./nsg-rows.ts";
import { mergeNsgRows, startNsgWorker } from "./parallel-read.ts";

export function normalizeCollected(collected: CollectedRows): Inventory {
  return normalize(collected.rows, { tables: collected.coverage.tables });
}

/** A raw row's tenant, lower-cased, for the run's scope (see `runScope`). */
export function rowTenantId(row: RawRow): string | undefined {
  const tenantId = (row.value as { tenantId?: unknown } | null)?.tenantId;
  return typeof tenantId === "string" && tenantId !== "" ? tenantId.toLowerCase() : undefined;
}

/** What `readSnapshot` + `normalizeCollected` give, with the rows reduced to what the scan still needs of them. */
export interface SnapshotInventory {
  /** Coverage and diagnostics of the read; `rows` is empty, they are in `inventory`. */
  readonly collected: CollectedRows;
  readonly inventory: Inventory;
  readonly rowCount: number;
  /** The rows' tenants, lower-cased, for `runScope`. */
  readonly tenants: ReadonlySet<string>;
  /** Whether a worker read the NSG rows (parallel-read.ts), and if one tried and was not used, why. */
  readonly split: { readonly used: boolean; readonly misfit?: string };
}

/**
 * A file this large has its NSG rows read on a worker. Below it the worker's start (loading the normalizer's
 * modules, about 0.3 s) costs more than the rows it takes over.
 */
export const splitReadAbove = 64 * 1024 * 1024;

export interface ReadOptions {
  /** Size in bytes above which a file is streamed (see `streamSnapshot`); tests lower it. */
  readonly streamAbove?: number;
  /** Size in bytes above which a single file's NSG rows are read on a worker; tests lower it. */
  readonly splitAbove?: number;
  /** Threads the machine can run at once; the split needs two (a second thread on one core only slows both). */
  readonly threads?: number;
}

async function splitReadable(paths: readonly string[], streamAbove: number, splitAbove: number) {
  if (paths.length !== 1) return false;
  try {
    const stats = await stat(paths[0]!);
    // A file of another shape is read whole: the worker would hold its rows as well as this thread.
    return (
      stats.isFile() && stats.size > Math.max(streamAbove, splitAbove) && (await streamsTableRows(paths[0]!))
    );
  } catch {
    // The one-thread read says what is wrong with the path.
    return false;
  }
}

/** Streamed rows counted, their tenants kept, and each normalized (or, read elsewhere, skipped). */
class RowSink {
  readonly normalizer = createNormalizer();
  readonly tenants = new Set<string>();
  count = 0;

  add(row: RawRow): void {
    this.count++;
    const tenantId = rowTenantId(row);
    if (tenantId !== undefined) this.tenants.add(tenantId);
    this.normalizer.add(row);
  }

  skip(): void {
    this.count++;
    this.normalizer.skip();
  }

  inventory(read: Omit<CollectedRows, "rows">, split: SnapshotInventory["split"]): SnapshotInventory {
    const collected: CollectedRows = { ...read, rows: [] };
    const inventory = this.normalizer.finish({ tables: collected.coverage.tables });
    return { collected, inventory, rowCount: this.count, tenants: this.tenants, split };
  }
}

/** `readSnapshotInventory` with a worker reading the NSG rows; a misfit when the halves cannot be merged exactly. */
async function readSplit(path: string, streamAbove: number): Promise<SnapshotInventory | { misfit: string }> {
  const worker = startNsgWorker(path, streamAbove);
  const sink = new RowSink();
  const left: number[] = [];
  let read: Omit<CollectedRows, "rows">;
  try {
    read = await streamSnapshot(
      [path],
      (row) => {
        if (row.value !== unparsedElement) {
          sink.add(row);
          return;
        }
        left.push(row.source.row);
        sink.skip();
      },
      streamAbove,
      isNsgRowText,
    );
  } catch (error) {
    await worker.stop();
    return {
      misfit: `this thread's read failed (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const rows = await worker.rows;
  const misfit = mergeNsgRows(sink.normalizer, left, rows);
  if (misfit !== undefined) return { misfit };
  for (const tenantId of rows.tenants) sink.tenants.add(tenantId);
  return sink.inventory(read, { used: true });
}

/**
 * Same inventory, coverage and diagnostics as reading the snapshot whole and normalizing it. Raw rows of a
 * 500 MB snapshot take about three times the file in memory, so keeping none of them is what keeps the peak
 * of a large scan down.
 */
export async function readSnapshotInventory(
  paths: readonly string[],
  options: ReadOptions = {},
): Promise<SnapshotInventory> {
  const { streamAbove = streamingThreshold, splitAbove = splitReadAbove } = options;
  const threads = options.threads ?? availableParallelism();
  let misfit: string | undefined;
  if (threads >= 2 && (await splitReadable(paths, streamAbove, splitAbove))) {
    const read = await readSplit(paths[0]!, streamAbove);
    if (!("misfit" in read)) return read;
    misfit = read.misfit;
  }
  const split = misfit === undefined ? { used: false } : { used: false, misfit };
  const sink = new RowSink();
  try {
    const read = await streamSnapshot(
      paths,
      (row) => {
        sink.add(row);
      },
      streamAbove,
    );
    return sink.inventory(read, split);
  } catch (error) {
    if (!(error instanceof NotStreamable)) throw error;
  }
  // A file whose shape was only known after its rows went out: read everything again, whole.
  const collected = await readSnapshot(paths);
  const rowTenants = new Set(collected.rows.map(rowTenantId).filter((tenant) => tenant !== undefined));
  const inventory = normalizeCollected(collected);
  return {
    collected: { ...collected, rows: [] },
    inventory,
    rowCount: collected.rows.length,
    tenants: rowTenants,
    split,
  };
}
