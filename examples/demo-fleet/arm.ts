// Row builders for the demo fleet: one function per resource kind, in the shape Azure Resource Graph returns.
import { createHash } from "node:crypto";
import { realElement, realProperties } from "./real-shapes.ts";

export type Json =
  string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };
/** One ARG row. Keys set to undefined are left out when written, as ARG leaves out absent properties. */
export type Row = Readonly<Record<string, Json | undefined>> & { readonly id: string };

/** Where a resource lives. ARG lower-cases `resourceGroup`; ids keep ARM's casing. */
export interface Placement {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
}

export const roleDefinitionGuids = {
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
} as const;

/** A fictional GUID derived from a seed, so every run writes the same fleet. */
export function guid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A short lower-case hex tag derived from a seed (VMSS name suffixes, FQDN hashes). */
export function hexTag(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

export function resourceGroupId(at: Placement): string {
  return `/subscriptions/${at.subscriptionId}/resourceGroups/${at.resourceGroup}`;
}

/**
 * `provider` is ARM's type with its casing, e.g. `Microsoft.Network/virtualNetworks`. A child type takes one name
 * per type segment, `policy/group` for `Microsoft.Network/firewallPolicies/ruleCollectionGroups`, and the id
 * interleaves them as ARM does: `…/firewallPolicies/policy/ruleCollectionGroups/group`.
 */
export function resourceId(at: Placement, provider: string, name: string): string {
  const [namespace, ...types] = provider.split("/");
  const names = name.split("/");
  if (names.length !== types.length)
    throw new Error(`resourceId: ${provider} takes ${String(types.length)} name(s), got '${name}'`);
  const pairs = types.map((type, index) => `${type}/${names[index]!}`);
  return `${resourceGroupId(at)}/providers/${namespace!}/${pairs.join("/")}`;
}

interface RowBody {
  readonly sku?: Json;
  readonly kind?: string;
  readonly identity?: Json;
  readonly tags?: Json;
  readonly systemData?: Json;
  readonly properties: Json;
}

/** The common ARG columns around a resource's own fields. */
export function resourceRow(at: Placement, provider: string, name: string, body: RowBody): Row {
  return {
    id: resourceId(at, provider, name),
    name,
    type: provider.toLowerCase(),
    tenantId: at.tenantId,
    kind: body.kind ?? "",
    location: at.location,
    resourceGroup: at.resourceGroup.toLowerCase(),
    subscriptionId: at.subscriptionId,
    sku: body.sku ?? null,
    identity: body.identity ?? null,
    tags: body.tags ?? {},
    systemData: body.systemData,
    properties: body.properties,
  };
}

export function idRef(id: string): Json {
  return { id };
}

export interface SubnetShape {
  readonly vnetId: string;
  readonly name: string;
  /** One prefix is written as `addressPrefix`, several as `addressPrefixes` (dual-stack). */
  readonly prefixes: readonly string[];
  readonly delegatedToAks: boolean;
  /**
   * AKS's `serviceAssociationLinks` entry, which a subnet in use by an integrated API server carries: the
   * cluster's location, or undefined when no cluster links the subnet this way.
   */
  readonly aksServiceAssociationLocation?: string;
  readonly networkSecurityGroupId: string | undefined;
  readonly ipConfigurationIds: readonly string[];
  readonly privateEndpointIds: readonly string[];
}

export function subnet(shape: SubnetShape): Json {
  const id = `${shape.vnetId}/subnets/${shape.name}`;
  const delegations = shape.delegatedToAks
    ? [
        {
          name: "aks-delegation",
          id: `${id}/delegations/aks-delegation`,
          properties: {
            serviceName: "Microsoft.ContainerService/managedClusters",
            actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
            provisioningState: "Succeeded",
          },
          type: "Microsoft.Network/virtualNetworks/subnets/delegations",
        },
      ]
    : [];
  const [single] = shape.prefixes;
  return realElement(
    "virtualNetwork",
    ["subnets"],
    [],
    { name: shape.name, id, type: "Microsoft.Network/virtualNetworks/subnets" },
    {
      provisioningState: "Succeeded",
      addressPrefix: shape.prefixes.length === 1 ? single : undefined,
      addressPrefixes: shape.prefixes.length > 1 ? shape.prefixes : undefined,
      delegations,
      networkSecurityGroup: shape.networkSecurityGroupId ? idRef(shape.networkSecurityGroupId) : undefined,
      ipConfigurations: shape.ipConfigurationIds.length > 0 ? shape.ipConfigurationIds.map(idRef) : undefined,
      privateEndpoints: shape.privateEndpointIds.length > 0 ? shape.privateEndpointIds.map(idRef) : undefined,
      serviceAssociationLinks: shape.aksServiceAssociationLocation
        ? [
            {
              name: "AzureKubernetesService",
              id: `${id}/serviceAssociationLinks/AzureKubernetesService`,
              type: "Microsoft.Network/virtualNetworks/subnets/serviceAssociationLinks",
              properties: {
                allowDelete: false,
                linkedResourceType: "Microsoft.ContainerService/managedClusters",
                locations: [shape.aksServiceAssociationLocation],
                provisioningState: "Succeeded",
              },
            },
          ]
        : undefined,
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
    },
  );
}

export interface VirtualNetworkShape {
  readonly name: string;
  readonly addressPrefixes: readonly string[];
  readonly encryptionEnabled: boolean;
  readonly subnets: readonly Json[];
  readonly tags: Json;
}

export function virtualNetwork(at: Placement, shape: VirtualNetworkShape): Row {
  return resourceRow(at, "Microsoft.Network/virtualNetworks", shape.name, {
    tags: shape.tags,
    properties: realProperties("virtualNetwork", [], {
      provisioningState: "Succeeded",
      resourceGuid: guid(`vnet-guid:${shape.name}`),
      addressSpace: { addressPrefixes: shape.addressPrefixes },
      encryption: shape.encryptionEnabled ? { enabled: true, enforcement: "AllowUnencrypted" } : undefined,
      subnets: shape.subnets,
      virtualNetworkPeerings: [],
      enableDdosProtection: false,
    }),
  });
}

export interface SecurityRuleShape {
  readonly name: string;
  readonly priority: number;
  readonly direction: "Inbound" | "Outbound";
  readonly access: "Allow" | "Deny";
  readonly protocol: "Tcp" | "Udp" | "*";
  readonly source: string | readonly string[];
  readonly destination: string | readonly string[];
  readonly ports: string | readonly string[];
  readonly description?: string;
  /** ASG ids in place of `source`; ARM then writes empty address prefixes beside them. */
  readonly sourceApplicationSecurityGroupIds?: readonly string[];
}

/** ARM writes one value in the singular field and several in the plural one; both are present, one empty. */
function singularOrPlural(
  singular: string,
  value: string | readonly string[],
): Record<string, Json | undefined> {
  // Both keys are always set, so the real example's own value (`sourceAddressPrefix: "*"`) never survives.
  return typeof value === "string"
    ? { [singular]: value, [`${singular}es`]: [] }
    : { [singular]: undefined, [`${singular}es`]: value };
}

function securityRule(nsgId: string, collection: string, shape: SecurityRuleShape): Json {
  const portsField =
    typeof shape.ports === "string"
      ? { destinationPortRange: shape.ports, destinationPortRanges: [] }
      : { destinationPortRange: undefined, destinationPortRanges: shape.ports };
  return realElement(
    "networkSecurityGroup",
    [collection],
    [],
    {
      name: shape.name,
      id: `${nsgId}/${collection}/${shape.name}`,
      type: `Microsoft.Network/networkSecurityGroups/${collection}`,
    },
    {
      provisioningState: "Succeeded",
      description: shape.description,
      protocol: shape.protocol,
      sourcePortRange: "*",
      ...portsField,
      ...singularOrPlural("sourceAddressPrefix", shape.source),
      sourceApplicationSecurityGroups: shape.sourceApplicationSecurityGroupIds?.map(idRef),
      ...singularOrPlural("destinationAddressPrefix", shape.destination),
      access: shape.access,
      priority: shape.priority,
      direction: shape.direction,
    },
  );
}

/** The six rules Azure adds to every NSG. */
const defaultSecurityRules: readonly SecurityRuleShape[] = [
  {
    name: "AllowVnetInBound",
    priority: 65000,
    direction: "Inbound",
    access: "Allow",
    protocol: "*",
    source: "VirtualNetwork",
    destination: "VirtualNetwork",
    ports: "*",
    description: "Allow inbound traffic from all VMs in VNET",
  },
  {
    name: "AllowAzureLoadBalancerInBound",
    priority: 65001,
    direction: "Inbound",
    access: "Allow",
    protocol: "*",
    source: "AzureLoadBalancer",
    destination: "*",
    ports: "*",
    description: "Allow inbound traffic from azure load balancer",
  },
  {
    name: "DenyAllInBound",
    priority: 65500,
    direction: "Inbound",
    access: "Deny",
    protocol: "*",
    source: "*",
    destination: "*",
    ports: "*",
    description: "Deny all inbound traffic",
  },
  {
    name: "AllowVnetOutBound",
    priority: 65000,
    direction: "Outbound",
    access: "Allow",
    protocol: "*",
    source: "VirtualNetwork",
    destination: "VirtualNetwork",
    ports: "*",
    description: "Allow outbound traffic from all VMs to all VMs in VNET",
  },
  {
    name: "AllowInternetOutBound",
    priority: 65001,
    direction: "Outbound",
    access: "Allow",
    protocol: "*",
    source: "*",
    destination: "Internet",
    ports: "*",
    description: "Allow outbound traffic from all VMs to Internet",
  },
  {
    name: "DenyAllOutBound",
    priority: 65500,
    direction: "Outbound",
    access: "Deny",
    protocol: "*",
    source: "*",
    destination: "*",
    ports: "*",
    description: "Deny all outbound traffic",
  },
];

export interface NetworkSecurityGroupShape {
  readonly name: string;
  readonly securityRules: readonly SecurityRuleShape[];
  readonly subnetIds: readonly string[];
  /** ARG rows normally carry the defaults; one NSG leaves them out so the normalizer's synthesis shows. */
  readonly withDefaultRules: boolean;
}

export function networkSecurityGroup(at: Placement, shape: NetworkSecurityGroupShape): Row {
  const nsgId = resourceId(at, "Microsoft.Network/networkSecurityGroups", shape.name);
  return resourceRow(at, "Microsoft.Network/networkSecurityGroups", shape.name, {
    properties: realProperties("networkSecurityGroup", [], {
      provisioningState: "Succeeded",
      resourceGuid: guid(`nsg-guid:${nsgId}`),
      securityRules: shape.securityRules.map((rule) => securityRule(nsgId, "securityRules", rule)),
      defaultSecurityRules: shape.withDefaultRules
        ? defaultSecurityRules.map((rule) => securityRule(nsgId, "defaultSecurityRules", rule))
        : undefined,
      subnets: shape.subnetIds.map(idRef),
    }),
  });
}

export interface FrontendShape {
  readonly id: string;
  readonly privateIpAddress: string;
  readonly subnetId: string | undefined;
}

/** The internal `kube-apiserver` load balancer AKS puts in the node resource group of an integrated cluster. */
export function kubeApiServerLoadBalancer(at: Placement, frontend: FrontendShape): Row {
  const lbId = resourceId(at, "Microsoft.Network/loadBalancers", "kube-apiserver");
  return resourceRow(at, "Microsoft.Network/loadBalancers", "kube-apiserver", {
    sku: { name: "Standard", tier: "Regional" },
    // The example is a Basic public LB with NAT pools and probes; the kube-apiserver LB keeps one frontend, its
    // backend pool and rule, and none of the example's NAT rules, probes or `scope`.
    properties: realProperties("loadBalancer", ["inboundNatPools", "inboundNatRules", "probes", "scope"], {
      provisioningState: "Succeeded",
      resourceGuid: guid(`lb-guid:${lbId}`),
      frontendIPConfigurations: [
        realElement(
          "loadBalancer",
          ["frontendIPConfigurations"],
          ["inboundNatRules", "loadBalancingRules"],
          {
            name: frontend.id.slice(frontend.id.lastIndexOf("/") + 1),
            id: frontend.id,
            type: "Microsoft.Network/loadBalancers/frontendIPConfigurations",
          },
          {
            privateIPAddress: frontend.privateIpAddress,
            privateIPAddressVersion: "IPv4",
            privateIPAllocationMethod: "Static",
            subnet: frontend.subnetId ? idRef(frontend.subnetId) : undefined,
          },
        ),
      ],
      backendAddressPools: [
        { name: "kube-apiserver-backendpool", id: `${lbId}/backendAddressPools/kube-apiserver-backendpool` },
      ],
      loadBalancingRules: [
        { name: "kube-apiserver-rule", id: `${lbId}/loadBalancingRules/kube-apiserver-rule` },
      ],
    }),
  });
}

export interface PrivateEndpointShape {
  readonly name: string;
  readonly subnetId: string;
  readonly networkInterfaceId: string;
  readonly privateLinkServiceId: string;
  readonly groupId: string;
}

export function privateEndpoint(at: Placement, shape: PrivateEndpointShape): Row {
  const peId = resourceId(at, "Microsoft.Network/privateEndpoints", shape.name);
  return resourceRow(at, "Microsoft.Network/privateEndpoints", shape.name, {
    // The example's static `ipConfigurations` and custom NIC name are that scenario's; the demo's endpoints take
    // their address from the NIC, as a dynamic endpoint does.
    properties: realProperties("privateEndpoint", ["ipConfigurations", "customNetworkInterfaceName"], {
      provisioningState: "Succeeded",
      applicationSecurityGroups: [],
      subnet: idRef(shape.subnetId),
      networkInterfaces: [idRef(shape.networkInterfaceId)],
      privateLinkServiceConnections: [
        {
          name: shape.name,
          id: `${peId}/privateLinkServiceConnections/${shape.name}`,
          properties: {
            privateLinkServiceId: shape.privateLinkServiceId,
            groupIds: [shape.groupId],
            privateLinkServiceConnectionState: {
              status: "Approved",
              description: "Auto-approved",
              actionsRequired: "None",
            },
          },
        },
      ],
      manualPrivateLinkServiceConnections: [],
      customDnsConfigs: [],
    }),
  });
}

export interface NetworkInterfaceShape {
  readonly name: string;
  readonly ipConfigurationName: string;
  readonly privateIpAddress: string;
  readonly subnetId: string;
  readonly privateEndpointId: string | undefined;
}

/** The id a subnet lists in `ipConfigurations` for this NIC. */
export function nicIpConfigurationId(
  at: Placement,
  shape: Pick<NetworkInterfaceShape, "name" | "ipConfigurationName">,
): string {
  return `${resourceId(at, "Microsoft.Network/networkInterfaces", shape.name)}/ipConfigurations/${shape.ipConfigurationName}`;
}

/** A fictional MAC address in ARM's `00-0D-3A-…` form, derived from the NIC name. */
function macAddress(seed: string): string {
  const hex = hexTag(`mac:${seed}`, 6).toUpperCase();
  return `00-0D-3A-${hex.slice(0, 2)}-${hex.slice(2, 4)}-${hex.slice(4, 6)}`;
}

export function networkInterface(at: Placement, shape: NetworkInterfaceShape): Row {
  return resourceRow(at, "Microsoft.Network/networkInterfaces", shape.name, {
    // The example NIC belongs to a VM with a public IP, an NSG and a DSCP configuration the demo does not have.
    properties: realProperties(
      "networkInterface",
      ["virtualMachine", "networkSecurityGroup", "dscpConfiguration", "dnsSettings"],
      {
        provisioningState: "Succeeded",
        ipConfigurations: [
          realElement(
            "networkInterface",
            ["ipConfigurations"],
            ["publicIPAddress"],
            {
              name: shape.ipConfigurationName,
              id: nicIpConfigurationId(at, shape),
              type: "Microsoft.Network/networkInterfaces/ipConfigurations",
            },
            {
              primary: true,
              privateIPAddress: shape.privateIpAddress,
              privateIPAddressVersion: "IPv4",
              privateIPAllocationMethod: "Dynamic",
              subnet: idRef(shape.subnetId),
            },
          ),
        ],
        macAddress: macAddress(shape.name),
        privateEndpoint: shape.privateEndpointId ? idRef(shape.privateEndpointId) : undefined,
        enableAcceleratedNetworking: false,
        enableIPForwarding: false,
      },
    ),
  });
}

/** A `resourcechanges` row: one change record of one resource, as ARG's change analysis reports it. */
export function resourceChange(
  target: Row,
  timestamp: string,
  changeType: "Create" | "Update",
  changes: Readonly<Record<string, { readonly previousValue: string; readonly newValue: string }>>,
): Row {
  const targetId = target.id;
  const changeName = `${hexTag(`${targetId}@${timestamp}`, 20)}_${guid(`change:${targetId}@${timestamp}`)}`;
  return {
    id: `${targetId}/providers/Microsoft.Resources/changes/${changeName}`,
    name: changeName,
    type: "microsoft.resources/changes",
    tenantId: target.tenantId,
    kind: "",
    location: "",
    resourceGroup: target.resourceGroup,
    subscriptionId: target.subscriptionId,
    properties: {
      targetResourceId: targetId,
      targetResourceType: target.type,
      changeType,
      changeAttributes: {
        timestamp,
        correlationId: guid(`correlation:${changeName}`),
        changesCount: Object.keys(changes).length,
        previousResourceSnapshotId: changeType === "Create" ? null : hexTag(`before:${changeName}`, 32),
        newResourceSnapshotId: hexTag(`after:${changeName}`, 32),
      },
      changes: Object.fromEntries(
        Object.entries(changes).map(([path, change]) => [
          path,
          { ...change, propertyChangeType: "Update", changeCategory: "User" },
        ]),
      ),
    },
  };
}

export interface RoleAssignmentShape {
  readonly tenantId: string;
  readonly subscriptionId: string;
  /** The ARM id the assignment is made at: a subnet, a VNet, a resource group or a subscription. */
  readonly scope: string;
  readonly roleDefinitionGuid: string;
  readonly principalId: string;
}

export function roleAssignment(shape: RoleAssignmentShape): Row {
  const name = guid(`role:${shape.scope}:${shape.roleDefinitionGuid}:${shape.principalId}`);
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(shape.scope)?.[1] ?? "";
  return {
    id: `${shape.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: "microsoft.authorization/roleassignments",
    tenantId: shape.tenantId,
    kind: "",
    location: "",
    resourceGroup: resourceGroup.toLowerCase(),
    subscriptionId: shape.subscriptionId,
    properties: realProperties("roleAssignment", [], {
      roleDefinitionId: `/subscriptions/${shape.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${shape.roleDefinitionGuid}`,
      principalId: shape.principalId,
      principalType: "ServicePrincipal",
      scope: shape.scope,
      createdOn: "2025-05-02T10:15:00.0000000Z",
      updatedOn: "2025-05-02T10:15:00.0000000Z",
    }),
  };
}

/** A subscription as Resource Graph's `resourcecontainers` lists it: `name` is the display name. */
/** A management group above a subscription, as `managementGroupAncestorsChain` names it. */
export interface ManagementGroupShape {
  readonly name: string;
  readonly displayName: string;
}

/** `managementGroups` are the groups between the subscription and the tenant root group, nearest first. */
export function subscriptionContainer(
  tenantId: string,
  subscriptionId: string,
  displayName: string,
  managementGroups: readonly ManagementGroupShape[] = [],
): Row {
  return {
    id: `/subscriptions/${subscriptionId}`,
    name: displayName,
    type: "microsoft.resources/subscriptions",
    tenantId,
    kind: "",
    location: "",
    resourceGroup: "",
    subscriptionId,
    properties: {
      managementGroupAncestorsChain: [
        ...managementGroups.map((group) => ({ displayName: group.displayName, name: group.name })),
        { displayName: "Tenant Root Group", name: tenantId },
      ],
      state: "Enabled",
    },
    tags: {},
  };
}
export interface RoleDefinitionShape {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly guid: string;
  readonly roleName: string;
  readonly description: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

/** A custom role as `authorizationresources` lists it (`microsoft.authorization/roledefinitions`). */
export function roleDefinition(shape: RoleDefinitionShape): Row {
  const subscriptionScope = `/subscriptions/${shape.subscriptionId}`;
  return {
    id: `${subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${shape.guid}`,
    name: shape.guid,
    type: "microsoft.authorization/roledefinitions",
    tenantId: shape.tenantId,
    kind: "",
    location: "",
    resourceGroup: "",
    subscriptionId: shape.subscriptionId,
    // The example's creator and timestamps are its own; the demo's role was made by its platform team.
    properties: realProperties("roleDefinition", ["createdBy", "updatedBy"], {
      roleName: shape.roleName,
      type: "CustomRole",
      description: shape.description,
      assignableScopes: [subscriptionScope],
      permissions: [
        { actions: shape.actions, notActions: shape.notActions, dataActions: [], notDataActions: [] },
      ],
      createdOn: "2025-04-28T09:00:00.0000000Z",
      updatedOn: "2025-04-28T09:00:00.0000000Z",
    }),
  };
}

/** An application security group: NICs join it, NSG rules name it as a source or destination. */
export function applicationSecurityGroup(at: Placement, name: string): Row {
  return resourceRow(at, "Microsoft.Network/applicationSecurityGroups", name, {
    properties: { provisioningState: "Succeeded", resourceGuid: guid(`asg:${name}`) },
  });
}
