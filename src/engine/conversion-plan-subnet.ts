// Chooses the API server subnet of a conversion plan: a delegated subnet with room, else the lowest free /28 (DESIGN §5).
import { idKey } from "../inventory/model.ts";
import type { Cluster, VirtualNetwork } from "../inventory/model.ts";
import type { ApiServerSubnetUse, SubnetRef } from "../inventory/relations.ts";
import { addressRoom, type AddressRoom } from "../net/free-block.ts";
import { parsePrefix } from "../net/prefix.ts";
import type { Prefix } from "../net/prefix.ts";
import { apiServerIpsPerCluster } from "../rules/apiserver-subnet-ip-exhaustion.ts";
import type { RuleContext } from "../rules/define.ts";
import type { SubnetToCreate } from "./conversion-plan-commands.ts";
import { numberIn } from "../findings/evidence.ts";
import type { PlanResults } from "./conversion-plan-inputs.ts";
import type { ApiServerSubnetProposal } from "../findings/conversion-plan.ts";

/** The smallest API server subnet AKS accepts. */
const apiServerSubnetLength = 28;
const apiServerSubnetBaseName = "apiserver";
const baseNamePattern = new RegExp(`^${apiServerSubnetBaseName}`, "i");

/**
 * A VNet's IPv4 room and subnet names (lower-cased), its own subnets' and those earlier plans proposed alike. Only
 * names that start with `apiserver` are held: `unusedName` asks about no other.
 */
interface VnetClaims {
  readonly room: AddressRoom;
  readonly names: Set<string>;
}

/** What earlier plans of the same run already claimed, so two clusters in one VNet are not handed the same /28. */
export interface PlanClaims {
  /** VNet key → its room and names, read from the VNet on its first plan (a VNet holds up to hundreds of subnets). */
  readonly vnets: Map<string, VnetClaims>;
  /** Subnet key → addresses earlier plans reserve in a reused subnet. */
  readonly reservedAddresses: Map<string, number>;
}

export function emptyClaims(): PlanClaims {
  return { vnets: new Map(), reservedAddresses: new Map() };
}

function vnetClaims(vnet: VirtualNetwork, claims: PlanClaims): VnetClaims {
  let claimed = claims.vnets.get(vnet.key);
  if (claimed === undefined) {
    const taken: Prefix[] = [];
    const names = new Set<string>();
    for (const subnet of vnet.subnets) {
      for (const text of subnet.addressPrefixes) {
        const prefix = parsePrefix(text);
        if (prefix?.family === 4) taken.push(prefix);
      }
      if (baseNamePattern.test(subnet.name)) names.add(subnet.name.toLowerCase());
    }
    claimed = { room: addressRoom(ipv4Prefixes(vnet.addressPrefixes), taken), names };
    claims.vnets.set(vnet.key, claimed);
  }
  return claimed;
}

export interface SubnetChoice {
  readonly proposal: ApiServerSubnetProposal;
  /** The chosen subnet (reused or to be created); undefined when there is none. */
  readonly subnet: SubnetRef | undefined;
  readonly create: SubnetToCreate | undefined;
}

/** Delegated API server subnets grouped by VNet key, built once per run. */
export function delegatedSubnetsByVnet(context: RuleContext): Map<string, ApiServerSubnetUse[]> {
  const byVnet = new Map<string, ApiServerSubnetUse[]>();
  for (const use of context.relations.apiServerSubnets.values()) {
    if (!use.delegated) continue;
    const list = byVnet.get(use.subnet.vnetKey);
    if (list === undefined) byVnet.set(use.subnet.vnetKey, [use]);
    else list.push(use);
  }
  return byVnet;
}

function ipv4Prefixes(texts: readonly string[]): Prefix[] {
  return texts.map((text) => parsePrefix(text)).filter((prefix): prefix is Prefix => prefix?.family === 4);
}

function choice(
  action: ApiServerSubnetProposal["action"],
  reason: string,
  fields: Partial<Omit<ApiServerSubnetProposal, "action" | "reason">> = {},
  subnet?: SubnetRef,
  create?: SubnetToCreate,
): SubnetChoice {
  const proposal: ApiServerSubnetProposal = {
    action,
    subnetId: "",
    subnetName: "",
    addressPrefix: "",
    vnetId: "",
    vnetName: "",
    free: null,
    reason,
    ...fields,
  };
  return { proposal, subnet, create };
}

interface Candidate {
  readonly use: ApiServerSubnetUse;
  readonly free: number;
}

/** Free addresses as `apiserver-subnet-ip-exhaustion` computed them, less what earlier plans of this run reserve. */
function reusable(
  use: ApiServerSubnetUse,
  cluster: Cluster,
  context: RuleContext,
  results: PlanResults,
  claims: PlanClaims,
): Candidate | undefined {
  const free = numberIn(results.apiServerSubnetExhaustion.get(use.subnet.key)?.evidence, "free");
  if (free === undefined) return undefined;
  // A cluster that already names this subnet is counted in `used`; it only needs the headroom.
  const counted = use.clusters.some((user) => user.key === cluster.key);
  const needed = (counted ? 0 : apiServerIpsPerCluster) + context.config.minFreeApiServerIps;
  const available = free - (claims.reservedAddresses.get(use.subnet.key) ?? 0);
  return available >= needed ? { use, free: available } : undefined;
}

function bestCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  return [...candidates].sort(
    (a, b) => b.free - a.free || a.use.subnet.key.localeCompare(b.use.subnet.key),
  )[0];
}

function unusedName(names: ReadonlySet<string>): string {
  let name = apiServerSubnetBaseName;
  for (let suffix = 2; names.has(name); suffix++) name = `${apiServerSubnetBaseName}-${String(suffix)}`;
  return name;
}

function newSubnet(vnet: VirtualNetwork, claims: PlanClaims): SubnetChoice {
  const claimed = vnetClaims(vnet, claims);
  const block = claimed.room.lowestFree(apiServerSubnetLength);
  const vnetFields = { vnetId: vnet.id, vnetName: vnet.name };
  if (block === undefined) {
    const spaceText = vnet.addressPrefixes.join(", ") || "(none)";
    return choice(
      "none-free",
      `VNet ${vnet.name} has no free /28 outside its subnets in address space ${spaceText}; add an address prefix to the VNet or free a range, then create a delegated /28 in it.`,
      vnetFields,
    );
  }
  const name = unusedName(claimed.names);
  claimed.room.take(block);
  claimed.names.add(name);
  const id = `${vnet.id}/subnets/${name}`;
  const subnet: SubnetRef = {
    id,
    key: idKey(id),
    subnet: undefined,
    vnetKey: vnet.key,
    virtualNetwork: vnet,
    subscriptionId: vnet.subscriptionId,
    tenantId: vnet.tenantId,
  };
  const create = {
    subscriptionId: vnet.subscriptionId,
    resourceGroup: vnet.resourceGroup,
    vnetName: vnet.name,
    name,
    addressPrefix: block.text,
  };
  const reason = `No delegated subnet in VNet ${vnet.name} has room; ${block.text} is the lowest free /28 in its address space.`;
  return choice(
    "create",
    reason,
    { ...vnetFields, subnetId: id, subnetName: name, addressPrefix: block.text },
    subnet,
    create,
  );
}

/** Reuse, create, or say why neither is possible; records what it takes in `claims`. */
export function chooseApiServerSubnet(
  cluster: Cluster,
  context: RuleContext,
  results: PlanResults,
  delegatedByVnet: ReadonlyMap<string, readonly ApiServerSubnetUse[]>,
  claims: PlanClaims,
): SubnetChoice {
  const nodeSubnet = context.relations.clusterNodeSubnets.get(cluster.key)?.[0];
  if (nodeSubnet === undefined) {
    return choice(
      "not-needed",
      "The cluster uses an AKS-managed VNet: AKS creates and delegates the API server subnet itself.",
    );
  }
  const vnet = nodeSubnet.virtualNetwork;
  if (vnet === undefined) {
    return choice(
      "none-free",
      `The node VNet ${nodeSubnet.vnetKey} is not in the inventory, so no free range can be proposed; create a delegated /28 in it by hand.`,
    );
  }
  const candidates = (delegatedByVnet.get(vnet.key) ?? [])
    .map((use) => reusable(use, cluster, context, results, claims))
    .filter((candidate): candidate is Candidate => candidate !== undefined);
  const best = bestCandidate(candidates);
  if (best === undefined) return newSubnet(vnet, claims);
  const { subnet } = best.use;
  claims.reservedAddresses.set(
    subnet.key,
    (claims.reservedAddresses.get(subnet.key) ?? 0) + apiServerIpsPerCluster,
  );
  return choice(
    "reuse",
    `Delegated subnet ${subnet.subnet?.name ?? subnet.id} in VNet ${vnet.name} has ${String(best.free)} free addresses.`,
    {
      subnetId: subnet.id,
      subnetName: subnet.subnet?.name ?? "",
      addressPrefix: subnet.subnet?.addressPrefixes.join(", ") ?? "",
      vnetId: vnet.id,
      vnetName: vnet.name,
      free: best.free,
    },
    subnet,
  );
}
