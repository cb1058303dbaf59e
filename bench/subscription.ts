// One synthetic subscription of the bench fleet: clusters, their VNets, NSGs and firewall policy, as demo-fleet specs.
import type { SecurityRuleShape } from "../examples/demo-fleet/arm.ts";
import { resourceId } from "../examples/demo-fleet/arm.ts";
import type {
  ClusterSpec,
  NsgSpec,
  PoolSpec,
  SubnetSpec,
  SubscriptionSpec,
  TableRows,
  VnetSpec,
} from "../examples/demo-fleet/assemble.ts";
import {
  firewallPolicy,
  firewallPolicyRuleCollectionGroup,
  ipGroup,
} from "../examples/demo-fleet/firewall.ts";
import type { ApiServerSpec, ChangeSpec, RoleSpec } from "../examples/demo-fleet/managed-cluster.ts";
import { pool, tags } from "../examples/demo-fleet/managed-cluster.ts";
import type { Random } from "./random.ts";

/** The proportions DESIGN §9's issue asks for, per cluster. */
export const subnetsPerCluster = 15;
export const nsgRulesPerCluster = 40;
export const firewallRulesPerCluster = 10;
/** Azure adds six default rules to every NSG; the rest are custom. */
const customNsgRules = nsgRulesPerCluster - 6;
/** Each cluster owns a /20 of its VNet's /16, so one VNet holds at most 16 clusters (240 subnets). */
const clustersPerVnetMax = 16;
const locations = ["westeurope", "northeurope", "eastus2", "centralus", "uksouth"] as const;

interface ClusterPlan {
  readonly spec: ClusterSpec;
  readonly subnets: readonly SubnetSpec[];
  readonly nsg: NsgSpec;
  /** Addresses other teams pin in firewall rules: the API server IP or the node subnet. */
  readonly pinned: string;
}

/** Address `offset` (0…4095) of a cluster's /20 inside `10.<second>.0.0/16`. */
function address(second: number, slot: number, offset: number): string {
  const value = slot * 4096 + offset;
  return `10.${second}.${Math.floor(value / 256)}.${value % 256}`;
}

function apiServerOf(
  random: Random,
  vnet: string,
  cluster: string,
  ip: string,
  nodeIp: string,
): ApiServerSpec {
  const draw = random.next();
  if (draw < 0.22)
    return {
      kind: "integrated",
      subnet: `${vnet}/snet-${cluster}-apiserver`,
      ip,
      private: random.chance(0.3),
    };
  if (draw < 0.3) return { kind: "integrated", ip: "10.225.0.4" };
  if (draw < 0.55) return { kind: "private", endpointIp: nodeIp, publicFqdn: random.chance(0.2) };
  if (draw < 0.95)
    return { kind: "public", authorizedIPRanges: random.chance(0.4) ? ["203.0.113.0/24"] : undefined };
  return { kind: "absent" };
}

type Cni = Pick<ClusterSpec, "networkPlugin" | "overlay"> & { readonly podSubnet: boolean };

function cniOf(random: Random): Cni {
  const draw = random.next();
  if (draw < 0.15) return { networkPlugin: "kubenet", podSubnet: false };
  if (draw < 0.6) return { networkPlugin: "azure", overlay: true, podSubnet: false };
  if (draw < 0.85) return { networkPlugin: "azure", podSubnet: true };
  return { networkPlugin: "azure", podSubnet: false };
}

function pools(random: Random, vnet: string, cluster: string, cni: Cni): PoolSpec[] {
  const flat = cni.networkPlugin === "azure" && !cni.overlay && !cni.podSubnet;
  const count = (): number => random.integer(2, flat ? 6 : 12);
  const subnets = {
    subnet: `${vnet}/snet-${cluster}-nodes`,
    ...(cni.podSubnet ? { podSubnet: `${vnet}/snet-${cluster}-pods` } : {}),
  };
  const autoscale = (nodes: number): { autoscale?: [number, number] } =>
    random.chance(0.5) ? { autoscale: [nodes, nodes + random.integer(2, 20)] } : {};
  const maxPods = flat ? 30 : 110;
  const system = count();
  const result = [
    pool("system", "Standard_D4s_v5", system, { maxPods, maxSurge: "1", ...subnets, ...autoscale(system) }),
  ];
  for (let index = 0; index < random.integer(0, 2); index++) {
    const nodes = count();
    result.push(
      pool(`user${index}`, "Standard_D8s_v5", nodes, {
        maxPods,
        maxSurge: "33%",
        ...subnets,
        ...autoscale(nodes),
      }),
    );
  }
  return result;
}

function rolesOf(random: Random, vnet: string, cluster: string): RoleSpec[] {
  const draw = random.next();
  if (draw < 0.5)
    return [
      { role: "networkContributor", scope: `subnet:${vnet}/snet-${cluster}-nodes` },
      { role: "networkContributor", scope: `subnet:${vnet}/snet-${cluster}-apiserver` },
    ];
  if (draw < 0.8) return [{ role: "networkContributor", scope: `vnet:${vnet}` }];
  return [];
}

function changesOf(random: Random, apiServer: ApiServerSpec): ChangeSpec[] {
  const changes: ChangeSpec[] = [];
  if (random.chance(0.1)) changes.push({ at: "2026-11-12T09:00:00Z", kind: "create" });
  if (apiServer.kind === "integrated" && random.chance(0.5))
    changes.push({ at: "2026-11-15T10:30:00Z", kind: "enable" });
  if (random.chance(0.05))
    changes.push({ at: "2026-11-17T18:00:00Z", kind: "stop" }, { at: "2026-11-18T07:00:00Z", kind: "start" });
  return changes;
}

function subnetsOf(
  cluster: string,
  second: number,
  slot: number,
  podSubnet: boolean,
  nsg: string,
): SubnetSpec[] {
  const subnets: SubnetSpec[] = [
    { name: `snet-${cluster}-nodes`, prefixes: [`${address(second, slot, 0)}/22`], nsg },
    {
      name: `snet-${cluster}-apiserver`,
      prefixes: [`${address(second, slot, 2048)}/28`],
      delegated: true,
      nsg,
    },
  ];
  if (podSubnet)
    subnets.push({ name: `snet-${cluster}-pods`, prefixes: [`${address(second, slot, 1024)}/22`] });
  for (let index = 1; subnets.length < subnetsPerCluster; index++) {
    subnets.push({
      name: `snet-${cluster}-app-${index}`,
      prefixes: [`${address(second, slot, 2048 + 32 * index)}/27`],
      nsg: index % 3 === 0 ? nsg : undefined,
    });
  }
  return subnets;
}

function nsgRules(random: Random, nodes: string, apiServer: string): SecurityRuleShape[] {
  return Array.from({ length: customNsgRules }, (_, index): SecurityRuleShape => {
    const toApiServer = index % 5 === 0;
    return {
      name: `rule-${index}`,
      priority: 100 + index * 10,
      direction: index % 2 === 0 ? "Inbound" : "Outbound",
      access: random.chance(0.15) ? "Deny" : "Allow",
      protocol: random.pick(["Tcp", "Udp", "*"] as const),
      source: toApiServer ? nodes : random.pick(["VirtualNetwork", "*", `192.168.${index}.0/24`, nodes]),
      destination: toApiServer
        ? apiServer
        : random.pick(["*", "Internet", `172.20.${index}.0/24`, "AzureCloud"]),
      ports: toApiServer ? ["443", "4443"] : random.pick(["*", "22", "8080-8090", ["80", "443"]]),
    };
  });
}

function clusterPlan(
  random: Random,
  names: { subscription: string; index: number; vnet: string; second: number; slot: number },
): ClusterPlan {
  const name = `aks-${names.subscription}-${names.index}`;
  const nsgName = `nsg-${name}`;
  const cni = cniOf(random);
  const { vnet, second, slot } = names;
  const apiServer = apiServerOf(random, vnet, name, address(second, slot, 2052), address(second, slot, 1000));
  const subnets = subnetsOf(name, second, slot, cni.podSubnet, nsgName);
  const nodes = `${address(second, slot, 0)}/22`;
  const spec: ClusterSpec = {
    name,
    resourceGroup: `rg-${name}`,
    location: locations[slot % locations.length] ?? "westeurope",
    kubernetesVersion: random.pick(["1.30.9", "1.31.5", "1.32.2"]),
    apiServer,
    networkPlugin: cni.networkPlugin,
    overlay: cni.overlay,
    pools: pools(random, vnet, name, cni),
    powerState: random.chance(0.95) ? "Running" : "Stopped",
    userAssignedIdentity: random.chance(0.5),
    createdAt: "2025-03-01T08:00:00Z",
    roles: rolesOf(random, vnet, name),
    changes: changesOf(random, apiServer),
    tags: tags(random.pick(["prod", "dev", "test"]), random.pick(["payments", "platform", "data"])),
  };
  const nsg: NsgSpec = {
    name: nsgName,
    resourceGroup: `rg-net-${names.subscription}`,
    location: spec.location,
    rules: nsgRules(random, nodes, `${address(second, slot, 2048)}/28`),
  };
  const pinned = apiServer.kind === "integrated" && apiServer.subnet ? apiServer.ip : nodes;
  return { spec, subnets, nsg, pinned };
}

function firewallRows(
  at: { tenantId: string; subscriptionId: string },
  name: string,
  pinned: readonly string[],
): TableRows {
  const placement = { ...at, resourceGroup: `rg-hub-${name}`, location: "westeurope" };
  const policyName = `afwp-${name}`;
  const policyId = resourceId(placement, "Microsoft.Network/firewallPolicies", policyName);
  const groups = [0, 1].map((index) => ({
    name: `ipg-${name}-${index}`,
    addresses: pinned.filter((_, position) => position % 2 === index),
  }));
  const groupIds = groups.map((group) => resourceId(placement, "Microsoft.Network/ipGroups", group.name));
  const rules = pinned.flatMap((destination, cluster) =>
    Array.from({ length: firewallRulesPerCluster }, (_, index) => ({
      ruleType: "NetworkRule",
      name: `allow-${cluster}-${index}`,
      ipProtocols: ["TCP"],
      sourceAddresses: [`192.168.${index}.0/24`],
      destinationPorts: ["443"],
      ...(index === 0
        ? { destinationIpGroups: [groupIds[cluster % 2] ?? ""] }
        : { destinationAddresses: [index === 1 ? destination : `172.21.${cluster % 256}.${index}`] }),
    })),
  );
  return {
    resources: [
      firewallPolicy(placement, { name: policyName, ruleCollectionGroups: ["rcg-aks"] }),
      ...groups.map((group) => ipGroup(placement, group.name, group.addresses, [policyId])),
    ],
    networkresources: [
      firewallPolicyRuleCollectionGroup(placement, policyName, "rcg-aks", 200, [
        { name: "allow-to-clusters", priority: 100, action: "Allow", rules },
      ]),
    ],
  };
}

/** Groups of 1…16 clusters share a VNet, so most VNets hold tens of subnets and some hundreds. */
export function subscriptionSpec(
  random: Random,
  input: { tenantId: string; subscriptionId: string; name: string; clusters: number; vnetBase: number },
): SubscriptionSpec {
  const plans: ClusterPlan[] = [];
  const vnets: VnetSpec[] = [];
  let index = 0;
  while (index < input.clusters) {
    const size = Math.min(
      input.clusters - index,
      random.chance(0.2) ? clustersPerVnetMax : random.integer(1, 6),
    );
    const vnet = `vnet-${input.name}-${vnets.length}`;
    const second = (input.vnetBase + vnets.length) % 224;
    const group = Array.from({ length: size }, (_, slot) =>
      clusterPlan(random, { subscription: input.name, index: index + slot, vnet, second, slot }),
    );
    vnets.push({
      name: vnet,
      resourceGroup: `rg-net-${input.name}`,
      location: "westeurope",
      addressPrefixes: [`10.${second}.0.0/16`],
      subnets: group.flatMap((plan) => plan.subnets),
    });
    plans.push(...group);
    index += size;
  }
  return {
    name: input.name,
    subscriptionId: input.subscriptionId,
    vnets,
    nsgs: plans.map((plan) => plan.nsg),
    clusters: plans.map((plan) => plan.spec),
    extraRows: (at) =>
      firewallRows(
        at,
        input.name,
        plans.map((plan) => plan.pinned),
      ),
  };
}
