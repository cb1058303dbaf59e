// Reads role assignments and role definitions (`authorizationresources`).
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

/** A definition names its GUID in `name`; an ARM GET body also ends its id with it. */
export const readRoleDefinition: RowReader = (row, base, into) => {
  const properties = row.object("properties");
  const key = (nonEmpty(row.string("name")) ?? nameFromId(base.id)).toLowerCase();
  into.roleDefinitions.set(key, {
    id: base.id,
    key,
    roleName: nonEmpty(properties.string("roleName")) ?? key,
    roleType: nonEmpty(properties.string("type")),
    permissions: properties.objects("permissions").map((permission) => ({
      actions: permission.strings("actions"),
      notActions: permission.strings("notActions"),
    })),
    source: base.source,
  });
};
