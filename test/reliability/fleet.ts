// Snapshot rows for the reliability tests: one known-good integrated cluster, and a generated fleet of any size.

const subscriptionId = "00000000-0000-0000-0000-0000000000a1";
const network = `/subscriptions/${subscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network`;
const clusters = `/subscriptions/${subscriptionId}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters`;

export function vnetId(index = 0): string {
  return `${network}/virtualNetworks/vnet${index}`;
}

export function clusterId(name: string): string {
  return `${clusters}/${name}`;
}

/** A VNet with a node /24 and a delegated API server /28 for cluster number `index`. */
export function virtualNetwork(index = 0): Record<string, unknown> {
  const id = vnetId(index);
  const second = index % 250;
  const first = 10 + Math.floor(index / 250);
  return {
    id,
    name: `vnet${index}`,
    type: "microsoft.network/virtualnetworks",
    subscriptionId,
    tenantId: "tenant-a",
    location: "westeurope",
    properties: {
      addressSpace: { addressPrefixes: [`${first}.${second}.0.0/16`] },
      subnets: [
        {
          id: `${id}/subnets/nodes`,
          name: "nodes",
          properties: { addressPrefix: `${first}.${second}.0.0/24` },
        },
        {
          id: `${id}/subnets/apiserver`,
          name: "apiserver",
          properties: {
            addressPrefix: `${first}.${second}.1.0/28`,
            delegations: [
              { name: "aks", properties: { serviceName: "Microsoft.ContainerService/managedClusters" } },
            ],
          },
        },
      ],
    },
  };
}

/** A cluster on VNet `index`, integrated or not; `properties` replaces the generated ones when given. */
export function managedCluster(
  name: string,
  index = 0,
  integrated = true,
  properties?: unknown,
): Record<string, unknown> {
  const subnets = `${vnetId(index)}/subnets`;
  return {
    id: clusterId(name),
    name,
    type: "Microsoft.ContainerService/managedClusters",
    subscriptionId,
    tenantId: "tenant-a",
    location: "westeurope",
    properties:
      properties === undefined
        ? {
            apiServerAccessProfile: integrated
              ? { enableVnetIntegration: true, subnetId: `${subnets}/apiserver` }
              : {},
            agentPoolProfiles: [{ name: "system", count: 3, vnetSubnetID: `${subnets}/nodes` }],
            powerState: { code: "Running" },
            nodeResourceGroup: `MC_rg-aks_${name}_westeurope`,
          }
        : properties,
  };
}

/** The good rows every bad-input case sits beside: rows 0 (VNet) and 1 (cluster `aks-good`). */
export const goodRows: readonly Record<string, unknown>[] = [virtualNetwork(0), managedCluster("aks-good")];

/** `count` VNets and clusters, every third cluster not integrated, as one ARG row array. */
export function generatedFleet(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => [
    virtualNetwork(index),
    managedCluster(`aks-${String(index).padStart(4, "0")}`, index, index % 3 !== 0),
  ]).flat();
}
