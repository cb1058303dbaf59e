// Reads virtual networks with their subnets, and subnets that come as rows of their own (ARM GET of a subnet).
import { readAddresses, strictPrefixes } from "./addresses.ts";
import { parentIdBefore } from "./arm-id.ts";
import { addOnce, type InventoryBuilder, type RowReader } from "./builder.ts";
import { idKey, type Delegation, type Subnet } from "./model.ts";
import { ContentGaps } from "./content-gaps.ts";
import { nonEmpty, type Node } from "./read.ts";
import { childIds, childPrefixes, exactList, type ChildPrefixes, type SharedLists } from "./compact.ts";

/** A delegation without its service name could be the one to managedClusters: a content gap, never "not delegated". */
function readDelegations(properties: Node, gaps: ContentGaps): Delegation[] {
  const delegations: Delegation[] = [];
  for (const delegation of properties.objects("delegations", { gaps })) {
    const serviceName = nonEmpty(
      delegation.object("properties").string("serviceName") ?? delegation.string("serviceName"),
    );
    if (serviceName !== undefined) {
      delegations.push({ serviceName });
      continue;
    }
    delegation.report(
      "warning",
      "missing-field",
      "has no serviceName; verdicts that need the subnet's delegation answer unverified, export the VNet again",
    );
    gaps.add(`${delegation.path} has no serviceName`);
  }
  return delegations;
}

/** `addressPrefixes` when present (dual-stack, multi-prefix subnets), else the single `addressPrefix`. */
function readSubnetPrefixes(properties: Node): string[] {
  const plural = properties.strings("addressPrefixes");
  if (plural.length > 0) return readAddresses(properties, "addressPrefixes", strictPrefixes);
  return readAddresses(properties, "addressPrefix", strictPrefixes);
}

/**
 * A subnet object; its VNet's prefixes name it when it lacks its own id (and share their strings with its id
 * when it has one, see childIds). Undefined when it has neither id nor name.
 */
function readSubnet(
  subnet: Node,
  lists: SharedLists,
  vnetKey: string,
  prefixes: ChildPrefixes,
): Subnet | undefined {
  const name = nonEmpty(subnet.string("name"));
  const id =
    nonEmpty(subnet.string("id")) ?? (name === undefined ? undefined : `${prefixes.idPrefix}${name}`);
  if (id === undefined) {
    subnet.report("error", "malformed-row", "subnet has neither id nor name; skipped, export the VNet again");
    return undefined;
  }
  const gaps = new ContentGaps();
  const properties = subnet.content(gaps);
  const dropped = { gaps };
  const addressPrefixes = readSubnetPrefixes(properties);
  if (properties.exists && addressPrefixes.length === 0 && !properties.has("addressPrefix"))
    properties.requireList("addressPrefixes", gaps);
  // Fields named one by one: spreading the ids in first left V8 room for two fields in the object and put the
  // rest in a second array of its own, for each of 150,000 subnets (400,000 security rules, nsg.ts).
  const ids = childIds(id, name, prefixes);
  return {
    id: ids.id,
    key: ids.key,
    name: name ?? id.split("/").at(-1) ?? "",
    vnetKey,
    addressPrefixes: lists.list(addressPrefixes),
    delegations: exactList(readDelegations(properties, gaps)),
    networkSecurityGroupId: properties.reference("networkSecurityGroup"),
    ipConfigurationIds: exactList(properties.references("ipConfigurations", dropped)),
    privateEndpointIds: exactList(properties.references("privateEndpoints", dropped)),
    serviceAssociationLinkTypes: lists.list(
      properties
        .objects("serviceAssociationLinks")
        .map((link) => nonEmpty(link.object("properties").string("linkedResourceType")))
        .filter((type) => type !== undefined),
    ),
    ...gaps.field,
  };
}

export const readVirtualNetwork: RowReader = (row, base, into) => {
  const gaps = new ContentGaps();
  const properties = row.content(gaps);
  properties.requireList("subnets", gaps);
  const subnets: Subnet[] = [];
  const prefixes = childPrefixes(base.id, base.key, "subnets");
  for (const node of properties.eachObject("subnets", { gaps })) {
    const subnet = readSubnet(node, into.lists, base.key, prefixes);
    if (subnet !== undefined && addOnce(into.subnets, subnet.key, subnet, node, subnet.id))
      subnets.push(subnet);
  }
  into.virtualNetworks.set(base.key, {
    ...base,
    addressPrefixes: readAddresses(properties.object("addressSpace"), "addressPrefixes", strictPrefixes),
    encryptionEnabled: properties.object("encryption").boolean("enabled") ?? false,
    subnets,
    ...gaps.field,
  });
};

export const readStandaloneSubnet: RowReader = (row, base, into) => {
  const vnetId = parentIdBefore(base.id, "subnets") ?? base.id;
  const vnetKey = idKey(vnetId);
  const subnet = readSubnet(row, into.lists, vnetKey, childPrefixes(vnetId, vnetKey, "subnets"));
  if (subnet !== undefined)
    into.standaloneSubnets.push({ ...subnet, id: base.id, key: base.key, name: base.name });
};

/** Standalone subnet rows join the inventory unless their VNet already listed them (the VNet's copy wins). */
export function mergeStandaloneSubnets(into: InventoryBuilder): void {
  for (const subnet of into.standaloneSubnets) {
    if (into.subnets.has(subnet.key)) continue;
    into.subnets.set(subnet.key, subnet);
    into.virtualNetworks.get(subnet.vnetKey)?.subnets.push(subnet);
  }
}
