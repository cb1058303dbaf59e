// The normalize stage: collected rows become an inventory, whole or, for `scan --input`, row by row as the
// snapshot is parsed, so raw rows are never held.
import { NotStreamable, readSnapshot, streamSnapshot } from "../collect/snapshot.ts";
import type { CollectedRows } from "../collect/source.ts";
import type { Inventory, RawRow } from "./model.ts";
import { createNormalizer, normalize } from "./normalize.ts";

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
}

/**
 * Same inventory, coverage and diagnostics as reading the snapshot whole and normalizing it. Raw rows of a
 * 500 MB snapshot take about three times the file in memory, so keeping none of them is what keeps the peak
 * of a large scan down.
 */
export async function readSnapshotInventory(
  paths: readonly string[],
  /** Size in bytes above which a file is streamed (see `streamSnapshot`); tests lower it. */
  streamAbove?: number,
): Promise<SnapshotInventory> {
  const normalizer = createNormalizer();
  const tenants = new Set<string>();
  let rowCount = 0;
  try {
    const read = await streamSnapshot(
      paths,
      (row) => {
        rowCount++;
        const tenantId = rowTenantId(row);
        if (tenantId !== undefined) tenants.add(tenantId);
        normalizer.add(row);
      },
      streamAbove,
    );
    const collected: CollectedRows = { ...read, rows: [] };
    return {
      collected,
      inventory: normalizer.finish({ tables: collected.coverage.tables }),
      rowCount,
      tenants,
    };
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
  };
}
