// What a blocked conversion plan does first: the commands that clear each blocker, or why the plan cannot run.
import type { Cluster } from "../inventory/model.ts";
import { clusterCommand } from "./conversion-plan-commands.ts";
import { objectsIn, stringIn, stringsIn } from "../findings/evidence.ts";
import type { Result } from "../findings/result.ts";

/**
 * Blockers no command clears (DESIGN §4): API Server VNet Integration is not offered in qatarcentral, and an
 * encrypted VNet cannot host it with v4+ VM sizes
 * (https://learn.microsoft.com/azure/aks/api-server-vnet-integration#limited-availability,
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-encryption-overview#limitations).
 */
const cannotBeCleared: Readonly<Record<string, string>> = {
  "unsupported-region":
    "API Server VNet Integration is not available in this region, and no command moves a cluster to another region",
  "encrypted-vnet-v4-vm-size":
    "the node VNet is encrypted and a pool runs a v4 or later VM size, which VNet encryption does not allow with API Server VNet Integration",
};

export interface BlockerSteps {
  /** Run before the integration commands, in this order. */
  readonly commands: readonly string[];
  /** Why the plan cannot run; when any, the plan has no enable command. */
  readonly cannotRun: readonly string[];
  /** Prerequisites of the clearing commands, with the docs they rest on. */
  readonly notes: readonly string[];
}

/**
 * Dual-stack needs Kubernetes 1.26.3+, Azure CNI and overlay mode. Upgrade first: the overlay migration itself
 * needs Kubernetes 1.22+, no network policy engine and no Windows Docker pools
 * (https://learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane), and it re-images every pool.
 */
function dualStackSteps(cluster: Cluster, unmet: readonly string[]): BlockerSteps {
  const commands: string[] = [];
  const notes: string[] = [];
  if (unmet.some((item) => item.startsWith("Kubernetes"))) {
    commands.push(clusterCommand(["az", "aks", "get-upgrades"], cluster));
    commands.push(
      clusterCommand(["az", "aks", "upgrade"], cluster, [
        "--kubernetes-version",
        '"${KUBERNETES_VERSION:?pick 1.26.3 or later from az aks get-upgrades}"',
      ]),
    );
    notes.push(
      "Upgrade Kubernetes to 1.26.3 or later first (https://learn.microsoft.com/azure/aks/upgrade-aks-cluster).",
    );
  }
  const kubenet = cluster.networkPlugin?.toLowerCase() === "kubenet";
  if (unmet.some((item) => item.startsWith("network"))) {
    commands.push(
      clusterCommand(
        ["az", "aks", "update"],
        cluster,
        kubenet
          ? ["--network-plugin", "azure", "--network-plugin-mode", "overlay"]
          : [
              "--network-plugin-mode",
              "overlay",
              "--pod-cidr",
              '"${POD_CIDR:?a pod range that overlaps no VNet address}"',
            ],
      ),
    );
    notes.push(
      `Migrate ${kubenet ? "kubenet" : "Azure CNI"} to Azure CNI Overlay: needs Kubernetes 1.22+, no network policy engine and no Windows Docker pools, re-images every pool and cannot be undone (https://learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane).`,
    );
  }
  return { commands, cannotRun: [], notes };
}

/** The steps for the blockers of `conversion-blocked`'s failing result, in the order they must run. */
export function blockerSteps(cluster: Cluster, blocked: Result | undefined): BlockerSteps {
  if (blocked?.status !== "fail") return { commands: [], cannotRun: [], notes: [] };
  const steps: BlockerSteps[] = objectsIn(blocked.evidence, "blockers").map((blocker) => {
    const code = stringIn(blocker, "code") ?? "";
    const why = cannotBeCleared[code];
    if (why !== undefined) return { commands: [], cannotRun: [`${code}: ${why}`], notes: [] };
    if (code === "dual-stack-requirements") return dualStackSteps(cluster, stringsIn(blocker, "unmet"));
    return { commands: [], cannotRun: [], notes: [] };
  });
  return {
    commands: steps.flatMap((step) => step.commands),
    cannotRun: steps.flatMap((step) => step.cannotRun),
    notes: steps.flatMap((step) => step.notes),
  };
}
