// Contoso's part of the demo fleet: three subscriptions; the comments give each rule's outcome (worked as in generate.ts).
import { applicationSecurityGroup, resourceId } from "./arm.ts";
import type { Placement, Row } from "./arm.ts";
import type { ClusterSpec, SubscriptionSpec, TenantSpec } from "./assemble.ts";
import { azureFirewall, azureFirewallIpConfigurationId } from "./firewall.ts";
import { pool, tags } from "./managed-cluster.ts";

const contosoTenantId = "11111111-1111-4111-8111-111111111111";
const contosoProd = "1b2c3d4e-0001-4a00-8c00-000000000001";
const contosoNonprod = "1b2c3d4e-0002-4a00-8c00-000000000002";
const contosoMea = "1b2c3d4e-0003-4a00-8c00-000000000003";

// ─── Contoso: platform prod (westeurope, northeurope) ────────────────────────────────────────────────────────────

const prodWeu = "vnet-contoso-prod-weu";
const prodNeu = "vnet-contoso-prod-neu";

const prodNeuNetwork: Placement = {
  tenantId: contosoTenantId,
  subscriptionId: contosoProd,
  resourceGroup: "rg-network-prod-neu",
  location: "northeurope",
};

function asgId(name: string): string {
  return resourceId(prodNeuNetwork, "Microsoft.Network/applicationSecurityGroups", name);
}

const contosoProdClusters: readonly ClusterSpec[] = [
  {
    // not-integrated: pass. nsg-blocks-apiserver-traffic: fail (Deny 4443 at 200 on the API server NSG).
    // enablement-restart-unverified: pass (enabled 11-10, stopped and started after). Role: Network Contributor on the VNet → pass.
    name: "aks-contoso-prod-weu-01",
    resourceGroup: "rg-aks-prod-weu",
    location: "westeurope",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", subnet: `${prodWeu}/snet-aks-apiserver`, ip: "10.1.2.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "platform"),
    pools: [
      pool("system", "Standard_D4s_v5", 3, {
        autoscale: [3, 6],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${prodWeu}/snet-aks-nodes`,
      }),
      pool("apps", "Standard_D8s_v5", 8, {
        autoscale: [3, 40],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${prodWeu}/snet-aks-nodes`,
      }),
    ],
    roles: [{ role: "networkContributor", scope: `vnet:${prodWeu}` }],
    changes: [
      { at: "2026-11-10T09:12:44Z", kind: "enable" },
      { at: "2026-11-10T21:02:10Z", kind: "stop" },
      { at: "2026-11-10T21:19:53Z", kind: "start" },
    ],
  },
  {
    // Shares snet-aks-apiserver with -01. enablement: unverified low (createdAt after gaDate, no records).
    // Role: Network Contributor on the API server and node subnets → pass. nsg-blocks: fail (same NSG as -01).
    name: "aks-contoso-prod-weu-02",
    resourceGroup: "rg-aks-prod-weu",
    location: "westeurope",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", subnet: `${prodWeu}/snet-aks-apiserver`, ip: "10.1.2.13" },
    networkPlugin: "azure",
    powerState: "Running",
    createdAt: "2025-08-04T13:40:00Z",
    tags: tags("prod", "platform"),
    pools: [
      pool("system", "Standard_D4s_v5", 4, {
        maxPods: 50,
        maxSurge: "1",
        subnet: `${prodWeu}/snet-aks-nodes`,
        podSubnet: `${prodWeu}/snet-aks-pods`,
      }),
    ],
    roles: [
      { role: "networkContributor", scope: `subnet:${prodWeu}/snet-aks-apiserver` },
      { role: "networkContributor", scope: `subnet:${prodWeu}/snet-aks-nodes` },
    ],
  },
  {
    // API server subnet is a /29. enablement: unverified medium (created 2024). Role: none → fail high.
    name: "aks-contoso-prod-weu-03",
    resourceGroup: "rg-aks-prod-weu",
    location: "westeurope",
    kubernetesVersion: "1.30.9",
    apiServer: {
      kind: "integrated",
      subnet: `${prodWeu}/snet-aks-apiserver-small`,
      ip: "10.1.3.4",
      ipConfigurations: 3,
    },
    networkPlugin: "kubenet",
    powerState: "Stopped",
    createdAt: "2024-03-12T08:05:00Z",
    tags: tags("prod", "platform"),
    pools: [
      pool("system", "Standard_D2s_v3", 3, {
        maxPods: 110,
        maxSurge: "1",
        subnet: `${prodWeu}/snet-aks-nodes-03`,
      }),
    ],
  },
  {
    // not-integrated: fail medium (writes enableVnetIntegration: false). conversion-blocked: pass (westeurope, no encryption, IPv4).
    name: "aks-contoso-prod-weu-legacy",
    resourceGroup: "rg-aks-prod-weu",
    location: "westeurope",
    kubernetesVersion: "1.29.7",
    apiServer: {
      kind: "public",
      writeIntegrationFlag: true,
      authorizedIPRanges: ["203.0.113.0/24", "198.51.100.17/32"],
    },
    networkPlugin: "kubenet",
    powerState: "Running",
    tags: tags("prod", "legacy-apps"),
    pools: [pool("system", "Standard_D4s_v3", 5, { maxPods: 110, subnet: `${prodWeu}/snet-aks-legacy` })],
  },
  {
    // not-integrated: fail medium (private, API server endpoint 10.1.48.100, pinned by the hub firewall → medium).
    // conversion-blocked: pass.
    name: "aks-contoso-prod-weu-private",
    resourceGroup: "rg-aks-prod-weu",
    location: "westeurope",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "private", endpointIp: "10.1.48.100" },
    networkPlugin: "azure",
    powerState: "Running",
    tags: tags("prod", "finance"),
    pools: [pool("system", "Standard_D4s_v3", 3, { maxPods: 30, subnet: `${prodWeu}/snet-aks-private` })],
  },
  {
    // not-integrated: fail. conversion-blocked: fail medium (encrypted VNet + Standard_D8ds_v5).
    name: "aks-contoso-prod-neu-01",
    resourceGroup: "rg-aks-prod-neu",
    location: "northeurope",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "public" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "platform"),
    pools: [
      pool("system", "Standard_D4ds_v5", 3, {
        autoscale: [3, 5],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${prodNeu}/snet-aks-nodes`,
      }),
      pool("apps", "Standard_D8ds_v5", 5, {
        autoscale: [2, 20],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${prodNeu}/snet-aks-nodes`,
      }),
    ],
  },
  {
    // not-integrated: fail. conversion-blocked: fail low (encrypted VNet, only DS2_v2 / D4s_v3: allowed, traffic not encrypted).
    name: "aks-contoso-prod-neu-02",
    resourceGroup: "rg-aks-prod-neu",
    location: "northeurope",
    kubernetesVersion: "1.29.7",
    apiServer: { kind: "public" },
    networkPlugin: "kubenet",
    powerState: "Running",
    tags: tags("prod", "data"),
    pools: [
      pool("system", "Standard_DS2_v2", 3, {
        maxPods: 110,
        maxSurge: "1",
        subnet: `${prodNeu}/snet-aks-nodes-02`,
      }),
      pool("batch", "Standard_D4s_v3", 19, { maxPods: 110, subnet: `${prodNeu}/snet-aks-nodes-02` }),
    ],
  },
  {
    // Integrated private cluster. enablement: unverified medium (no systemData, no records). Role: on the resource group → pass.
    name: "aks-contoso-prod-neu-03",
    resourceGroup: "rg-aks-prod-neu",
    location: "northeurope",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", subnet: `${prodNeu}/snet-aks-apiserver`, ip: "10.2.4.4", private: true },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "platform"),
    pools: [
      // Its nodes join asg-aks-nodes-neu; the quarantine deny on the node NSG names another ASG → not theirs.
      pool("system", "Standard_D4s_v5", 2, {
        autoscale: [2, 5],
        maxPods: 250,
        maxSurge: "5",
        subnet: `${prodNeu}/snet-aks-nodes`,
        applicationSecurityGroupIds: [asgId("asg-aks-nodes-neu")],
      }),
    ],
    roles: [{ role: "networkContributor", scope: "rg:rg-network-prod-neu" }],
  },
];

const contosoHub = {
  tenantId: contosoTenantId,
  subscriptionId: contosoProd,
  resourceGroup: "rg-hub-weu",
  location: "westeurope",
} as const;

const contosoProdSubscription: SubscriptionSpec = {
  name: "contoso-platform-prod",
  subscriptionId: contosoProd,
  clusters: contosoProdClusters,
  vnets: [
    {
      name: prodWeu,
      resourceGroup: "rg-network-prod-weu",
      location: "westeurope",
      addressPrefixes: ["10.1.0.0/16"],
      subnets: [
        // /27 shared by -01 and -02: capacity 27, used max(18, 18) = 18, free 9 → too-small pass, exhaustion pass, misconfigured pass.
        {
          name: "snet-aks-apiserver",
          prefixes: ["10.1.2.0/27"],
          delegated: true,
          nsg: "nsg-aks-apiserver-prod-weu",
        },
        // /29 for -03: too-small fail critical; capacity 3, used max(9, 3) = 9, free −6 → exhaustion fail critical.
        { name: "snet-aks-apiserver-small", prefixes: ["10.1.3.0/29"], delegated: true },
        {
          name: "snet-privatelink",
          prefixes: ["10.1.4.0/24"],
          privateEndpoint: {
            name: "pe-kv-contoso-prod-weu",
            ip: "10.1.4.4",
            service: "Microsoft.KeyVault/vaults",
            groupId: "vault",
          },
        },
        // Nodes of -01 (3 + 8) and -02 (4, pod subnet) = 15 of 1019; Σ(nodesMax + surge) = (6+2)+(40+14)+(4+1) = 67 → node pass.
        { name: "snet-aks-nodes", prefixes: ["10.1.16.0/22"], nsg: "nsg-aks-nodes-prod-weu" },
        { name: "snet-aks-nodes-03", prefixes: ["10.1.20.0/24"] }, // 3 of 251 → node pass
        { name: "snet-aks-legacy", prefixes: ["10.1.40.0/24"] }, // 5 of 251 → node pass
        // -05: flat CNI, 3 × 31 = 93 + endpoint NIC = 94 of 123 (76 %): other 1 + (3+1) × 31 = 125 > 123 → node fail high (no surge room).
        { name: "snet-aks-private", prefixes: ["10.1.48.0/25"] },
        { name: "snet-aks-pods", prefixes: ["10.1.64.0/18"] },
      ],
    },
    {
      name: prodNeu,
      resourceGroup: "rg-network-prod-neu",
      location: "northeurope",
      addressPrefixes: ["10.2.0.0/16"],
      encrypted: true,
      subnets: [
        // Nodes of neu-01 (3 + 5) and neu-03 (2) = 10 of 1019 → node pass.
        { name: "snet-aks-nodes", prefixes: ["10.2.0.0/22"], nsg: "nsg-aks-nodes-prod-neu" },
        // /28 for neu-03: capacity 11, used 9, free 2 < 4 → exhaustion fail medium; too-small pass; misconfigured pass.
        {
          name: "snet-aks-apiserver",
          prefixes: ["10.2.4.0/28"],
          delegated: true,
          nsg: "nsg-aks-apiserver-prod-neu",
        },
        // neu-02: kubenet 3 + 19 = 22 of 27 (81 %); Σ(nodesMax + surge) = 4 + 20 = 24 ≤ 27 → node fail medium (≥ 80 %).
        { name: "snet-aks-nodes-02", prefixes: ["10.2.8.0/27"] },
        { name: "snet-mgmt", prefixes: ["10.2.12.0/27"], vmNics: { "vm-jump-neu-01-nic": "10.2.12.4" } },
      ],
    },
    {
      name: "vnet-contoso-hub-weu",
      resourceGroup: "rg-hub-weu",
      location: "westeurope",
      addressPrefixes: ["10.0.0.0/22"],
      subnets: [
        {
          name: "AzureFirewallSubnet",
          prefixes: ["10.0.0.0/26"],
          ipConfigurationIds: [azureFirewallIpConfigurationId(contosoHub, "afw-contoso-hub-weu")],
        },
        { name: "snet-ops", prefixes: ["10.0.2.0/24"], vmNics: { "vm-ops-weu-01-nic": "10.0.2.4" } },
      ],
    },
  ],
  nsgs: [
    {
      // The Deny on 4443 from the node subnet sits above the Allow → nsg-blocks-apiserver-traffic fails for -01 and -02.
      name: "nsg-aks-apiserver-prod-weu",
      resourceGroup: "rg-network-prod-weu",
      location: "westeurope",
      rules: [
        {
          name: "deny-nodes-4443-inc0042817",
          priority: 200,
          direction: "Inbound",
          access: "Deny",
          protocol: "Tcp",
          source: "10.1.16.0/22",
          destination: "*",
          ports: "4443",
          description: "Temporary lockdown during INC0042817",
        },
        {
          name: "allow-nodes-to-apiserver",
          priority: 300,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          source: "10.1.16.0/22",
          destination: "10.1.2.0/27",
          ports: ["443", "4443"],
        },
        {
          name: "allow-azure-lb-9988",
          priority: 310,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          source: "AzureLoadBalancer",
          destination: "*",
          ports: "9988",
        },
      ],
    },
    {
      // Outbound rules pin the current API server IPs of -01 and -02 → rule-pinned-to-apiserver-ip low (integrated).
      name: "nsg-aks-nodes-prod-weu",
      resourceGroup: "rg-network-prod-weu",
      location: "westeurope",
      rules: [
        {
          name: "allow-apiserver-weu-01",
          priority: 100,
          direction: "Outbound",
          access: "Allow",
          protocol: "Tcp",
          source: "10.1.16.0/22",
          destination: "10.1.2.4/32",
          ports: ["443", "4443"],
        },
        {
          name: "allow-apiserver-weu-02",
          priority: 110,
          direction: "Outbound",
          access: "Allow",
          protocol: "Tcp",
          source: "10.1.16.0/22",
          destination: "10.1.2.13/32",
          ports: ["443", "4443"],
        },
        {
          name: "deny-internet-smtp",
          priority: 400,
          direction: "Outbound",
          access: "Deny",
          protocol: "Tcp",
          source: "*",
          destination: "Internet",
          ports: "25",
        },
      ],
    },
    {
      // Allows the node subnet in → nsg-blocks passes for neu-03; the jump-box rule pins 10.2.4.4 → pinned low.
      name: "nsg-aks-apiserver-prod-neu",
      resourceGroup: "rg-network-prod-neu",
      location: "northeurope",
      withDefaultRules: false,
      rules: [
        {
          name: "allow-nodes-to-apiserver",
          priority: 200,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          source: "10.2.0.0/22",
          destination: "10.2.4.0/28",
          ports: ["443", "4443"],
        },
        {
          name: "allow-jumpbox-kubectl",
          priority: 210,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          source: "10.2.12.4/32",
          destination: "10.2.4.4/32",
          ports: "443",
        },
        {
          name: "allow-azure-lb-9988",
          priority: 220,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          source: "AzureLoadBalancer",
          destination: "*",
          ports: "9988",
        },
      ],
    },
    {
      // Quarantined VMs may not reach the API servers. The rule names an ASG no AKS pool joins, so it denies no
      // node traffic: nsg-blocks passes for the clusters on this subnet, on their pools' ASG membership.
      name: "nsg-aks-nodes-prod-neu",
      resourceGroup: "rg-network-prod-neu",
      location: "northeurope",
      rules: [
        {
          name: "deny-quarantine-to-apiserver",
          priority: 100,
          direction: "Outbound",
          access: "Deny",
          protocol: "Tcp",
          source: [],
          sourceApplicationSecurityGroupIds: [asgId("asg-quarantine-neu")],
          destination: "10.2.4.0/28",
          ports: ["443", "4443"],
        },
      ],
    },
  ],
  extraRows: () => ({
    resources: [
      contosoHubFirewall(),
      applicationSecurityGroup(prodNeuNetwork, "asg-aks-nodes-neu"),
      applicationSecurityGroup(prodNeuNetwork, "asg-quarantine-neu"),
    ],
  }),
};

/** Classic firewall: the ops network rule pins the private cluster's endpoint IP (medium); the NAT rule targets its own public IP. */
function contosoHubFirewall(): Row {
  const tcp = { protocols: ["TCP"], sourceAddresses: ["10.0.2.0/24"] };
  return azureFirewall(contosoHub, {
    name: "afw-contoso-hub-weu",
    subnetId: `${resourceId(contosoHub, "Microsoft.Network/virtualNetworks", "vnet-contoso-hub-weu")}/subnets/AzureFirewallSubnet`,
    privateIpAddress: "10.0.0.4",
    publicIpName: "pip-afw-contoso-hub-weu",
    networkRuleCollections: [
      {
        name: "aks-apiserver-access",
        priority: 200,
        action: "Allow",
        rules: [
          {
            name: "ops-to-prod-weu-private",
            description: "kubectl from ops to aks-contoso-prod-weu-private",
            ...tcp,
            destinationAddresses: ["10.1.48.100"],
            destinationPorts: ["443"],
          },
          {
            name: "ops-to-apiserver-subnet-weu",
            description: "kubectl from ops to the integrated API servers",
            ...tcp,
            destinationAddresses: ["10.1.2.0/27"],
            destinationPorts: ["443"],
          },
        ],
      },
      {
        name: "aks-egress",
        priority: 300,
        action: "Allow",
        rules: [
          {
            name: "ntp",
            protocols: ["UDP"],
            sourceAddresses: ["10.1.16.0/22"],
            destinationAddresses: ["*"],
            destinationPorts: ["123"],
          },
        ],
      },
    ],
    natRuleCollections: [
      {
        name: "dnat-kubectl",
        priority: 100,
        action: "Dnat",
        rules: [
          {
            name: "kubectl-prod-weu-private",
            ...tcp,
            sourceAddresses: ["198.51.100.17"],
            destinationAddresses: ["20.61.15.7"],
            destinationPorts: ["6443"],
            translatedAddress: "10.1.48.100",
            translatedPort: "443",
          },
        ],
      },
    ],
    applicationRuleCollections: [
      {
        name: "aks-fqdn-tags",
        priority: 400,
        action: "Allow",
        rules: [
          {
            name: "aks-required",
            sourceAddresses: ["10.1.16.0/22"],
            fqdnTags: ["AzureKubernetesService"],
            protocols: [{ protocolType: "Https", port: 443 }],
          },
        ],
      },
    ],
  });
}

// ─── Contoso: platform non-prod (westeurope, eastus2) ────────────────────────────────────────────────────────────

const devWeu = "vnet-contoso-dev-weu";
const devEus2 = "vnet-contoso-dev-eus2";
const devEus2Shared = "vnet-contoso-dev-eus2-shared";

const contosoNonprodClusters: readonly ClusterSpec[] = [
  {
    // Integrated, AKS-managed VNet, user-assigned identity. enablement: fail high (enabled 11-13, no restart since).
    name: "aks-contoso-dev-weu-01",
    resourceGroup: "rg-aks-dev-weu",
    location: "westeurope",
    kubernetesVersion: "1.32.2",
    apiServer: { kind: "integrated", ip: "10.225.0.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    userAssignedIdentity: true,
    tags: tags("dev", "platform"),
    pools: [pool("system", "Standard_D4s_v5", 2, { autoscale: [1, 5], maxPods: 250, maxSurge: "33%" })],
    changes: [{ at: "2026-11-13T15:31:07Z", kind: "enable" }],
  },
  {
    // Integrated, AKS-managed VNet, created with the feature on 11-12 (Create record) → enablement pass.
    name: "aks-contoso-dev-weu-02",
    resourceGroup: "rg-aks-dev-weu",
    location: "westeurope",
    kubernetesVersion: "1.32.2",
    apiServer: { kind: "integrated", ip: "10.225.0.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2026-11-12T10:00:00Z",
    tags: tags("dev", "platform"),
    pools: [pool("system", "Standard_D4s_v5", 2, { maxPods: 250, maxSurge: "1" })],
    changes: [{ at: "2026-11-12T10:00:00Z", kind: "create" }],
  },
  {
    // AKS Automatic, created 11-16 (Create record) with API Server VNet Integration on, as Automatic always is,
    // in its AKS-managed VNet → not-integrated pass; enablement pass with `sku Automatic` as the evidence.
    name: "aks-contoso-dev-weu-06",
    resourceGroup: "rg-aks-dev-weu",
    location: "westeurope",
    kubernetesVersion: "1.33.2",
    automatic: true,
    apiServer: { kind: "integrated", ip: "10.226.0.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2026-11-16T08:30:00Z",
    tags: tags("dev", "platform"),
    pools: [pool("system", "Standard_D4ds_v5", 3, { maxPods: 250, maxSurge: "10%" })],
    changes: [{ at: "2026-11-16T08:30:00Z", kind: "create" }],
  },
  {
    // Integrated (AKS-managed VNet) between run 1 and run 2, seen Stopped in run 2 and Running now; no change
    // records for it → enablement pass from history alone (unverified medium without history).
    name: "aks-contoso-dev-weu-05",
    resourceGroup: "rg-aks-dev-weu",
    location: "westeurope",
    kubernetesVersion: "1.32.2",
    apiServer: { kind: "integrated", ip: "10.225.0.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2025-04-02T09:00:00Z",
    tags: tags("dev", "platform"),
    pools: [pool("system", "Standard_D4s_v5", 2, { maxPods: 250, maxSurge: "1" })],
  },
  {
    // No apiServerAccessProfile in the row → not-integrated fail medium; conversion-blocked pass; AKS-managed VNet.
    name: "aks-contoso-dev-weu-03",
    resourceGroup: "rg-aks-dev-weu",
    location: "westeurope",
    kubernetesVersion: "1.28.9",
    apiServer: { kind: "absent" },
    networkPlugin: "kubenet",
    powerState: "Running",
    tags: tags("dev", "web"),
    pools: [pool("system", "Standard_D2s_v3", 2, { maxPods: 110 })],
  },
  {
    // No apiServerAccessProfile → not-integrated fail medium. Its node subnet is full (see snet-aks-dev-shared).
    name: "aks-contoso-dev-weu-04",
    resourceGroup: "rg-aks-dev-weu",
    location: "westeurope",
    kubernetesVersion: "1.29.7",
    apiServer: { kind: "absent" },
    networkPlugin: "azure",
    powerState: "Running",
    tags: tags("dev", "web"),
    pools: [
      pool("system", "Standard_D4s_v3", 3, {
        maxPods: 40,
        maxSurge: "1",
        subnet: `${devWeu}/snet-aks-dev-shared`,
      }),
    ],
  },
  {
    // AKS Automatic, not integrated → not-integrated fail high. conversion-blocked pass.
    name: "aks-contoso-dev-weu-auto",
    resourceGroup: "rg-aks-dev-weu",
    location: "westeurope",
    kubernetesVersion: "1.32.2",
    automatic: true,
    apiServer: { kind: "public", writeIntegrationFlag: true },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2025-03-03T09:00:00Z",
    tags: tags("dev", "platform"),
    pools: [pool("system", "Standard_D4ds_v5", 3, { maxPods: 250, maxSurge: "10%" })],
  },
  {
    // Dual-stack on 1.26.2 with kubenet → not-integrated fail; conversion-blocked fail (needs ≥ 1.26.3 + azure overlay).
    name: "aks-contoso-dev-eus2-dualstack",
    resourceGroup: "rg-aks-dev-eus2",
    location: "eastus2",
    kubernetesVersion: "1.26.2",
    apiServer: { kind: "public" },
    networkPlugin: "kubenet",
    dualStack: true,
    powerState: "Running",
    tags: tags("dev", "network-lab"),
    pools: [pool("system", "Standard_D2s_v3", 3, { maxPods: 110, subnet: `${devEus2}/snet-aks-dualstack` })],
  },
  {
    // API server subnet not delegated → misconfigured fail high. enablement: pass (restart 11-15, after gaDate and
    // after any enablement, which predates the 14-day window). Role: Network Contributor on the VNet → pass.
    name: "aks-contoso-dev-eus2-01",
    resourceGroup: "rg-aks-dev-eus2",
    location: "eastus2",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", subnet: `${devEus2}/snet-aks-apiserver`, ip: "10.11.4.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2025-02-01T11:00:00Z",
    tags: tags("dev", "platform"),
    pools: [
      pool("system", "Standard_D4s_v5", 3, {
        autoscale: [2, 10],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${devEus2}/snet-aks-nodes`,
      }),
    ],
    roles: [{ role: "networkContributor", scope: `vnet:${devEus2}` }],
    changes: [
      { at: "2026-11-15T22:00:03Z", kind: "stop" },
      { at: "2026-11-15T22:14:41Z", kind: "start" },
    ],
  },
  {
    // API server subnet in another VNet than its nodes → misconfigured fail high. Role only on the node VNet → identity fail.
    // enablement: unverified medium.
    name: "aks-contoso-dev-eus2-02",
    resourceGroup: "rg-aks-dev-eus2",
    location: "eastus2",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", subnet: `${devEus2Shared}/snet-aks-apiserver`, ip: "10.12.0.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("dev", "platform"),
    pools: [
      pool("system", "Standard_D4s_v5", 3, {
        maxPods: 250,
        maxSurge: "5",
        subnet: `${devEus2}/snet-aks-nodes`,
      }),
    ],
    roles: [{ role: "networkContributor", scope: `vnet:${devEus2}` }],
  },
  {
    // Stopped, public, flat CNI → not-integrated fail; conversion-blocked pass.
    name: "aks-contoso-dev-eus2-03",
    resourceGroup: "rg-aks-dev-eus2",
    location: "eastus2",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "public" },
    networkPlugin: "azure",
    powerState: "Stopped",
    tags: tags("dev", "web"),
    pools: [
      pool("system", "Standard_D4s_v3", 1, {
        autoscale: [1, 3],
        maxPods: 30,
        maxSurge: "33%",
        subnet: `${devEus2}/snet-aks-nodes`,
      }),
    ],
  },
];

const contosoNonprodSubscription: SubscriptionSpec = {
  name: "contoso-platform-nonprod",
  subscriptionId: contosoNonprod,
  clusters: contosoNonprodClusters,
  vnets: [
    {
      name: devWeu,
      resourceGroup: "rg-network-dev-weu",
      location: "westeurope",
      addressPrefixes: ["10.10.0.0/16"],
      subnets: [
        // Delegated, empty /28: capacity 11, free 11 → too-small and exhaustion pass; too small to reuse (needs 9 + 4).
        { name: "snet-aks-apiserver-spare", prefixes: ["10.10.2.0/28"], delegated: true },
        // dev-weu-04: flat CNI 3 × 41 = 123 of 123 → node fail critical (used ≥ capacity).
        { name: "snet-aks-dev-shared", prefixes: ["10.10.8.0/25"] },
      ],
    },
    {
      name: devEus2,
      resourceGroup: "rg-network-dev-eus2",
      location: "eastus2",
      addressPrefixes: ["10.11.0.0/16", "fd00:db8:11::/48"],
      subnets: [
        { name: "snet-aks-dualstack", prefixes: ["10.11.0.0/24", "fd00:db8:11::/64"] }, // 3 of 251 → node pass
        // Not delegated: misconfigured fail for eus2-01; capacity 27, used 9, free 18 → too-small / exhaustion pass.
        { name: "snet-aks-apiserver", prefixes: ["10.11.4.0/27"] },
        // eus2-01 (3) + eus2-02 (3) + eus2-03 (1 × 31) = 37 of 251; Σ(nodesMax + surge) × ips = 14 + 8 + 124 = 146 → node pass.
        { name: "snet-aks-nodes", prefixes: ["10.11.8.0/24"] },
      ],
    },
    {
      name: devEus2Shared,
      resourceGroup: "rg-network-dev-eus2",
      location: "eastus2",
      addressPrefixes: ["10.12.0.0/16"],
      // Delegated /27 used by eus2-02 from another VNet: free 18 → too-small / exhaustion pass; misconfigured fail (VNet).
      subnets: [{ name: "snet-aks-apiserver", prefixes: ["10.12.0.0/27"], delegated: true }],
    },
  ],
  nsgs: [],
};

// ─── Contoso: Middle East (qatarcentral, uaenorth) ───────────────────────────────────────────────────────────────

const meaQc = "vnet-contoso-mea-qc";
const meaUaen = "vnet-contoso-mea-uaen";

const contosoMeaClusters: readonly ClusterSpec[] = [
  {
    // qatarcentral → conversion-blocked fail medium.
    name: "aks-contoso-mea-qc-01",
    resourceGroup: "rg-aks-mea-qc",
    location: "qatarcentral",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "public" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "retail-mea"),
    pools: [
      pool("system", "Standard_D4s_v3", 3, {
        autoscale: [3, 6],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${meaQc}/snet-aks-nodes`,
      }),
    ],
  },
  {
    // Private (public FQDN on) in qatarcentral → conversion-blocked fail medium.
    name: "aks-contoso-mea-qc-02",
    resourceGroup: "rg-aks-mea-qc",
    location: "qatarcentral",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "private", endpointIp: "10.30.3.250", publicFqdn: true },
    networkPlugin: "kubenet",
    powerState: "Running",
    tags: tags("prod", "retail-mea"),
    pools: [pool("system", "Standard_D4s_v3", 2, { maxPods: 110, subnet: `${meaQc}/snet-aks-nodes` })],
  },
  {
    // API server subnet holds a SQL private endpoint → misconfigured fail high. Custom role only → identity unverified.
    // enablement: unverified low (createdAt after gaDate).
    name: "aks-contoso-mea-uaen-01",
    resourceGroup: "rg-aks-mea-uaen",
    location: "uaenorth",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", subnet: `${meaUaen}/snet-aks-apiserver`, ip: "10.31.2.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2025-07-01T07:30:00Z",
    tags: tags("prod", "retail-mea"),
    pools: [
      pool("system", "Standard_D4as_v5", 3, {
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${meaUaen}/snet-aks-nodes`,
      }),
    ],
    roles: [
      { role: "custom", scope: `subnet:${meaUaen}/snet-aks-apiserver` },
      { role: "custom", scope: `subnet:${meaUaen}/snet-aks-nodes` },
    ],
  },
];

const contosoMeaSubscription: SubscriptionSpec = {
  name: "contoso-mea",
  subscriptionId: contosoMea,
  clusters: contosoMeaClusters,
  vnets: [
    {
      name: meaQc,
      resourceGroup: "rg-network-mea-qc",
      location: "qatarcentral",
      addressPrefixes: ["10.30.0.0/16"],
      subnets: [{ name: "snet-aks-nodes", prefixes: ["10.30.0.0/22"] }], // 3 + 2 + endpoint = 6 of 1019 → node pass
    },
    {
      name: meaUaen,
      resourceGroup: "rg-network-mea-uaen",
      location: "uaenorth",
      addressPrefixes: ["10.31.0.0/16"],
      subnets: [
        // 9 frontends + SQL endpoint NIC: capacity 11, used max(9, 10) = 10, free 1 → exhaustion fail medium.
        {
          name: "snet-aks-apiserver",
          prefixes: ["10.31.2.0/28"],
          delegated: true,
          privateEndpoint: {
            name: "pe-sql-contoso-mea",
            ip: "10.31.2.13",
            service: "Microsoft.Sql/servers",
            groupId: "sqlServer",
          },
        },
        { name: "snet-aks-nodes", prefixes: ["10.31.8.0/24"] }, // 3 of 251 → node pass
      ],
    },
  ],
  nsgs: [],
};

export const contoso: TenantSpec = {
  file: "contoso",
  tenantId: contosoTenantId,
  subscriptions: [contosoProdSubscription, contosoNonprodSubscription, contosoMeaSubscription],
};
