import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findApiServerEndpoints, isApiServerResourceOf } from "../../src/inventory/apiserver-endpoints.ts";
import type { InventoryParts } from "../builders.ts";
import {
  apiServerFrontendId,
  cluster,
  clusterId,
  inventory,
  loadBalancer,
  networkInterface,
  privateEndpoint,
  testSubscriptionId,
} from "../builders.ts";
import type { ClusterOverrides } from "../builders.ts";

const nodeGroupId = `/subscriptions/${testSubscriptionId}/resourceGroups/mc_rg`;
const integrated: ClusterOverrides = {
  nodeResourceGroup: "mc_rg",
  apiServerAccessProfile: { enableVnetIntegration: true },
};
const privateCluster: ClusterOverrides = {
  nodeResourceGroup: "mc_rg",
  apiServerAccessProfile: { enablePrivateCluster: true },
};

const frontend = (index: number, ip: string | undefined) => ({
  id: apiServerFrontendId(index),
  name: String(index),
  privateIpAddress: ip,
  subnetId: undefined,
});
const nicId = `${nodeGroupId}/providers/Microsoft.Network/networkInterfaces/kube-apiserver.nic.1`;
const nic = networkInterface({
  ipConfigurations: [
    {
      id: `${nicId}/ipConfigurations/ipconfig1`,
      name: "ipconfig1",
      privateIpAddress: "10.1.0.4",
      subnetId: undefined,
    },
  ],
});
const apiServerPe = (overrides: Parameters<typeof privateEndpoint>[0] = {}) =>
  privateEndpoint({
    id: `${nodeGroupId}/providers/Microsoft.Network/privateEndpoints/kube-apiserver`,
    name: "kube-apiserver",
    privateLinkServiceIds: [clusterId("aks-1")],
    groupIds: ["management"],
    ...overrides,
  });

interface Case {
  readonly name: string;
  readonly cluster: ClusterOverrides;
  readonly parts: InventoryParts;
  readonly dns?: readonly string[];
  /** [ip, evidence, source] per endpoint; undefined = the cluster is absent from the map. */
  readonly expected: readonly (readonly [string, string, string])[] | undefined;
}

const cases: Case[] = [
  {
    name: "integrated: kube-apiserver frontends",
    cluster: integrated,
    parts: {
      loadBalancers: [
        loadBalancer({ frontendIpConfigurations: [frontend(0, "10.0.255.4"), frontend(1, undefined)] }),
      ],
    },
    expected: [["10.0.255.4", "kube-apiserver-frontend", apiServerFrontendId(0)]],
  },
  {
    name: "load balancer name and node resource group compare case-insensitively",
    cluster: { ...integrated, nodeResourceGroup: "MC_RG" },
    parts: {
      loadBalancers: [
        loadBalancer({ name: "KUBE-APISERVER", frontendIpConfigurations: [frontend(0, "10.0.255.4")] }),
      ],
    },
    expected: [["10.0.255.4", "kube-apiserver-frontend", apiServerFrontendId(0)]],
  },
  {
    name: "another load balancer in the node resource group is not the API server",
    cluster: integrated,
    parts: {
      loadBalancers: [
        loadBalancer({ name: "kubernetes-internal", frontendIpConfigurations: [frontend(0, "10.0.0.9")] }),
      ],
    },
    expected: undefined,
  },
  {
    name: "a kube-apiserver load balancer in another resource group is not this cluster's",
    cluster: { ...integrated, nodeResourceGroup: "mc_other" },
    parts: { loadBalancers: [loadBalancer({ frontendIpConfigurations: [frontend(0, "10.0.255.4")] })] },
    expected: undefined,
  },
  {
    name: "a kube-apiserver load balancer in another subscription is not this cluster's",
    cluster: integrated,
    parts: {
      loadBalancers: [
        {
          ...loadBalancer({ frontendIpConfigurations: [frontend(0, "10.0.255.4")] }),
          subscriptionId: "other",
        },
      ],
    },
    expected: undefined,
  },
  {
    name: "non-integrated cluster ignores the load balancer",
    cluster: privateCluster,
    parts: { loadBalancers: [loadBalancer({ frontendIpConfigurations: [frontend(0, "10.0.255.4")] })] },
    expected: undefined,
  },
  {
    name: "private cluster: the private endpoint's NIC",
    cluster: privateCluster,
    parts: {
      privateEndpoints: [apiServerPe({ networkInterfaceIds: [nicId], privateIpAddresses: ["10.1.0.99"] })],
      networkInterfaces: [nic],
    },
    expected: [["10.1.0.4", "private-endpoint-nic", `${nicId}/ipConfigurations/ipconfig1`]],
  },
  {
    name: "private cluster without the NIC in the inventory: the endpoint's own addresses",
    cluster: privateCluster,
    parts: {
      privateEndpoints: [apiServerPe({ networkInterfaceIds: [nicId], privateIpAddresses: ["10.1.0.5"] })],
    },
    expected: [["10.1.0.5", "private-endpoint-nic", apiServerPe().id]],
  },
  {
    name: "a management endpoint without a link id counts",
    cluster: privateCluster,
    parts: {
      privateEndpoints: [apiServerPe({ privateLinkServiceIds: [], privateIpAddresses: ["10.1.0.5"] })],
    },
    expected: [["10.1.0.5", "private-endpoint-nic", apiServerPe().id]],
  },
  {
    name: "an endpoint linked to another cluster does not count",
    cluster: privateCluster,
    parts: {
      privateEndpoints: [
        apiServerPe({ privateLinkServiceIds: [clusterId("aks-2")], privateIpAddresses: ["10.1.0.5"] }),
      ],
    },
    expected: undefined,
  },
  {
    name: "an endpoint of another service (no management group, no link) does not count",
    cluster: privateCluster,
    parts: {
      privateEndpoints: [
        apiServerPe({ privateLinkServiceIds: [], groupIds: ["blob"], privateIpAddresses: ["10.1.0.5"] }),
      ],
    },
    expected: undefined,
  },
  {
    name: "integrated private cluster ignores private endpoints",
    cluster: {
      ...integrated,
      apiServerAccessProfile: { enableVnetIntegration: true, enablePrivateCluster: true },
    },
    parts: { privateEndpoints: [apiServerPe({ privateIpAddresses: ["10.1.0.5"] })] },
    expected: undefined,
  },
  {
    name: "public cluster: DNS answers, source is the FQDN",
    cluster: {},
    parts: {},
    dns: ["20.1.2.3", "2603:1020::1"],
    expected: [
      ["20.1.2.3", "dns", "aks-1-dns.hcp.westeurope.azmk8s.io"],
      ["2603:1020::1", "dns", "aks-1-dns.hcp.westeurope.azmk8s.io"],
    ],
  },
  {
    name: "DNS answers of a private cluster name the private FQDN",
    cluster: { ...privateCluster, fqdn: undefined, privateFqdn: "aks-1.privatelink.westeurope.azmk8s.io" },
    parts: {},
    dns: ["10.1.0.4"],
    expected: [["10.1.0.4", "dns", "aks-1.privatelink.westeurope.azmk8s.io"]],
  },
  {
    name: "frontend and DNS evidence for one IP are both kept",
    cluster: integrated,
    parts: { loadBalancers: [loadBalancer({ frontendIpConfigurations: [frontend(0, "10.0.255.4")] })] },
    dns: ["10.0.255.4"],
    expected: [
      ["10.0.255.4", "kube-apiserver-frontend", apiServerFrontendId(0)],
      ["10.0.255.4", "dns", "aks-1-dns.hcp.westeurope.azmk8s.io"],
    ],
  },
  { name: "public cluster without DNS answers has no evidence", cluster: {}, parts: {}, expected: undefined },
];

describe("findApiServerEndpoints", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const subject = cluster(testCase.cluster);
      const dns = testCase.dns === undefined ? undefined : new Map([[subject.key, testCase.dns]]);
      const found = findApiServerEndpoints(inventory({ ...testCase.parts, clusters: [subject] }), dns);
      const endpoints = found
        .get(subject.key)
        ?.map((endpoint) => [endpoint.ip, endpoint.evidence, endpoint.source]);
      assert.deepEqual(endpoints, testCase.expected);
    });
  }

  it("keys the map by lower-cased cluster id and keeps clusters apart", () => {
    const clusters = ["AKS-A", "aks-b"].map((name) =>
      cluster({ ...integrated, name, nodeResourceGroup: `mc_${name}` }),
    );
    const loadBalancers = clusters.map((owner, index) =>
      loadBalancer({
        id: `/subscriptions/${testSubscriptionId}/resourceGroups/mc_${owner.name}/providers/Microsoft.Network/loadBalancers/kube-apiserver`,
        frontendIpConfigurations: [frontend(index, `10.0.255.${index + 4}`)],
      }),
    );
    const found = findApiServerEndpoints(inventory({ clusters, loadBalancers }));
    assert.deepEqual(
      [...found].map(([key, endpoints]) => [key, endpoints.map((endpoint) => endpoint.ip)]),
      [
        [clusterId("AKS-A").toLowerCase(), ["10.0.255.4"]],
        [clusterId("aks-b").toLowerCase(), ["10.0.255.5"]],
      ],
    );
  });
});

describe("isApiServerResourceOf", () => {
  const subject = cluster(integrated);
  const table: [string, boolean][] = [
    [subject.id.toUpperCase(), true],
    [`${nodeGroupId}/providers/Microsoft.Network/loadBalancers/kube-apiserver`, true],
    [`${nodeGroupId}/providers/Microsoft.Network/privateEndpoints/kube-apiserver`, true],
    [nicId, true],
    [`${nodeGroupId}/providers/Microsoft.Network/loadBalancers/kubernetes`, false],
    [`${nodeGroupId}/providers/Microsoft.Network/publicIPAddresses/kube-apiserver`, false],
    [
      `/subscriptions/${testSubscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network/loadBalancers/kube-apiserver`,
      false,
    ],
  ];
  for (const [resourceId, expected] of table) {
    it(`${resourceId.split("/").slice(-3).join("/")} → ${expected}`, () => {
      assert.equal(isApiServerResourceOf(subject, resourceId), expected);
    });
  }
});
