// The addresses one agent pool takes on its node subnet at full scale plus upgrade surge (DESIGN §4).
import type { NodePool } from "../inventory/relations.ts";

/** Azure CNI's default `maxPods` when the profile omits it. */
const azureCniDefaultMaxPods = 30;
/** AKS surges one node when `maxSurge` is not set. */
const defaultSurge = 1;

interface Surge {
  readonly surge: number;
  readonly note?: string;
}

/** `"33%"` → ceil(33 % of nodesMax), `"5"` → 5, missing → 1; anything else → 1 with a note. */
export function parseMaxSurge(maxSurge: string | undefined, nodesMax: number): Surge {
  const text = maxSurge?.trim() ?? "";
  if (text === "") return { surge: defaultSurge };
  if (/^\d+$/.test(text)) return { surge: Number(text) };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text)?.[1];
  if (percent !== undefined) return { surge: Math.ceil((Number(percent) * nodesMax) / 100) };
  return { surge: defaultSurge, note: `maxSurge "${text}" not understood; assumed ${defaultSurge}` };
}

/** Flat Azure CNI gives every pod a subnet address; overlay, pod subnets and kubenet give only the node one. */
function ipsPerNode({ cluster, pool }: NodePool): { ipsPerNode: number; maxPods: number | undefined } {
  const flatAzureCni =
    cluster.networkPlugin?.toLowerCase() === "azure" &&
    cluster.networkPluginMode?.toLowerCase() !== "overlay" &&
    (pool.podSubnetId === undefined || pool.podSubnetId === "");
  if (!flatAzureCni) return { ipsPerNode: 1, maxPods: pool.maxPods };
  const maxPods = pool.maxPods ?? azureCniDefaultMaxPods;
  return { ipsPerNode: maxPods + 1, maxPods };
}

export interface PoolDemand {
  readonly clusterId: string;
  readonly pool: string;
  readonly count: number;
  readonly nodesMax: number;
  readonly maxSurge: string | null;
  readonly surge: number;
  readonly note?: string;
  readonly ipsPerNode: number;
  readonly maxPods: number | undefined;
}

/** The pool's nodes now and at most, its surge, and the subnet addresses each node takes. */
export function poolDemand(nodePool: NodePool): PoolDemand {
  const { cluster, pool } = nodePool;
  const nodesMax = pool.enableAutoScaling ? (pool.maxCount ?? pool.count) : pool.count;
  return {
    clusterId: cluster.id,
    pool: pool.name,
    count: pool.count,
    nodesMax,
    maxSurge: pool.maxSurge ?? null,
    ...parseMaxSurge(pool.maxSurge, nodesMax),
    ...ipsPerNode(nodePool),
  };
}
