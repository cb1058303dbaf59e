// ARM bodies in the row layout Resource Graph returns for the `resources` table: the body's fields, its type
// lower-cased, and the columns Resource Graph adds (tenantId, resourceGroup, subscriptionId). See
// https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language#resource-graph-tables
// and the samples' output at https://learn.microsoft.com/azure/governance/resource-graph/samples/starter.

export function resourceGraphRow(body: Record<string, unknown>, tenantId: string): Record<string, unknown> {
  const id = String(body.id);
  const segments = id.split("/");
  return {
    id,
    name: body.name,
    type: String(body.type).toLowerCase(),
    tenantId,
    kind: "",
    location: body.location,
    resourceGroup: (segments[4] ?? "").toLowerCase(),
    subscriptionId: segments[2],
    managedBy: "",
    sku: null,
    plan: null,
    properties: body.properties,
    tags: body.tags ?? {},
    identity: null,
    zones: null,
    extendedLocation: null,
  };
}
