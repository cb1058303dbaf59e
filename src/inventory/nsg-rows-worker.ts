// The worker half of a split read (parallel-read.ts): reads a snapshot's NSG rows, leaves every other row
// unparsed, and posts the NSGs in batches as nsg-rows.ts writes them.
import { parentPort, workerData } from "node:worker_threads";
import { unparsedElement } from "../collect/json-stream.ts";
import { streamSnapshot } from "../collect/snapshot.ts";
import { rowTenantId } from "./collected.ts";
import { createNormalizer } from "./normalize.ts";
import { encodeNsgBatch, isNsgRowText, nsgRowType } from "./nsg-rows.ts";
import type { NsgRowsInput, NsgRowsMessage } from "./parallel-read.ts";

const { path, streamAbove, batchRows } = workerData as NsgRowsInput;
const post = (message: NsgRowsMessage, transfer: ArrayBuffer[] = []): void =>
  parentPort?.postMessage(message, transfer);

const normalizer = createNormalizer();
const { builder } = normalizer.split;
const tenants = new Set<string>();
const read: number[] = [];
let misfit: string | undefined;
let sinceBatch = 0;

/**
 * The NSGs read since the last batch go out and are let go here, so this thread holds one batch of NSGs rather
 * than the fleet's. The keys they claimed stay: a later duplicate is still found (and makes the read a misfit).
 */
function sendBatch(): void {
  sinceBatch = 0;
  if (misfit !== undefined || builder.networkSecurityGroups.size === 0) return;
  const batch = encodeNsgBatch([...builder.networkSecurityGroups.values()], builder.seen);
  builder.networkSecurityGroups.clear();
  if (batch === undefined) misfit = "a security rule whose priority is not a 32-bit integer";
  else post({ kind: "batch", batch }, [batch.rules.buffer]);
}

try {
  await streamSnapshot(
    [path],
    (row) => {
      if (row.value === unparsedElement) {
        normalizer.skip();
        return;
      }
      read.push(row.source.row);
      const tenantId = rowTenantId(row);
      if (tenantId !== undefined) tenants.add(tenantId);
      normalizer.add(row);
      if (++sinceBatch >= batchRows) sendBatch();
    },
    streamAbove,
    (head) => !isNsgRowText(head),
  );
  sendBatch();
  const otherTypes = [...normalizer.split.readTypes].filter((type) => type !== nsgRowType);
  if (otherTypes.length > 0) misfit ??= `rows of type ${otherTypes.join(", ")}`;
  if (normalizer.split.saidAnything()) misfit ??= "rows with diagnostics";
  // Its batches carried such a rule's ids as its NSG's own; they are not merged.
  if (builder.securityRuleKeys.foreignCount > 0) misfit ??= "a security rule whose id is not its NSG's own";
  post({ kind: "done", rows: read, tenants: [...tenants], misfit });
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  post({ kind: "done", rows: [], tenants: [], misfit: `the worker's read failed (${reason})` });
}
