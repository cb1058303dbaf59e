// A 10,000-cluster inventory lists about 490,000 NIC ipConfiguration ids (130 MB of text) in its subnets, and
// for every subnet but an API server subnet the rules read only how many there are (node subnet exhaustion).
// Once every row is read, such a subnet keeps the count and lets the ids go.
import type { InventoryBuilder } from "./builder.ts";
import { noItems } from "./compact.ts";
import { idKey, type Subnet } from "./model.ts";
import { isApiServerSubnetByContent } from "./relations.ts";

/** Lists this short cost less than the check; they are kept as read. */
const keptLength = 8;

/** Whether a rule may read the subnet's ids: an API server subnet, named by a cluster or by its content. */
function idsAreRead(subnet: Subnet, apiServerSubnetKeys: ReadonlySet<string>): boolean {
  return apiServerSubnetKeys.has(subnet.key) || isApiServerSubnetByContent(subnet);
}

function withCountOnly(subnet: Subnet): Subnet {
  return { ...subnet, ipConfigurationIds: noItems, ipConfigurationCount: subnet.ipConfigurationIds.length };
}

/** Replaces, in the subnet index and in their VNets, every subnet whose ids no rule reads by its count-only copy. */
export function releaseUnreadIpConfigurationIds(into: InventoryBuilder): void {
  const apiServerSubnetKeys = new Set<string>();
  for (const cluster of into.clusters.values()) {
    const subnetId = cluster.apiServerAccessProfile.subnetId;
    if (subnetId !== undefined && subnetId !== "") apiServerSubnetKeys.add(idKey(subnetId));
  }
  const released = new Map<Subnet, Subnet>();
  for (const [key, subnet] of into.subnets) {
    if (subnet.ipConfigurationIds.length <= keptLength || idsAreRead(subnet, apiServerSubnetKeys)) continue;
    const copy = withCountOnly(subnet);
    released.set(subnet, copy);
    into.subnets.set(key, copy);
  }
  if (released.size === 0) return;
  for (const vnet of into.virtualNetworks.values())
    vnet.subnets.forEach((subnet, index) => {
      const copy = released.get(subnet);
      if (copy !== undefined) vnet.subnets[index] = copy;
    });
}
