// Fabrikam's part of the demo fleet: two subscriptions; the comments give each rule's outcome (worked as in generate.ts).
import { resourceId } from "./arm.ts";
import type { Placement, Row } from "./arm.ts";
import type { ClusterSpec, SubscriptionSpec, TenantSpec } from "./assemble.ts";
import { firewallPolicy, firewallPolicyRuleCollectionGroup, ipGroup } from "./firewall.ts";
import { pool, tags } from "./managed-cluster.ts";

const fabrikamTenantId = "22222222-2222-4222-8222-222222222222";
const fabrikamPayments = "2c3d4e5f-0001-4b00-9d00-000000000001";
const fabrikamData = "2c3d4e5f-0002-4b00-9d00-000000000002";

// ─── Fabrikam: payments (eastus2, centralus) ─────────────────────────────────────────────────────────────────────

const payEus2 = "vnet-fabrikam-payments-eus2";
const payCus = "vnet-fabrikam-payments-cus";

const fabrikamPaymentsClusters: readonly ClusterSpec[] = [
  {
    // Shares an over-subscribed /28 with -02. enablement: unverified medium. Role: Contributor on the subscription → pass.
    // Its IP 172.16.1.4 is pinned by the firewall policy → rule-pinned-to-apiserver-ip low.
    name: "aks-fabrikam-payments-eus2-01",
    resourceGroup: "rg-aks-payments-eus2",
    location: "eastus2",
    kubernetesVersion: "1.31.5",
    apiServer: {
      kind: "integrated",
      subnet: `${payEus2}/snet-aks-apiserver-shared`,
      ip: "172.16.1.4",
      ipConfigurations: 6,
    },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "payments"),
    pools: [
      pool("system", "Standard_D4s_v5", 3, {
        maxPods: 250,
        maxSurge: "1",
        subnet: `${payEus2}/snet-aks-nodes`,
      }),
      pool("payments", "Standard_D8s_v5", 4, {
        autoscale: [3, 12],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${payEus2}/snet-aks-nodes`,
      }),
    ],
    // Network Contributor through the landing-zones management group above the subscription → role pass.
    roles: [{ role: "networkContributor", scope: "mg:mg-fabrikam-landingzones" }],
  },
  {
    // User-assigned identity with Network Contributor on the VNet → identity pass. enablement: unverified medium.
    name: "aks-fabrikam-payments-eus2-02",
    resourceGroup: "rg-aks-payments-eus2",
    location: "eastus2",
    kubernetesVersion: "1.31.5",
    apiServer: {
      kind: "integrated",
      subnet: `${payEus2}/snet-aks-apiserver-shared`,
      ip: "172.16.1.10",
      ipConfigurations: 5,
    },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    userAssignedIdentity: true,
    tags: tags("prod", "payments"),
    pools: [
      pool("system", "Standard_D4s_v5", 3, {
        maxPods: 250,
        maxSurge: "1",
        subnet: `${payEus2}/snet-aks-nodes`,
      }),
    ],
    roles: [{ role: "networkContributor", scope: `vnet:${payEus2}` }],
  },
  {
    // Private, pod subnet. Endpoint IP 172.16.3.100 sits in an IP group the policy uses → pinned medium.
    // conversion-blocked pass; the spare delegated /27 can be reused.
    name: "aks-fabrikam-payments-eus2-03",
    resourceGroup: "rg-aks-payments-eus2",
    location: "eastus2",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "private", endpointIp: "172.16.3.100" },
    networkPlugin: "azure",
    powerState: "Running",
    tags: tags("prod", "payments"),
    pools: [
      pool("system", "Standard_D8s_v5", 4, {
        maxPods: 110,
        maxSurge: "33%",
        subnet: `${payEus2}/snet-aks-nodes-03`,
        podSubnet: `${payEus2}/snet-aks-pods-03`,
      }),
    ],
  },
  {
    // Public, flat CNI → not-integrated fail; conversion-blocked pass.
    name: "aks-fabrikam-payments-eus2-04",
    resourceGroup: "rg-aks-payments-eus2",
    location: "eastus2",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "public" },
    networkPlugin: "azure",
    powerState: "Running",
    tags: tags("prod", "payments"),
    pools: [
      pool("system", "Standard_D4s_v3", 3, {
        autoscale: [3, 5],
        maxPods: 30,
        maxSurge: "1",
        subnet: `${payEus2}/snet-aks-nodes-04`,
      }),
    ],
  },
  {
    // The clean one: every API-server-subnet rule passes; enabled 11-09 and restarted after → enablement pass;
    // Owner on the network resource group → identity pass. A policy rule still pins its old public IP 20.84.12.37.
    name: "aks-fabrikam-payments-cus-01",
    resourceGroup: "rg-aks-payments-cus",
    location: "centralus",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", subnet: `${payCus}/snet-aks-apiserver`, ip: "172.17.2.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "payments"),
    pools: [
      pool("system", "Standard_D4s_v5", 2, {
        autoscale: [2, 6],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${payCus}/snet-aks-nodes`,
      }),
    ],
    roles: [{ role: "owner", scope: "rg:rg-network-payments-cus" }],
    changes: [
      { at: "2026-11-09T06:00:12Z", kind: "enable" },
      { at: "2026-11-09T06:20:40Z", kind: "stop" },
      { at: "2026-11-09T06:31:05Z", kind: "start" },
    ],
  },
  {
    // Converted between run 1 and run 2 (history/): private with API server endpoint 172.16.11.250 in run 1,
    // integrated in snet-aks-apiserver-05 (172.16.4.4) since 11-09 and never restarted → enablement fail high.
    // An NSG rule and a policy rule still name 172.16.11.250 → rule-pinned-to-old-apiserver-ip (from history).
    // Every API-server-subnet rule, nsg-blocks (default AllowVnetOutBound) and identity (VNet) pass.
    name: "aks-fabrikam-payments-eus2-05",
    resourceGroup: "rg-aks-payments-eus2",
    location: "eastus2",
    kubernetesVersion: "1.31.5",
    apiServer: {
      kind: "integrated",
      subnet: `${payEus2}/snet-aks-apiserver-05`,
      ip: "172.16.4.4",
      private: true,
    },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2025-01-15T10:00:00Z",
    tags: tags("prod", "payments"),
    pools: [
      pool("system", "Standard_D4s_v5", 2, {
        maxPods: 250,
        maxSurge: "1",
        subnet: `${payEus2}/snet-aks-nodes`,
      }),
    ],
    roles: [{ role: "networkContributor", scope: `vnet:${payEus2}` }],
    changes: [{ at: "2026-11-09T14:05:00Z", kind: "enable" }],
  },
  {
    // Public kubenet in centralus → not-integrated fail; conversion-blocked pass.
    name: "aks-fabrikam-payments-cus-02",
    resourceGroup: "rg-aks-payments-cus",
    location: "centralus",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "public" },
    networkPlugin: "kubenet",
    powerState: "Running",
    tags: tags("staging", "payments"),
    pools: [pool("system", "Standard_D2s_v3", 2, { maxPods: 110, subnet: `${payCus}/snet-aks-nodes` })],
  },
];

const paymentsHub: Placement = {
  tenantId: fabrikamTenantId,
  subscriptionId: fabrikamPayments,
  resourceGroup: "rg-hub-eus2",
  location: "eastus2",
};

/** Firewall Policy: one rule pins a current integrated IP, one reaches an IP group, two pin old API server IPs. */
function paymentsFirewallPolicy(): { resources: readonly Row[]; networkresources: readonly Row[] } {
  const policyId = resourceId(paymentsHub, "Microsoft.Network/firewallPolicies", "afwp-fabrikam-hub-eus2");
  const ipGroupId = resourceId(paymentsHub, "Microsoft.Network/ipGroups", "ipg-aks-apiservers");
  const rule = {
    ruleType: "NetworkRule",
    ipProtocols: ["TCP"],
    sourceAddresses: ["172.16.200.0/24"],
    destinationPorts: ["443"],
  };
  const basePolicyId = resourceId(paymentsHub, "Microsoft.Network/firewallPolicies", "afwp-fabrikam-base");
  return {
    resources: [
      // The organisation's base policy: its group pins the API server IP of aks-fabrikam-payments-eus2-02, and
      // the hub policy inherits it, so that rule applies to every firewall of the child policy too.
      firewallPolicy(paymentsHub, {
        name: "afwp-fabrikam-base",
        ruleCollectionGroups: ["rcg-org-baseline"],
        childPolicyIds: [policyId],
      }),
      firewallPolicy(paymentsHub, {
        name: "afwp-fabrikam-hub-eus2",
        ruleCollectionGroups: ["rcg-aks-platform"],
        basePolicyId,
      }),
      ipGroup(paymentsHub, "ipg-aks-apiservers", ["172.16.3.100/32", "172.17.2.0/27"], [policyId]),
    ],
    networkresources: [
      firewallPolicyRuleCollectionGroup(paymentsHub, "afwp-fabrikam-base", "rcg-org-baseline", 100, [
        {
          name: "allow-monitoring-to-apiservers",
          priority: 100,
          action: "Allow",
          rules: [
            {
              ...rule,
              sourceAddresses: ["172.16.250.0/24"],
              name: "monitoring-to-payments-eus2-02",
              description: "Monitoring probes to aks-fabrikam-payments-eus2-02 (rule of the base policy)",
              destinationAddresses: ["172.16.1.10"],
            },
          ],
        },
      ]),
      firewallPolicyRuleCollectionGroup(paymentsHub, "afwp-fabrikam-hub-eus2", "rcg-aks-platform", 200, [
        {
          name: "allow-ci-to-apiservers",
          priority: 100,
          action: "Allow",
          rules: [
            {
              ...rule,
              name: "ci-to-payments-eus2-01",
              description: "GitHub runners to aks-fabrikam-payments-eus2-01",
              destinationAddresses: ["172.16.1.4"],
            },
            {
              ...rule,
              name: "ci-to-apiserver-ipgroup",
              description: "GitHub runners to the API servers in ipg-aks-apiservers",
              destinationIpGroups: [ipGroupId],
            },
            {
              ...rule,
              name: "ci-to-payments-eus2-05",
              description: "GitHub runners to aks-fabrikam-payments-eus2-05 (its private endpoint)",
              destinationAddresses: ["172.16.11.250"],
            },
            {
              ...rule,
              name: "ci-to-payments-cus-01",
              description: "Written before cus-01 was integrated",
              destinationAddresses: ["20.84.12.37"],
            },
          ],
        },
      ]),
    ],
  };
}

const fabrikamPaymentsSubscription: SubscriptionSpec = {
  name: "fabrikam-payments-prod",
  subscriptionId: fabrikamPayments,
  managementGroups: [{ name: "mg-fabrikam-landingzones", displayName: "Fabrikam landing zones" }],
  clusters: fabrikamPaymentsClusters,
  vnets: [
    {
      name: payEus2,
      resourceGroup: "rg-network-payments-eus2",
      location: "eastus2",
      addressPrefixes: ["172.16.0.0/16"],
      subnets: [
        // -01 and -02: capacity 11, used max(18, 6 + 5) = 18, free −7 → exhaustion fail critical; too-small / misconfigured pass.
        { name: "snet-aks-apiserver-shared", prefixes: ["172.16.1.0/28"], delegated: true },
        // Delegated, empty /27: free 27 → passes; the conversion plan can reuse it (≥ 9 + 4).
        { name: "snet-aks-apiserver-spare", prefixes: ["172.16.2.0/27"], delegated: true },
        // Used by aks-fabrikam-partner-eus2, a cluster in a subscription outside the scan: AKS's service
        // association link and one kube-apiserver frontend, no cluster in the demo → 9 reserved of 11, free 2 →
        // exhaustion medium, naming the cluster outside the scan; no plan may reuse it.
        {
          name: "snet-aks-apiserver-partner",
          prefixes: ["172.16.5.0/28"],
          delegated: true,
          usedByClusterOutsideScan: {
            subscriptionId: "2c3d4e5f-0009-4b00-9d00-000000000009",
            resourceGroup: "rg-aks-partner-eus2",
            name: "aks-fabrikam-partner-eus2",
            location: "eastus2",
          },
        },
        // -05 since its conversion: capacity 27, used 9, free 18 → all API-server-subnet rules pass.
        { name: "snet-aks-apiserver-05", prefixes: ["172.16.4.0/27"], delegated: true },
        { name: "snet-aks-nodes-03", prefixes: ["172.16.3.0/24"] }, // 4 nodes + endpoint = 5 of 251 → node pass
        { name: "snet-aks-nodes", prefixes: ["172.16.8.0/22"], nsg: "nsg-aks-nodes-payments-eus2" }, // 3 + 4 + 3 + 2 = 12 of 1019 → pass
        // flat CNI 3 × 31 = 93 of 251 (37 %); (5 + 1) × 31 = 186 ≤ 251 → node pass.
        { name: "snet-aks-nodes-04", prefixes: ["172.16.16.0/24"] },
        { name: "snet-aks-pods-03", prefixes: ["172.16.64.0/18"] },
      ],
    },
    {
      name: payCus,
      resourceGroup: "rg-network-payments-cus",
      location: "centralus",
      addressPrefixes: ["172.17.0.0/16"],
      subnets: [
        // capacity 27, used 9, free 18 → all API-server-subnet rules pass.
        {
          name: "snet-aks-apiserver",
          prefixes: ["172.17.2.0/27"],
          delegated: true,
          nsg: "nsg-aks-apiserver-payments-cus",
        },
        { name: "snet-aks-nodes", prefixes: ["172.17.8.0/24"] }, // 2 + 2 of 251 → node pass
      ],
    },
  ],
  nsgs: [
    {
      name: "nsg-aks-nodes-payments-eus2",
      resourceGroup: "rg-network-payments-eus2",
      location: "eastus2",
      rules: [
        {
          name: "allow-apiserver-subnet",
          priority: 100,
          direction: "Outbound",
          access: "Allow",
          protocol: "Tcp",
          source: "172.16.8.0/22",
          destination: "172.16.1.0/28",
          ports: ["443", "4443"],
        },
        {
          // Written for -05's private endpoint; left behind by its conversion.
          name: "allow-apiserver-payments-eus2-05",
          priority: 120,
          direction: "Outbound",
          access: "Allow",
          protocol: "Tcp",
          source: "172.16.8.0/22",
          destination: "172.16.11.250/32",
          ports: "443",
        },
      ],
    },
    {
      // Allows nodes on 443/4443 and the load balancer on 9988 → nsg-blocks pass for cus-01.
      name: "nsg-aks-apiserver-payments-cus",
      resourceGroup: "rg-network-payments-cus",
      location: "centralus",
      rules: [
        {
          name: "allow-nodes-to-apiserver",
          priority: 100,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          source: "172.17.8.0/24",
          destination: "172.17.2.0/27",
          ports: ["443", "4443"],
        },
        {
          name: "allow-azure-lb-9988",
          priority: 110,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          source: "AzureLoadBalancer",
          destination: "*",
          ports: "9988",
        },
        {
          name: "deny-all-other-inbound",
          priority: 4000,
          direction: "Inbound",
          access: "Deny",
          protocol: "*",
          source: "*",
          destination: "*",
          ports: "*",
        },
      ],
    },
  ],
  extraRows: paymentsFirewallPolicy,
};

// ─── Fabrikam: data platform (southeastasia, australiaeast) ──────────────────────────────────────────────────────

const dataSea = "vnet-fabrikam-data-sea";
const dataAue = "vnet-fabrikam-data-aue";

const fabrikamDataClusters: readonly ClusterSpec[] = [
  {
    // Integrated (AKS-managed VNet) on 11-12, stopped 11-14 and never started → enablement fail critical.
    name: "aks-fabrikam-data-sea-01",
    resourceGroup: "rg-aks-data-sea",
    location: "southeastasia",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "integrated", ip: "10.225.0.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Stopped",
    tags: tags("prod", "data"),
    pools: [pool("system", "Standard_E8s_v5", 3, { maxPods: 250, maxSurge: "33%" })],
    changes: [
      { at: "2026-11-12T04:10:00Z", kind: "enable" },
      { at: "2026-11-14T18:45:00Z", kind: "stop" },
    ],
  },
  {
    // Public overlay, big autoscaling pool → not-integrated fail; conversion-blocked pass.
    name: "aks-fabrikam-data-sea-02",
    resourceGroup: "rg-aks-data-sea",
    location: "southeastasia",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "public" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "data"),
    pools: [
      pool("system", "Standard_D4s_v5", 3, {
        maxPods: 250,
        maxSurge: "1",
        subnet: `${dataSea}/snet-aks-nodes`,
      }),
      pool("spark", "Standard_D16s_v5", 12, {
        autoscale: [3, 50],
        maxPods: 250,
        maxSurge: "5",
        subnet: `${dataSea}/snet-aks-nodes`,
      }),
    ],
  },
  {
    // Private overlay → not-integrated fail; conversion-blocked pass.
    name: "aks-fabrikam-data-sea-03",
    resourceGroup: "rg-aks-data-sea",
    location: "southeastasia",
    kubernetesVersion: "1.30.9",
    apiServer: { kind: "private", endpointIp: "172.20.3.250" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "data"),
    pools: [pool("system", "Standard_D8s_v5", 3, { maxPods: 250, subnet: `${dataSea}/snet-aks-nodes` })],
  },
  {
    // Created integrated on 11-08 (Create record) → enablement pass. Network Contributor on the VNet → identity pass.
    name: "aks-fabrikam-data-aue-01",
    resourceGroup: "rg-aks-data-aue",
    location: "australiaeast",
    kubernetesVersion: "1.32.2",
    apiServer: { kind: "integrated", subnet: `${dataAue}/snet-aks-apiserver`, ip: "172.21.2.4" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    createdAt: "2026-11-08T02:00:00Z",
    tags: tags("prod", "data"),
    pools: [
      pool("system", "Standard_D4s_v5", 3, {
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${dataAue}/snet-aks-nodes-aue-01`,
      }),
    ],
    roles: [{ role: "networkContributor", scope: `vnet:${dataAue}` }],
    changes: [{ at: "2026-11-08T02:00:00Z", kind: "create" }],
  },
  {
    // Public overlay whose autoscaler ceiling does not fit its /27 (see snet-aks-nodes) → not-integrated fail.
    name: "aks-fabrikam-data-aue-02",
    resourceGroup: "rg-aks-data-aue",
    location: "australiaeast",
    kubernetesVersion: "1.31.5",
    apiServer: { kind: "public" },
    networkPlugin: "azure",
    overlay: true,
    powerState: "Running",
    tags: tags("prod", "data"),
    pools: [
      pool("system", "Standard_D4s_v5", 6, {
        autoscale: [2, 22],
        maxPods: 250,
        maxSurge: "33%",
        subnet: `${dataAue}/snet-aks-nodes`,
      }),
    ],
  },
];

const fabrikamDataSubscription: SubscriptionSpec = {
  name: "fabrikam-data-platform",
  subscriptionId: fabrikamData,
  clusters: fabrikamDataClusters,
  vnets: [
    {
      name: dataSea,
      resourceGroup: "rg-network-data-sea",
      location: "southeastasia",
      addressPrefixes: ["172.20.0.0/16"],
      // sea-02 (3 + 12) + sea-03 (3) + endpoint = 19 of 1019; Σ(nodesMax + surge) = 4 + 55 + 4 = 63 → node pass.
      subnets: [{ name: "snet-aks-nodes", prefixes: ["172.20.0.0/22"] }],
    },
    {
      name: dataAue,
      resourceGroup: "rg-network-data-aue",
      location: "australiaeast",
      addressPrefixes: ["172.21.0.0/16"],
      subnets: [
        { name: "snet-aks-apiserver", prefixes: ["172.21.2.0/27"], delegated: true }, // free 18 → passes
        // aue-02: 6 of 27 (22 %), but nodesMax 22 + ceil(0.33 × 22) = 8 → 30 > 27 → node fail high (no surge room).
        { name: "snet-aks-nodes", prefixes: ["172.21.8.0/27"] },
        { name: "snet-aks-nodes-aue-01", prefixes: ["172.21.16.0/24"] }, // 3 of 251 → node pass
        // Malformed on purpose: the normalizer reports an invalid-prefix diagnostic and goes on.
        { name: "snet-legacy-import", prefixes: ["10.0.0.0/33"] },
      ],
    },
  ],
  nsgs: [],
};

export const fabrikam: TenantSpec = {
  file: "fabrikam",
  tenantId: fabrikamTenantId,
  subscriptions: [fabrikamPaymentsSubscription, fabrikamDataSubscription],
};
