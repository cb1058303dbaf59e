// Re-nests the Azure CLI's flattened output (`az … show -o json`: ARM `properties` at the top level) into ARM shape.
// The CLI prints its Python SDK models, which flatten `properties` and spell names in camelCase
// (learn.microsoft.com/cli/azure/format-output-azure-cli shows `hardwareProfile` at the top of `az vm list`).
import { isRecord, ownValue } from "./read.ts";

/** Keys ARM keeps outside `properties`; `resourceGroup` is what the CLI (and Resource Graph) adds beside them. */
const envelopeKeys: ReadonlySet<string> = new Set([
  "id",
  "name",
  "type",
  "kind",
  "location",
  "tags",
  "sku",
  "identity",
  "systemData",
  "etag",
  "eTag",
  "zones",
  "extendedLocation",
  "managedBy",
  "plan",
  "tenantId",
  "subscriptionId",
  "resourceGroup",
]);

/**
 * Per lower-cased type, property names of which at least one must sit at the top level for a row without
 * `properties` to be read as CLI output (DESIGN §3: type + known top-level keys + no `properties`).
 */
const knownTopLevelKeys: Readonly<Record<string, readonly string[]>> = {
  "microsoft.containerservice/managedclusters": [
    "agentPoolProfiles",
    "apiServerAccessProfile",
    "networkProfile",
    "kubernetesVersion",
    "currentKubernetesVersion",
    "nodeResourceGroup",
    "powerState",
    "dnsPrefix",
    "fqdn",
  ],
  "microsoft.containerservice/managedclusters/agentpools": [
    "count",
    "vmSize",
    "vnetSubnetId",
    "vnetSubnetID",
    "maxPods",
    "mode",
    "orchestratorVersion",
    "osType",
  ],
  "microsoft.network/virtualnetworks": ["addressSpace", "subnets", "encryption"],
  "microsoft.network/virtualnetworks/subnets": [
    "addressPrefix",
    "addressPrefixes",
    "delegations",
    "ipConfigurations",
    "networkSecurityGroup",
    "serviceAssociationLinks",
  ],
  "microsoft.network/networksecuritygroups": ["securityRules", "defaultSecurityRules", "subnets"],
  "microsoft.network/networksecuritygroups/securityrules": ["priority", "direction", "access", "protocol"],
  "microsoft.network/networksecuritygroups/defaultsecurityrules": ["priority", "direction", "access"],
  "microsoft.network/loadbalancers": ["frontendIpConfigurations", "frontendIPConfigurations"],
  "microsoft.network/networkinterfaces": ["ipConfigurations"],
  "microsoft.network/privateendpoints": ["subnet", "networkInterfaces", "privateLinkServiceConnections"],
  "microsoft.network/ipgroups": ["ipAddresses"],
};

/** Arrays of sub-resources the CLI flattens too (each item's `properties` at its own top level). */
const subResourceArrays: ReadonlySet<string> = new Set([
  "subnets",
  "securityRules",
  "defaultSecurityRules",
  "frontendIPConfigurations",
  "ipConfigurations",
  "privateLinkServiceConnections",
  "manualPrivateLinkServiceConnections",
  "delegations",
  "serviceAssociationLinks",
]);

/** CLI camelCase of the SDK's snake_case names → ARM's spelling, where the two differ (acronyms). */
const armSpelling: Readonly<Record<string, string>> = {
  frontendIpConfigurations: "frontendIPConfigurations",
  privateIpAddress: "privateIPAddress",
  privateIpAllocationMethod: "privateIPAllocationMethod",
  publicIpAddress: "publicIPAddress",
  vnetSubnetId: "vnetSubnetID",
  podSubnetId: "podSubnetID",
  privateFqdn: "privateFQDN",
  azurePortalFqdn: "azurePortalFQDN",
  enablePrivateClusterPublicFqdn: "enablePrivateClusterPublicFQDN",
  authorizedIpRanges: "authorizedIPRanges",
  privateDnsZone: "privateDNSZone",
};

/** Keys whose values are maps keyed by data (tag names, identity ids), never renamed inside. */
const dataMaps: ReadonlySet<string> = new Set(["tags", "userAssignedIdentities", "nodeLabels"]);

function armSpelled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(armSpelled);
  if (!isRecord(value)) return value;
  const entries = Object.keys(value).map((key): [string, unknown] => {
    const child = ownValue(value, key);
    return [armSpelling[key] ?? key, dataMaps.has(key) ? child : armSpelled(child)];
  });
  return Object.fromEntries(entries);
}

/** `{ id, name, type, …rest }` → `{ id, name, type, properties: { …rest } }`, sub-resource arrays too. */
function nest(record: Record<string, unknown>): Record<string, unknown> {
  const envelope: [string, unknown][] = [];
  const properties: [string, unknown][] = [];
  for (const key of Object.keys(record)) {
    const child = ownValue(record, key);
    if (envelopeKeys.has(key)) envelope.push([key, child]);
    else if (subResourceArrays.has(key) && Array.isArray(child))
      properties.push([
        key,
        (child as unknown[]).map((item) => (isRecord(item) && !hasProperties(item) ? nest(item) : item)),
      ]);
    else properties.push([key, child]);
  }
  return Object.fromEntries([...envelope, ["properties", Object.fromEntries(properties)]]);
}

function hasProperties(record: Record<string, unknown>): boolean {
  const properties = ownValue(record, "properties");
  return properties !== undefined && properties !== null;
}

/**
 * The ARM shape of a CLI-flattened row of `type` (lower-cased), or undefined when the row is not one: it has
 * `properties`, or none of the type's known keys sits at its top level.
 */
export function renestFlattened(
  row: Record<string, unknown>,
  type: string,
): Record<string, unknown> | undefined {
  if (hasProperties(row)) return undefined;
  const known = knownTopLevelKeys[type];
  if (known === undefined || !known.some((key) => Object.hasOwn(row, key))) return undefined;
  return nest(armSpelled(row) as Record<string, unknown>);
}
