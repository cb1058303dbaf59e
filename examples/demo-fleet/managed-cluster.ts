// The demo fleet's AKS cluster spec and the `microsoft.containerservice/managedclusters` row built from it.
import { guid, hexTag, resourceId, resourceRow } from "./arm.ts";
import type { Json, Placement, Row } from "./arm.ts";
import { realElement, realProperties } from "./real-shapes.ts";

export interface PoolSpec {
  readonly name: string;
  readonly mode: "System" | "User";
  readonly vmSize: string;
  readonly count: number;
  /** `[minCount, maxCount]` when the cluster autoscaler runs on the pool. */
  readonly autoscale?: readonly [number, number];
  readonly maxPods: number;
  /** `upgradeSettings.maxSurge`; left out of the row when undefined. */
  readonly maxSurge?: string;
  /** `vnet/subnet` in the same subscription; undefined for an AKS-managed VNet. */
  readonly subnet?: string;
  readonly podSubnet?: string;
  /** Application security groups the pool's NICs join (`networkProfile.applicationSecurityGroups`), by id. */
  readonly applicationSecurityGroupIds?: readonly string[];
}

export type ApiServerSpec =
  /** The row has no `apiServerAccessProfile` at all. */
  | { readonly kind: "absent" }
  | {
      readonly kind: "public";
      readonly authorizedIPRanges?: readonly string[];
      readonly writeIntegrationFlag?: boolean;
    }
  /** Private, not integrated: the API server is reached through a private endpoint in the node subnet. */
  | { readonly kind: "private"; readonly endpointIp: string; readonly publicFqdn?: boolean }
  /** Integrated: `subnet` for a BYO API server subnet, undefined for an AKS-managed VNet. */
  | {
      readonly kind: "integrated";
      readonly subnet?: string;
      readonly ip: string;
      readonly private?: boolean;
      /** How many `kube-apiserver` frontends sit in the subnet; AKS reserves 9. */
      readonly ipConfigurations?: number;
    };

export interface RoleSpec {
  readonly role: "networkContributor" | "contributor" | "owner" | "custom";
  /** `subnet:<vnet>/<subnet>`, `vnet:<vnet>`, `rg:<resource group>`, `subscription` or `mg:<management group>`. */
  readonly scope: string;
}

export interface ChangeSpec {
  readonly at: string;
  readonly kind: "create" | "enable" | "stop" | "start";
}

export interface ClusterSpec {
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  readonly automatic?: boolean;
  readonly apiServer: ApiServerSpec;
  readonly networkPlugin: "kubenet" | "azure";
  readonly overlay?: boolean;
  readonly dualStack?: boolean;
  readonly pools: readonly PoolSpec[];
  readonly powerState: "Running" | "Stopped";
  readonly userAssignedIdentity?: boolean;
  readonly createdAt?: string;
  readonly roles?: readonly RoleSpec[];
  readonly changes?: readonly ChangeSpec[];
  readonly tags: Readonly<Record<string, string>>;
}

function agentPoolProfile(cluster: ClusterSpec, pool: PoolSpec, subnetIdOf: (ref: string) => string): Json {
  return realElement("managedCluster", ["agentPoolProfiles"], ["nodeImageVersion"], {
    name: pool.name,
    count: pool.count,
    vmSize: pool.vmSize,
    osDiskSizeGB: 128,
    osType: "Linux",
    osSKU: "AzureLinux",
    type: "VirtualMachineScaleSets",
    mode: pool.mode,
    maxPods: pool.maxPods,
    enableAutoScaling: pool.autoscale !== undefined,
    minCount: pool.autoscale?.[0],
    maxCount: pool.autoscale?.[1],
    vnetSubnetID: pool.subnet ? subnetIdOf(pool.subnet) : undefined,
    podSubnetID: pool.podSubnet ? subnetIdOf(pool.podSubnet) : undefined,
    upgradeSettings: pool.maxSurge === undefined ? undefined : { maxSurge: pool.maxSurge },
    networkProfile: pool.applicationSecurityGroupIds
      ? { applicationSecurityGroups: pool.applicationSecurityGroupIds }
      : undefined,
    orchestratorVersion: cluster.kubernetesVersion,
    currentOrchestratorVersion: cluster.kubernetesVersion,
    powerState: { code: cluster.powerState },
    availabilityZones: ["1", "2", "3"],
    provisioningState: "Succeeded",
  });
}

function apiServerAccessProfile(spec: ApiServerSpec, subnetIdOf: (ref: string) => string): Json | undefined {
  switch (spec.kind) {
    case "absent":
      return undefined;
    case "public":
      return {
        enableVnetIntegration: spec.writeIntegrationFlag ? false : undefined,
        enablePrivateCluster: false,
        authorizedIPRanges: spec.authorizedIPRanges,
      };
    case "private":
      return {
        enablePrivateCluster: true,
        enablePrivateClusterPublicFQDN: spec.publicFqdn ?? false,
        privateDNSZone: "system",
      };
    case "integrated":
      return {
        enableVnetIntegration: true,
        subnetId: spec.subnet ? subnetIdOf(spec.subnet) : "",
        enablePrivateCluster: spec.private ?? false,
        privateDNSZone: spec.private ? "system" : undefined,
      };
  }
}

function endpoints(cluster: ClusterSpec): { readonly fqdn?: string; readonly privateFQDN?: string } {
  const dnsPrefix = `${cluster.name.replace(/^aks-/, "")}-dns`;
  const fqdn = `${dnsPrefix}-${hexTag(`fqdn:${cluster.name}`, 8)}.hcp.${cluster.location}.azmk8s.io`;
  const privateFQDN = `${dnsPrefix}-${hexTag(`pfqdn:${cluster.name}`, 8)}.${guid(`zone:${cluster.name}`)}.privatelink.${cluster.location}.azmk8s.io`;
  const spec = cluster.apiServer;
  if (spec.kind === "private") return spec.publicFqdn ? { fqdn, privateFQDN } : { privateFQDN };
  if (spec.kind === "integrated" && spec.private) return { privateFQDN };
  return { fqdn };
}

function identity(at: Placement, cluster: ClusterSpec): Json {
  const principalId = guid(`principal:${cluster.name}`);
  if (!cluster.userAssignedIdentity) return { type: "SystemAssigned", principalId, tenantId: at.tenantId };
  const identityId = resourceId(at, "Microsoft.ManagedIdentity/userAssignedIdentities", `id-${cluster.name}`);
  return {
    type: "UserAssigned",
    userAssignedIdentities: { [identityId]: { principalId, clientId: guid(`client:${cluster.name}`) } },
  };
}

function networkProfile(cluster: ClusterSpec): Json {
  const ipFamilies = cluster.dualStack ? ["IPv4", "IPv6"] : ["IPv4"];
  const podCidrs = cluster.dualStack ? ["10.244.0.0/16", "fd12:3456:789a::/64"] : ["10.244.0.0/16"];
  const usesPodCidr = cluster.networkPlugin === "kubenet" || cluster.overlay;
  return {
    networkPlugin: cluster.networkPlugin,
    networkPluginMode: cluster.overlay ? "overlay" : undefined,
    networkDataplane: cluster.automatic ? "cilium" : "azure",
    networkPolicy: cluster.automatic ? "cilium" : "none",
    loadBalancerSku: "standard",
    outboundType: "loadBalancer",
    podCidr: usesPodCidr ? podCidrs[0] : undefined,
    podCidrs: usesPodCidr ? podCidrs : undefined,
    serviceCidr: "10.0.0.0/16",
    serviceCidrs: cluster.dualStack ? ["10.0.0.0/16", "fd12:3456:789b::/108"] : ["10.0.0.0/16"],
    dnsServiceIP: "10.0.0.10",
    ipFamilies,
  };
}

/** The cluster row; `subnetIdOf` turns a `vnet/subnet` reference into the subnet's id. */
export function managedCluster(
  at: Placement,
  nodeResourceGroup: string,
  cluster: ClusterSpec,
  subnetIdOf: (ref: string) => string,
): Row {
  return resourceRow(at, "Microsoft.ContainerService/managedClusters", cluster.name, {
    sku: cluster.automatic ? { name: "Automatic", tier: "Standard" } : { name: "Base", tier: "Standard" },
    identity: identity(at, cluster),
    tags: cluster.tags,
    systemData: cluster.createdAt
      ? {
          createdAt: cluster.createdAt,
          createdByType: "User",
          lastModifiedAt: cluster.createdAt,
          lastModifiedByType: "User",
        }
      : undefined,
    // The example cluster signs in with a service principal, encrypts disks with a disk encryption set and
    // forces an upgrade until 2022; the demo's clusters use managed identities and none of those.
    properties: realProperties(
      "managedCluster",
      ["servicePrincipalProfile", "diskEncryptionSetID", "linuxProfile", "upgradeSettings"],
      {
        provisioningState: "Succeeded",
        azurePortalFQDN: undefined,
        maxAgentPools: 100,
        powerState: { code: cluster.powerState },
        kubernetesVersion: cluster.kubernetesVersion,
        currentKubernetesVersion: cluster.kubernetesVersion,
        dnsPrefix: `${cluster.name.replace(/^aks-/, "")}-dns`,
        ...endpoints(cluster),
        agentPoolProfiles: cluster.pools.map((pool) => agentPoolProfile(cluster, pool, subnetIdOf)),
        apiServerAccessProfile: apiServerAccessProfile(cluster.apiServer, subnetIdOf),
        networkProfile: networkProfile(cluster),
        nodeResourceGroup,
        enableRBAC: true,
        supportPlan: "KubernetesOfficial",
        oidcIssuerProfile: { enabled: true },
      },
    ),
  });
}

/** A node pool; the pool named `system` is the System pool. */
export function pool(
  name: string,
  vmSize: string,
  count: number,
  rest: Omit<PoolSpec, "name" | "vmSize" | "count" | "mode">,
): PoolSpec {
  return { name, vmSize, count, mode: name === "system" ? "System" : "User", ...rest };
}

export function tags(environment: string, team: string): Readonly<Record<string, string>> {
  return { environment, team, costCenter: team === "payments" ? "CC-4410" : "CC-1020" };
}
