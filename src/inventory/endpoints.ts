// Reads the API server endpoint evidence: load balancer frontends, private endpoints and network interfaces.
import { readIpAddress } from "./addresses.ts";
import type { RowReader } from "./builder.ts";
import type { NetworkInterfaceIpConfiguration } from "./model.ts";
import { ContentGaps } from "./content-gaps.ts";
import { nonEmpty, type Node } from "./read.ts";

/** LB frontends and NIC ipConfigurations share one shape: `{ id, name, properties: { privateIPAddress, subnet } }`. */
function readIpConfiguration(
  configuration: Node,
  holderId: string,
  child: string,
  gaps: ContentGaps,
): NetworkInterfaceIpConfiguration {
  // Without its properties a frontend or NIC configuration has no address: evidence missing, and said.
  const properties = configuration.content(gaps);
  const name = configuration.string("name") ?? "";
  return {
    id: nonEmpty(configuration.string("id")) ?? `${holderId}/${child}/${name}`,
    name,
    privateIpAddress: readIpAddress(properties, "privateIPAddress"),
    subnetId: properties.reference("subnet"),
  };
}

export const readLoadBalancer: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  // ARM always lists them (an API server's load balancer has its frontend there): absent is content left out.
  properties.requireList("frontendIPConfigurations", gaps);
  const frontends = properties.objects("frontendIPConfigurations", { gaps });
  into.loadBalancers.set(base.key, {
    ...base,
    frontendIpConfigurations: frontends.map((frontend) =>
      readIpConfiguration(frontend, base.id, "frontendIPConfigurations", gaps),
    ),
    ...gaps.field,
  });
};

export const readNetworkInterface: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  into.networkInterfaces.set(base.key, {
    ...base,
    ipConfigurations: properties
      .objects("ipConfigurations", { gaps })
      .map((configuration) => readIpConfiguration(configuration, base.id, "ipConfigurations", gaps)),
    privateEndpointId: properties.reference("privateEndpoint"),
    ...gaps.field,
  });
};

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value) => value !== undefined))];
}

export const readPrivateEndpoint: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  const dropped = { gaps };
  const connections = [
    ...properties.objects("privateLinkServiceConnections", dropped),
    ...properties.objects("manualPrivateLinkServiceConnections", dropped),
  ].map((connection) => connection.object("properties"));
  const dnsAddresses = properties
    .objects("customDnsConfigs", dropped)
    .flatMap((config) => config.strings("ipAddresses"));
  const staticAddresses = properties
    .objects("ipConfigurations", { gaps })
    .map((config) => readIpAddress(config.object("properties"), "privateIPAddress"));
  into.privateEndpoints.set(base.key, {
    ...base,
    subnetId: properties.reference("subnet"),
    networkInterfaceIds: properties.references("networkInterfaces", dropped),
    privateLinkServiceIds: unique(
      connections.map((connection) => nonEmpty(connection.string("privateLinkServiceId"))),
    ),
    groupIds: unique(connections.flatMap((connection) => connection.strings("groupIds"))),
    privateIpAddresses: unique([...dnsAddresses, ...staticAddresses]),
    ...gaps.field,
  });
};
