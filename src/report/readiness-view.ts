// Conversion readiness as counts and bars, and the conversion waves: clusters grouped by readiness, easiest first.
import type { Readiness } from "../findings/readiness.ts";
import { readinessLabels, readinessStates } from "../findings/readiness.ts";
import type { ClusterPosture } from "../findings/run.ts";
import { compareText, moreLabel } from "./findings-view.ts";
import type { PlanView } from "./plans-view.ts";
import { percentLabel, percentOf } from "./posture.ts";

export interface ReadinessRow {
  readonly state: Readiness;
  readonly label: string;
  readonly count: number;
  readonly percent: number;
  readonly percentLabel: string;
  /** The id of the wave that lists these clusters. */
  readonly anchor: string;
}

export interface ReadinessView {
  readonly clusters: number;
  /** Every state in reading order; `not-assessed` only when a cluster is in it. */
  readonly rows: readonly ReadinessRow[];
}

export interface WaveCluster {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly subscriptionId: string;
  readonly subscriptionName: string;
  readonly location: string;
  readonly mode: string;
  /** The cluster's plan, when it has one: a list of zero or one, so strict templates can test it with `each`. */
  readonly plans: readonly PlanView[];
}

export interface WaveView {
  readonly state: Readiness;
  readonly label: string;
  readonly anchor: string;
  /** What the clusters of this wave need done first. */
  readonly nextStep: string;
  readonly count: number;
  /** The first `--html-max-rows` clusters of the wave, by name. */
  readonly clusters: readonly WaveCluster[];
  readonly moreLabel: string;
}

/** Easiest first: the order a platform team would convert in. Integrated clusters close the list. */
const waveOrder: readonly Readiness[] = [
  "ready",
  "needs-nsg-changes",
  "needs-role-assignments",
  "needs-apiserver-subnet",
  "blocked",
  "not-assessed",
  "integrated",
];

const nextSteps: Readonly<Record<Readiness, string>> = {
  ready: "Run the plan's commands in a maintenance window: enable the feature, then restart the cluster.",
  "needs-nsg-changes": "Add the listed NSG rules first, then run the plan's commands.",
  "needs-role-assignments":
    "Grant the cluster identity Network Contributor on the listed subnets, then run the plan's commands.",
  "needs-apiserver-subnet":
    "Create (or free up) a delegated API server subnet, grant the roles and add the NSG rules, then convert.",
  blocked: "Clear the blockers first (region, VNet encryption with v4+ VM sizes, dual-stack prerequisites).",
  "not-assessed": "The scan could not build a plan (missing properties); see the cluster's findings.",
  integrated: "Nothing to convert.",
};

export function anchorOf(state: Readiness): string {
  return `readiness-${state}`;
}

export function buildReadiness(clusters: readonly ClusterPosture[]): ReadinessView {
  const counts = new Map<Readiness, number>();
  for (const cluster of clusters) counts.set(cluster.readiness, (counts.get(cluster.readiness) ?? 0) + 1);
  return {
    clusters: clusters.length,
    rows: readinessStates
      .filter((state) => state !== "not-assessed" || (counts.get(state) ?? 0) > 0)
      .map((state) => {
        const count = counts.get(state) ?? 0;
        return {
          state,
          label: readinessLabels[state],
          count,
          percent: percentOf(count, clusters.length),
          percentLabel: percentLabel(count, clusters.length),
          anchor: anchorOf(state),
        };
      }),
  };
}

export function buildWaves(
  clusters: readonly ClusterPosture[],
  plans: readonly PlanView[],
  shown: number,
  moreFile: string,
): WaveView[] {
  const planByCluster = new Map(plans.map((plan) => [plan.clusterId.toLowerCase(), plan]));
  const byState = Map.groupBy(clusters, (cluster) => cluster.readiness);
  return waveOrder.flatMap((state) => {
    const members = [...(byState.get(state) ?? [])].sort(
      (a, b) => compareText(a.name, b.name) || compareText(a.id, b.id),
    );
    if (members.length === 0) return [];
    return [
      {
        state,
        label: readinessLabels[state],
        anchor: anchorOf(state),
        nextStep: nextSteps[state],
        count: members.length,
        clusters: members.slice(0, shown).map((cluster) => {
          const plan = planByCluster.get(cluster.id.toLowerCase());
          return {
            id: cluster.id,
            name: cluster.name,
            resourceGroup: cluster.resourceGroup,
            subscriptionId: cluster.subscriptionId,
            subscriptionName: cluster.subscriptionName,
            location: cluster.location,
            mode: cluster.mode,
            plans: plan ? [plan] : [],
          };
        }),
        moreLabel: moreLabel(members.length - shown, state === "integrated" ? "clusters.csv" : moreFile),
      },
    ];
  });
}
