// Lists what stops a non-integrated cluster from being converted to API Server VNet Integration (DESIGN §4).
import type { RuleOutcome, Severity } from "../findings/result.ts";
import { idKey } from "../inventory/model.ts";
import type { AgentPool, Cluster } from "../inventory/model.ts";
import { clusterSubject } from "../inventory/relations.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";

/** A blocker with a severity, or a fact we could not establish (`unknown`). */
interface Finding {
  readonly code: string;
  readonly severity: "medium" | "low" | "unknown";
  readonly reason: string;
  readonly [field: string]: unknown;
}

const unsupportedRegions = new Set(["qatarcentral"]);
const minimumDualStackVersion = [1, 26, 3] as const;

/** `Standard_D4s_v5` → 5, `Standard_DS2_v2_Promo` → 2, `Standard_A2` → 1 (first generations carry no suffix). */
export function vmSizeGeneration(vmSize: string): number {
  const matches = [...vmSize.matchAll(/_v(\d+)(?=_|$)/gi)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? 1 : Number(last);
}

/** `1.26.3` → [1, 26, 3]; `1.26` → [1, 26, 0]; undefined when it is not a version. */
export function parseKubernetesVersion(text: string | undefined): readonly number[] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text?.trim() ?? "");
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? "0")];
}

function versionAtLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (const [index, wanted] of minimum.entries()) {
    const part = version[index] ?? 0;
    if (part !== wanted) return part > wanted;
  }
  return true;
}

function regionFindings(cluster: Cluster): Finding[] {
  const region = cluster.location.toLowerCase().replaceAll(" ", "");
  if (!unsupportedRegions.has(region)) return [];
  return [
    {
      code: "unsupported-region",
      severity: "medium",
      reason: `region ${region} does not offer the feature`,
      region,
    },
  ];
}

function poolsInVnet(cluster: Cluster, vnetKey: string, context: RuleContext): AgentPool[] {
  const { nodeSubnets } = context.relations;
  return cluster.agentPools.filter(
    (pool) =>
      pool.vnetSubnetId !== undefined &&
      nodeSubnets.get(idKey(pool.vnetSubnetId))?.subnet.vnetKey === vnetKey,
  );
}

function encryptionFindings(cluster: Cluster, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const vnetKey of context.relations.clusterNodeVnetKeys.get(cluster.key) ?? []) {
    const vnet = context.inventory.virtualNetworks.get(vnetKey);
    if (vnet === undefined) {
      findings.push({
        code: "node-vnet-not-in-inventory",
        severity: "unknown",
        reason: "node VNet encryption unknown",
        vnetKey,
      });
      continue;
    }
    if (!vnet.encryptionEnabled) continue;
    const pools = poolsInVnet(cluster, vnetKey, context).map((pool) => ({
      pool: pool.name,
      vmSize: pool.vmSize,
      generation: vmSizeGeneration(pool.vmSize),
    }));
    const newSizes = pools.filter((pool) => pool.generation >= 4);
    findings.push(
      newSizes.length > 0
        ? {
            code: "encrypted-vnet-v4-vm-size",
            severity: "medium",
            reason: `VNet ${vnet.name} is encrypted and pools run v4+ VM sizes`,
            vnetId: vnet.id,
            pools: newSizes,
          }
        : {
            code: "encrypted-vnet-unencrypted-traffic",
            severity: "low",
            reason: `VNet ${vnet.name} is encrypted: conversion is allowed but API server traffic will not be encrypted`,
            vnetId: vnet.id,
            pools,
          },
    );
  }
  return findings;
}

function dualStackFindings(cluster: Cluster): Finding[] {
  if (!cluster.ipFamilies.some((family) => family.toLowerCase() === "ipv6")) return [];
  const version = parseKubernetesVersion(cluster.kubernetesVersion);
  const unmet: string[] = [];
  if (cluster.networkPlugin?.toLowerCase() !== "azure") unmet.push("networkPlugin azure");
  if (cluster.networkPluginMode?.toLowerCase() !== "overlay") unmet.push("networkPluginMode overlay");
  if (version !== undefined && !versionAtLeast(version, minimumDualStackVersion))
    unmet.push("Kubernetes 1.26.3 or later");
  const facts = {
    kubernetesVersion: cluster.kubernetesVersion ?? null,
    networkPlugin: cluster.networkPlugin ?? null,
    networkPluginMode: cluster.networkPluginMode ?? null,
    unmet,
  };
  if (unmet.length > 0)
    return [
      {
        code: "dual-stack-requirements",
        severity: "medium",
        reason: `dual-stack needs ${unmet.join(", ")}`,
        ...facts,
      },
    ];
  if (version === undefined)
    return [
      {
        code: "kubernetes-version-unknown",
        severity: "unknown",
        reason: "dual-stack cluster with unknown Kubernetes version",
        ...facts,
      },
    ];
  return [];
}

function outcomeFor(cluster: Cluster, findings: readonly Finding[]): RuleOutcome {
  const subject = clusterSubject(cluster);
  const blockers = findings.filter((finding) => finding.severity !== "unknown");
  const unknowns = findings.filter((finding) => finding.severity === "unknown");
  const evidence = { blockers, unknowns, location: cluster.location };
  if (blockers.length > 0) {
    const severity: Severity = blockers.some((blocker) => blocker.severity === "medium") ? "medium" : "low";
    const reasons = blockers.map((blocker) => blocker.reason).join("; ");
    return {
      status: "fail",
      severity,
      subject,
      message: `Cluster ${cluster.name} conversion is blocked or degraded: ${reasons}.`,
      evidence,
    };
  }
  if (unknowns.length > 0) {
    const reasons = unknowns.map((unknown) => unknown.reason).join("; ");
    return {
      status: "unverified",
      subject,
      message: `Cluster ${cluster.name} could not be checked for conversion blockers: ${reasons}.`,
      evidence,
    };
  }
  return {
    status: "pass",
    subject,
    message: `Cluster ${cluster.name} has no known conversion blocker.`,
    evidence,
  };
}

function evaluateCluster(cluster: Cluster, context: RuleContext): RuleOutcome {
  if (cluster.apiServerAccessProfile.enableVnetIntegration) {
    return {
      status: "not_applicable",
      subject: clusterSubject(cluster),
      message: `Cluster ${cluster.name} already has API Server VNet Integration enabled.`,
    };
  }
  return outcomeFor(cluster, [
    ...regionFindings(cluster),
    ...encryptionFindings(cluster, context),
    ...dualStackFindings(cluster),
  ]);
}

export default defineRule({
  meta: {
    id: "conversion-blocked",
    title: "Cluster cannot be converted to API Server VNet Integration as it is",
    severity: "medium",
    resource: "non-integrated cluster",
    rationale:
      "Some clusters cannot take API Server VNet Integration until something else changes: the region does not " +
      "offer it, the node VNet uses VNet encryption with v4 or later VM sizes, or a dual-stack cluster lacks " +
      "Kubernetes 1.26.3, Azure CNI and overlay mode. Found late, these stall a planned conversion window.",
    remediation:
      "Clear each blocker before converting: move workloads to a supported region; for an encrypted VNet use " +
      "node pools whose VM sizes are supported with VNet encryption (az aks nodepool add -g <rg> --cluster-name <cluster> " +
      "-n <pool> --node-vm-size <size>) or accept unencrypted API server traffic; for dual-stack upgrade " +
      "(az aks upgrade -g <rg> -n <cluster> --kubernetes-version <1.26.3 or later>) and migrate to Azure CNI overlay " +
      "(az aks update -g <rg> -n <cluster> --network-plugin-mode overlay). Then follow cluster-not-vnet-integrated.",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    for (const cluster of context.inventory.clusters.values()) yield evaluateCluster(cluster, context);
  },
});
