// Reads change records: ARG `resourcechanges` rows and the older change-API shape (`changeId`, `resourceId`, snapshots).
import type { InventoryBuilder, RowReader } from "./builder.ts";
import { idKey, type ResourceChange, type SourceRef } from "./model.ts";
import { isRecord, nonEmpty, ownValue, type Node } from "./read.ts";

type PropertyChange = ResourceChange["changes"][string];

/** Change values come as strings, booleans, numbers or objects; rules compare them as text ("false", "Running"). */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function readPropertyChanges(changes: Node): Record<string, PropertyChange> {
  const entries = changes
    .entries()
    .map(([path, change]): [string, PropertyChange] => [
      path,
      { before: asText(change.raw("previousValue")), after: asText(change.raw("newValue")) },
    ]);
  // fromEntries defines own properties, so a path named "__proto__" stays data.
  return Object.fromEntries(entries);
}

export const readResourceChange: RowReader = (row, base, into) => {
  const properties = row.object("properties");
  const targetResourceId = nonEmpty(properties.string("targetResourceId"));
  if (targetResourceId === undefined) {
    row.report(
      "error",
      "malformed-row",
      "change record has no properties.targetResourceId; skipped, export resourcechanges again",
    );
    return;
  }
  into.resourceChanges.push({
    id: base.id,
    targetKey: idKey(targetResourceId),
    targetResourceId,
    changeType: properties.string("changeType") ?? "Update",
    timestamp: properties.object("changeAttributes").string("timestamp") ?? "",
    changes: readPropertyChanges(properties.object("changes")),
    source: base.source,
  });
};

/** True for the 2020-09-01-preview change API shape, which has `changeId` + `resourceId` and no `id`. */
export function isLegacyChange(row: Node): boolean {
  return (
    !row.has("id") && typeof row.raw("changeId") === "string" && typeof row.raw("resourceId") === "string"
  );
}

const maxDepth = 32;
const maxLeaves = 20_000;

/** Scalar leaves of a snapshot's `content` by dotted path, bounded so hostile input cannot run away. */
function flatten(value: unknown, path: string, into: Map<string, unknown>, depth: number): void {
  if (into.size >= maxLeaves || depth > maxDepth) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      flatten(item, `${path}[${index}]`, into, depth + 1);
    });
  } else if (isRecord(value)) {
    for (const key of Object.keys(value))
      flatten(ownValue(value, key), path === "" ? key : `${path}.${key}`, into, depth + 1);
  } else into.set(path, value);
}

function diffSnapshots(before: unknown, after: unknown): Record<string, PropertyChange> {
  const beforeLeaves = new Map<string, unknown>();
  const afterLeaves = new Map<string, unknown>();
  flatten(before, "", beforeLeaves, 0);
  flatten(after, "", afterLeaves, 0);
  const entries: [string, PropertyChange][] = [];
  for (const path of new Set([...beforeLeaves.keys(), ...afterLeaves.keys()])) {
    const change = { before: asText(beforeLeaves.get(path)), after: asText(afterLeaves.get(path)) };
    if (change.before !== change.after) entries.push([path, change]);
  }
  return Object.fromEntries(entries);
}

export function readLegacyChange(row: Node, source: SourceRef, into: InventoryBuilder): void {
  const targetResourceId = row.string("resourceId") ?? "";
  const beforeSnapshot = row.object("beforeSnapshot");
  const afterSnapshot = row.object("afterSnapshot");
  const withContent = beforeSnapshot.has("content") && afterSnapshot.has("content");
  into.resourceChanges.push({
    id: row.string("changeId") ?? "",
    targetKey: idKey(targetResourceId),
    targetResourceId,
    changeType: row.string("changeType") ?? "Update",
    timestamp: afterSnapshot.string("timestamp") ?? beforeSnapshot.string("timestamp") ?? "",
    changes: withContent ? diffSnapshots(beforeSnapshot.raw("content"), afterSnapshot.raw("content")) : {},
    source,
  });
}
