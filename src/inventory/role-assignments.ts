// Reads role assignments (`authorizationresources`, `microsoft.authorization/roleassignments`).
import type { RowReader } from "./builder.ts";
import { nameFromId } from "./arm-id.ts";
import { nonEmpty } from "./read.ts";

export const readRoleAssignment: RowReader = (row, base, into) => {
  const properties = row.object("properties");
  const roleDefinitionId = nonEmpty(properties.string("roleDefinitionId"));
  const principalId = nonEmpty(properties.string("principalId"));
  if (roleDefinitionId === undefined || principalId === undefined) {
    row.report(
      "error",
      "malformed-row",
      "role assignment lacks properties.roleDefinitionId or principalId; skipped, export authorizationresources again",
    );
    return;
  }
  into.roleAssignments.push({
    id: base.id,
    key: base.key,
    // Without a scope the assignment sits where its id says: the id up to /providers/Microsoft.Authorization.
    scope:
      nonEmpty(properties.string("scope")) ??
      base.id.replace(/\/providers\/microsoft\.authorization\/roleassignments\/[^/]*$/i, ""),
    roleDefinitionGuid: nameFromId(roleDefinitionId).toLowerCase(),
    principalId,
    principalType: nonEmpty(properties.string("principalType")),
    source: base.source,
  });
};
