// ARM resource id parsing: the type, subscription, resource group and parent encoded in an id.
// ARM GET bodies and hand-made snapshots often lack `type`, `subscriptionId` and `resourceGroup`; the id has them.

function segments(id: string): string[] {
  return id.split("/").filter((segment) => segment !== "");
}

/**
 * `/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/x` →
 * `microsoft.network/virtualnetworks/subnets`. The last `providers` segment wins, so extension resources
 * (`…/providers/Microsoft.Resources/changes/c`) get their own type.
 */
export function typeFromId(id: string): string | undefined {
  const parts = segments(id);
  let providers = -1;
  for (let index = parts.length - 2; index >= 0; index--) {
    if (parts[index]!.toLowerCase() === "providers") {
      providers = index;
      break;
    }
  }
  // `/subscriptions/{id}` (an ARM GET of a subscription, `az account show`) names no provider.
  if (providers < 0)
    return parts.length === 2 && parts[0]!.toLowerCase() === "subscriptions"
      ? "microsoft.resources/subscriptions"
      : undefined;
  const namespace = parts[providers + 1]!;
  const types: string[] = [];
  for (let index = providers + 2; index + 1 < parts.length; index += 2) types.push(parts[index]!);
  if (types.length === 0) return undefined;
  return [namespace, ...types].join("/").toLowerCase();
}

/** The segment after `name` (case-insensitive), e.g. `subscriptions` → the subscription GUID. */
function segmentAfter(id: string, name: string): string | undefined {
  const parts = segments(id);
  const index = parts.findIndex((part) => part.toLowerCase() === name);
  return index >= 0 ? parts[index + 1] : undefined;
}

export function subscriptionFromId(id: string): string | undefined {
  return segmentAfter(id, "subscriptions");
}

export function resourceGroupFromId(id: string): string | undefined {
  return segmentAfter(id, "resourcegroups");
}

/** The id's last segment: the resource name. */
export function nameFromId(id: string): string {
  return segments(id).at(-1) ?? "";
}

/**
 * The id up to (not including) `/<childType>/`, matched case-insensitively:
 * `parentIdBefore(subnetId, "subnets")` is the VNet id. Undefined when the id has no such segment.
 */
export function parentIdBefore(id: string, childType: string): string | undefined {
  const index = id.toLowerCase().lastIndexOf(`/${childType.toLowerCase()}/`);
  return index > 0 ? id.slice(0, index) : undefined;
}

/**
 * Why `id` is not a well-formed ARM resource id, or undefined when it is. ARM ids are
 * `/subscriptions/{guid}[/resourceGroups/{name}]/providers/{Namespace}/{type}/{name}[/{type}/{name}…]`,
 * optionally with `/providers/{Namespace}/{type}/{name}` pairs again for extension resources, or the same
 * provider part below `/providers/Microsoft.Management/managementGroups/{id}` or at tenant scope (`/providers/…`).
 * After each namespace the segments come in type/name pairs: an odd count is a name or a type missing, the
 * malformed shape `…/firewallPolicies/ruleCollectionGroups/<policy>/ruleCollectionGroups/<group>` among them.
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#resourceid
 */
export function armIdProblem(id: string): string | undefined {
  if (!id.startsWith("/")) return "does not start with '/'";
  if (id.length > 1 && id.endsWith("/")) return "ends with '/'";
  const parts = id.slice(1).split("/");
  if (parts.some((part) => part === "")) return "has an empty segment ('//')";
  let index = 0;
  if (parts[0]!.toLowerCase() === "subscriptions") {
    // Not checked as a GUID: the REST API specs' own examples use `subid`, and ARM is the judge of the value.
    if (parts[1] === undefined) return "has no subscription after /subscriptions";
    index = 2;
    if (parts[index]?.toLowerCase() === "resourcegroups") {
      if (parts[index + 1] === undefined) return "has no name after /resourceGroups";
      index += 2;
    }
    if (index === parts.length) return undefined;
  }
  if (index === parts.length) return "names no resource";
  // The rest is one or more `providers/{Namespace}/{type}/{name}…` runs.
  while (index < parts.length) {
    if (parts[index]!.toLowerCase() !== "providers")
      return `has '${parts[index]!}' where 'providers' belongs`;
    const namespace = parts[index + 1];
    if (namespace === undefined || !namespace.includes(".")) return "has no resource provider namespace";
    let next = parts.findIndex((part, at) => at > index + 1 && part.toLowerCase() === "providers");
    if (next < 0) next = parts.length;
    const pairs = parts.slice(index + 2, next);
    if (pairs.length === 0) return `names no resource type under ${namespace}`;
    if (pairs.length % 2 !== 0)
      return `has ${String(pairs.length)} segments under ${namespace}, not type/name pairs`;
    index = next;
  }
  return undefined;
}
