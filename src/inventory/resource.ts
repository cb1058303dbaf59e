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

export function readArmResource(row: Node, id: string, type: string, source: SourceRef): ArmResource {
  return {
    id,
    key: idKey(id),
    name: row.string("name") ?? nameFromId(id),
    type,
    tenantId: row.string("tenantId") ?? "",
    subscriptionId: row.string("subscriptionId") ?? subscriptionFromId(id) ?? "",
    resourceGroup: row.string("resourceGroup") ?? resourceGroupFromId(id) ?? "",
    location: row.string("location") ?? "",
    tags: readTags(row),
    source,
  };
}
