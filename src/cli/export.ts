// `export --out FILE [--mask]`: writes the collected rows as a snapshot that `scan --input` replays.
import { rename, writeFile } from "node:fs/promises";
import type { CollectedRows, Coverage, SnapshotFile } from "../collect/source.ts";
import { collect } from "../collect/collect.ts";
import type { ResourceGraphOptions } from "../collect/resource-graph.ts";
import { addSubscriptionIdsIn, replaceSubscriptionIds } from "../report/mask.ts";

export interface ExportCommandOptions extends ResourceGraphOptions {
  readonly out: string;
  /** Replace subscription ids everywhere in the file with stable placeholders. */
  readonly mask?: boolean;
  readonly now?: () => Date;
}

/**
 * Masks subscription ids (those the rows name in `subscriptionId` or in `/subscriptions/{id}` paths) as
 * `00000000-0000-0000-0000-00000000000N`, the same id always the same mask, so ids still join across tables.
 */
export function maskSubscriptions(text: string, subscriptionIds: ReadonlySet<string>): string {
  const masks = new Map<string, string>();
  return replaceSubscriptionIds(text, subscriptionIds, (found) => {
    const key = found.toLowerCase();
    let mask = masks.get(key);
    if (mask === undefined) {
      mask = `00000000-0000-0000-0000-${String(masks.size + 1).padStart(12, "0")}`;
      masks.set(key, mask);
    }
    return mask;
  });
}

function subscriptionIdsOf(collected: CollectedRows): Set<string> {
  const ids = new Set<string>();
  for (const row of collected.rows) {
    const value = row.value as { subscriptionId?: unknown; id?: unknown } | null;
    if (typeof value?.subscriptionId === "string") ids.add(value.subscriptionId.toLowerCase());
    if (typeof value?.id === "string") addSubscriptionIdsIn(value.id, ids);
  }
  for (const scope of collected.coverage.scopes)
    for (const id of scope.subscriptions ?? []) ids.add(id.toLowerCase());
  return ids;
}

export function toSnapshot(collected: CollectedRows, exportedAt: Date): SnapshotFile {
  const tables: Record<string, unknown[]> = {};
  for (const row of collected.rows) (tables[row.table] ??= []).push(row.value);
  const coverage: Coverage = collected.coverage;
  return {
    kind: "aks-vnet-audit-snapshot",
    schemaVersion: 1,
    exportedAt: exportedAt.toISOString(),
    coverage,
    tables,
  };
}

export function snapshotText(collected: CollectedRows, exportedAt: Date, mask: boolean): string {
  const text = JSON.stringify(toSnapshot(collected, exportedAt), null, 2) + "\n";
  return mask ? maskSubscriptions(text, subscriptionIdsOf(collected)) : text;
}

/** Collects and writes the snapshot (temp file, then rename); exit code 0, or 3 when coverage is incomplete. */
export async function runExportCommand(options: ExportCommandOptions): Promise<number> {
  const { collected } = await collect({ kind: "live", options });
  const text = snapshotText(collected, (options.now ?? (() => new Date()))(), options.mask ?? false);
  const temporary = `${options.out}.${process.pid}.tmp`;
  await writeFile(temporary, text, "utf8");
  await rename(temporary, options.out);
  return collected.coverage.complete ? 0 : 3;
}
