// Checks that every integrated cluster was restarted after enablement (and after GA), or was created integrated (DESIGN §4).
import type { RuleOutcome, Severity } from "../findings/result.ts";
import type { Cluster, ResourceChange } from "../inventory/model.ts";
import { clusterSubject } from "../inventory/relations.ts";
import {
  createdIntegrated,
  enablements,
  historyWithNow,
  isDated,
  latest,
  recordsOf,
  restartAfter,
  timeOf,
  type Event,
} from "./_enablement-events.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";

interface Verdict {
  readonly status: RuleOutcome["status"];
  readonly severity?: Severity;
  readonly decision: string;
  readonly message: string;
  readonly enablement?: Event;
  readonly restart?: Event;
  readonly create?: Event;
}

const restartAdvice =
  "restart it in a maintenance window (az aks stop, then az aks start) or record an attestation in the config";

function failed(cluster: Cluster, enablement: Event, gaDate: string): Verdict {
  const beforeGa = timeOf(enablement.at) < timeOf(gaDate);
  const stopped = cluster.powerState === "Stopped";
  const since = beforeGa ? `GA (${gaDate})` : `enablement (${enablement.at}, ${enablement.kind})`;
  const enabled = beforeGa ? `was integrated before GA (${enablement.at}, ${enablement.kind}) and ` : "";
  return {
    status: "fail",
    severity: stopped ? "critical" : "high",
    decision: beforeGa ? "no-restart-since-ga" : "no-restart-since-enablement",
    message: stopped
      ? `Cluster ${cluster.name} ${enabled}is stopped with no start since ${since}; it may not start again: start it in a maintenance window (az aks start) and open a support case if it fails.`
      : `Cluster ${cluster.name} ${enabled}has not been restarted since ${since}; ${restartAdvice}.`,
    enablement,
  };
}

function unverified(cluster: Cluster, gaDate: string, decision: string, why: string): Verdict {
  const createdAfterGa = cluster.createdAt !== undefined && timeOf(cluster.createdAt) >= timeOf(gaDate);
  return {
    status: "unverified",
    severity: createdAfterGa ? "low" : "medium",
    decision,
    message: `Cluster ${cluster.name}: ${why}; ${restartAdvice}.`,
  };
}

function decide(cluster: Cluster, context: RuleContext, records: readonly ResourceChange[]): Verdict {
  const { gaDate } = context.config;
  const history = historyWithNow(cluster, context);
  const enabled = enablements(cluster, context, history, records);
  if (enabled.some((event) => !isDated(event)))
    return unverified(
      cluster,
      gaDate,
      "undated-enablement",
      "an enablement record has no usable time, so no restart can be shown to follow it",
    );
  // AKS Automatic clusters are created with the feature on, so only a later enablement on record needs a restart.
  // An attestation is someone's word about a restart, not a sign that the flag was ever off.
  if (cluster.sku === "Automatic" && !enabled.some((event) => event.kind !== "attestation"))
    return {
      status: "pass",
      decision: "automatic-sku",
      message: `Cluster ${cluster.name} is AKS Automatic (sku Automatic), created with API Server VNet Integration on, and no record shows it enabled later.`,
    };
  const enablement = latest(enabled);
  const create = createdIntegrated(records, enablement, gaDate);
  if (create !== undefined)
    return {
      status: "pass",
      decision: "created-integrated",
      message: `Cluster ${cluster.name} was created at ${create.at}, after GA, and integration was not switched on since.`,
      create,
    };
  const threshold =
    enablement !== undefined && timeOf(enablement.at) > timeOf(gaDate) ? enablement.at : gaDate;
  const restart = restartAfter(cluster, context, history, records, threshold);
  if (restart !== undefined)
    return {
      status: "pass",
      decision: enablement === undefined ? "restart-after-ga" : "restart-after-enablement",
      message: `Cluster ${cluster.name} was restarted at ${restart.at} (${restart.kind}), after ${enablement === undefined ? "GA" : "enablement and GA"}.`,
      ...(enablement === undefined ? {} : { enablement }),
      restart,
    };
  if (enablement !== undefined) return failed(cluster, enablement, gaDate);
  return unverified(
    cluster,
    gaDate,
    "no-evidence",
    "no record shows when integration was enabled or that the cluster was restarted after it",
  );
}

function evaluateCluster(cluster: Cluster, context: RuleContext): RuleOutcome {
  const subject = clusterSubject(cluster);
  if (!cluster.apiServerAccessProfile.enableVnetIntegration)
    return {
      status: "not_applicable",
      subject,
      message: `Cluster ${cluster.name} does not use API Server VNet Integration.`,
    };
  const verdict = decide(cluster, context, recordsOf(cluster, context));
  const { status, severity, message, decision, enablement, restart, create } = verdict;
  const evidence = {
    decision,
    sku: cluster.sku,
    gaDate: context.config.gaDate,
    powerState: cluster.powerState ?? null,
    createdAt: cluster.createdAt ?? null,
    enablement: enablement ?? null,
    restart: restart ?? null,
    create: create ?? null,
  };
  return severity === undefined
    ? { status, subject, message, evidence }
    : { status, severity, subject, message, evidence };
}

export default defineRule({
  meta: {
    id: "enablement-restart-unverified",
    title: "Integrated cluster not proven restarted after enablement",
    severity: "high",
    resource: "integrated cluster",
    rationale:
      "Enabling API Server VNet Integration on an existing cluster takes effect only after a stop and start; a " +
      "cluster enabled during the preview needs a restart after general availability (gaDate, default 2025-06-17) " +
      "to move to the supported infrastructure. A cluster left stopped since then may not start again. The rule " +
      "passes only on proof: a change record, two runs of history or an attestation showing a start after " +
      "max(enablement, gaDate), or a Create record at or after gaDate with no later enablement. AKS Automatic " +
      "clusters (sku Automatic) are created with the feature on and pass unless a change record or history shows " +
      "a later enablement.",
    remediation:
      "In a maintenance window, restart the cluster: az aks stop -g <rg> -n <cluster>, then az aks start -g <rg> " +
      "-n <cluster> (Azure CLI 2.73.0 or later). If it was already restarted, or created with the feature on, " +
      'add an attestation to the config: { "cluster": "<cluster id>", "enabledAt": "<ISO time>", "restartedAt": ' +
      '"<ISO time>", "by": "<who>", "ticket": "<change ticket>" }. A stopped cluster that was never restarted ' +
      "after enablement may fail to start: start it in a maintenance window and open a support case if it fails.",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    for (const cluster of context.inventory.clusters.values()) yield evaluateCluster(cluster, context);
  },
});
