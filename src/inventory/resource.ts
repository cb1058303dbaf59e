// The fields every ARM resource shares, read from a row with gaps filled from the id (ARM GET bodies lack them).
import { nameFromId, resourceGroupFromId, subscriptionFromId } from "./arm-id.ts";
import { idKey, type ArmResource, type SourceRef } from "./model.ts";
import type { Node } from "./read.ts";

/** Tag values are strings in Azure; scalars of another type are kept as text, anything else is dropped. */
function readTags(row: Node): Record<string, string> {
  const tags: [string, string][] = [];
  for (const [name, value] of row.object("tags").entries()) {
    const raw = value.value;
    if (typeof raw === "string") tags.push([name, raw]);
    else if (typeof raw === "number" || typeof raw === "boolean") tags.push([name, String(raw)]);
  }
  // fromEntries defines own properties, so a tag named "__proto__" cannot touch the prototype.
  return Object.fromEntries(tags);
}

/**
 * `subscriptionId` or `resourceGroup` of a row, which ARM derives from the id: a value that contradicts the id
 * (a garbled or hand-edited export) is said and the id's is used, since the resource lives where its id says.
 */
function fieldOfId(row: Node, key: string, fromId: string | undefined): string {
  const field = row.string(key);
  if (fromId === undefined) return field ?? "";
  if (field === undefined || field.toLowerCase() === fromId.toLowerCase()) return field ?? fromId;
  row.report(
    "warning",
    "field-mismatch",
    `is ${JSON.stringify(field)}, but the id says ${JSON.stringify(fromId)}; the id's is used`,
    key,
  );
  return fromId;
}

export function readArmResource(row: Node, id: string, type: string, source: SourceRef): ArmResource {
  return {
    id,
    key: idKey(id),
    name: row.string("name") ?? nameFromId(id),
    type,
    tenantId: row.string("tenantId") ?? "",
    subscriptionId: fieldOfId(row, "subscriptionId", subscriptionFromId(id)),
    resourceGroup: fieldOfId(row, "resourceGroup", resourceGroupFromId(id)),
    location: row.string("location") ?? "",
    tags: readTags(row),
    source,
  };
}
