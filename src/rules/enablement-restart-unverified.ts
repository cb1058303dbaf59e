// Checks that every integrated cluster was restarted after enablement (and after GA), or was created integrated (DESIGN §4).
import type { Attestation } from "../config/config.ts";
import type { RuleOutcome, Severity } from "../findings/result.ts";
import type { Cluster, ResourceChange } from "../inventory/model.ts";
import { idKey } from "../inventory/model.ts";
import { clusterSubject } from "../inventory/relations.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";
import { createHistory } from "../history/history.ts";
import type { History } from "../history/history.ts";
import type { ClusterSample } from "../history/observations.ts";

const enableVnetIntegrationPath = "properties.apiServerAccessProfile.enableVnetIntegration";
const powerStatePath = "properties.powerState.code";

/** One dated fact about a cluster, and where it came from. */
interface Event {
  readonly kind: "change-record" | "history" | "attestation";
  /** ISO time; for history, the first run that saw the new state (the latest the event can have happened). */
  readonly at: string;
  readonly source: string;
  /** History only: the two runs between which the event happened. */
  readonly window?: { readonly from: string; readonly to: string };
}

function timeOf(iso: string): number {
  return Date.parse(iso);
}

const isDated = (event: Event): boolean => !Number.isNaN(timeOf(event.at));

function latest(events: readonly Event[]): Event | undefined {
  return events.reduce<Event | undefined>(
    (found, event) => (found === undefined || timeOf(event.at) > timeOf(found.at) ? event : found),
    undefined,
  );
}

function recordsOf(cluster: Cluster, context: RuleContext): ResourceChange[] {
  return context.inventory.resourceChanges.filter((record) => record.targetKey === cluster.key);
}

/** Update records where `path` went from `before` to `after` (compared case-insensitively); `missing` stands in for an absent value. */
function flips(
  records: readonly ResourceChange[],
  path: string,
  flip: { readonly before: string; readonly after: string; readonly missing?: string },
): Event[] {
  return records
    .filter((record) => {
      const change = record.changes[path];
      if (change === undefined || record.changeType.toLowerCase() === "create") return false;
      const was = change.before?.toLowerCase() ?? flip.missing;
      return was === flip.before && change.after?.toLowerCase() === flip.after;
    })
    .map((record) => ({ kind: "change-record", at: record.timestamp, source: record.id }));
}

function attestationsOf(cluster: Cluster, context: RuleContext): Attestation[] {
  return context.config.attestations.filter((attestation) => idKey(attestation.cluster) === cluster.key);
}

function attested(attestations: readonly Attestation[], field: "enabledAt" | "restartedAt"): Event[] {
  return attestations.flatMap((attestation) => {
    const at = attestation[field];
    return at === undefined
      ? []
      : [
          {
            kind: "attestation",
            at,
            source: `attestation ${attestation.ticket} by ${attestation.by}`,
          } as const,
        ];
  });
}

/**
 * The earlier runs' samples of the cluster plus what this run sees, so that a change between the last run and
 * now counts too (the engine hands rules the history before this run is added).
 */
function historyWithNow(cluster: Cluster, context: RuleContext): History {
  const samples = context.history.samples(cluster.id);
  const last = samples.at(-1);
  const at = context.now.toISOString();
  const now: ClusterSample = {
    at,
    enableVnetIntegration: cluster.apiServerAccessProfile.enableVnetIntegration,
    ...(cluster.powerState === undefined ? {} : { powerState: cluster.powerState }),
  };
  const current = last === undefined || timeOf(last.at) < timeOf(at) ? [...samples, now] : samples;
  return createHistory({
    schemaVersion: 1,
    clusters: { [cluster.key]: { clusterId: cluster.id, samples: current, apiServerIps: [] } },
  });
}

const within = (event: Event, window: { readonly from: string; readonly to: string }): boolean =>
  timeOf(event.at) > timeOf(window.from) && timeOf(event.at) <= timeOf(window.to);

/**
 * Every enablement. The flag cannot be turned off again, so a change record or attestation that falls inside a
 * history window is the same enablement, dated exactly: it replaces the window's conservative end.
 */
function enablements(
  cluster: Cluster,
  context: RuleContext,
  history: History,
  records: readonly ResourceChange[],
): Event[] {
  const precise = [
    // Azure leaves the flag out when it is off, so a missing previous value is false.
    ...flips(records, enableVnetIntegrationPath, { before: "false", after: "true", missing: "false" }),
    ...attested(attestationsOf(cluster, context), "enabledAt"),
  ];
  const fromHistory = history
    .integrationTransitions(cluster.id)
    .map((transition): Event => ({
      kind: "history",
      at: transition.firstSeenEnabled,
      source: "history",
      window: { from: transition.lastSeenDisabled, to: transition.firstSeenEnabled },
    }))
    .filter(({ window }) => window && !precise.some((event) => isDated(event) && within(event, window)));
  return [...precise, ...fromHistory];
}

/**
 * The restart that proves the most: a start strictly after `threshold` from a change record or attestation, else a
 * history stop/start cycle. A stopped cluster takes no update, so a start after the enablement closes a full
 * stop/start cycle after it; a start at the very same instant proves nothing about order and is not counted.
 * History counts a cycle only when the stopped run itself is at or after `threshold` (see `restartsAfter`).
 */
function restartAfter(
  cluster: Cluster,
  context: RuleContext,
  history: History,
  records: readonly ResourceChange[],
  threshold: string,
): Event | undefined {
  const precise = [
    ...flips(records, powerStatePath, { before: "stopped", after: "running" }),
    ...attested(attestationsOf(cluster, context), "restartedAt"),
  ].filter((event) => isDated(event) && timeOf(event.at) > timeOf(threshold));
  const fromHistory = history.restartsAfter(cluster.id, threshold).map((restart): Event => ({
    kind: "history",
    at: restart.firstSeenRunning,
    source: "history",
    window: { from: restart.lastSeenStopped, to: restart.firstSeenRunning },
  }));
  return latest(precise) ?? latest(fromHistory);
}

/** The newest `Create` record, when it is at or after GA and nothing turned the feature on after it. */
function createdIntegrated(
  records: readonly ResourceChange[],
  enablement: Event | undefined,
  gaDate: string,
): Event | undefined {
  const creates = records
    .filter((record) => record.changeType.toLowerCase() === "create")
    .map((record): Event => ({ kind: "change-record", at: record.timestamp, source: record.id }));
  const create = latest(creates.filter(isDated));
  if (create === undefined || timeOf(create.at) < timeOf(gaDate)) return undefined;
  if (enablement !== undefined && timeOf(enablement.at) >= timeOf(create.at)) return undefined;
  return create;
}

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
