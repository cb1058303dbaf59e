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
