// The dated events behind the enablement-restart rule: enablement, restart and create, read from change records,
// from run history and from attestations in the config, each with its source.
import type { Attestation } from "../config/config.ts";
import type { Cluster, ResourceChange } from "../inventory/model.ts";
import { idKey } from "../inventory/model.ts";
import { noItems } from "../inventory/compact.ts";
import { createHistory } from "../history/history.ts";
import type { History } from "../history/history.ts";
import type { ClusterSample } from "../history/observations.ts";
import type { RuleContext } from "./define.ts";

const enableVnetIntegrationPath = "properties.apiServerAccessProfile.enableVnetIntegration";
const powerStatePath = "properties.powerState.code";

/** One dated fact about a cluster, and where it came from. */
export interface Event {
  readonly kind: "change-record" | "history" | "attestation";
  /** ISO time; for history, the first run that saw the new state (the latest the event can have happened). */
  readonly at: string;
  readonly source: string;
  /** History only: the two runs between which the event happened. */
  readonly window?: { readonly from: string; readonly to: string };
}

export function timeOf(iso: string): number {
  return Date.parse(iso);
}

export const isDated = (event: Event): boolean => !Number.isNaN(timeOf(event.at));

export function latest(events: readonly Event[]): Event | undefined {
  return events.reduce<Event | undefined>(
    (found, event) => (found === undefined || timeOf(event.at) > timeOf(found.at) ? event : found),
    undefined,
  );
}

/** Target key → its change records in inventory order; built once per inventory, not once per cluster. */
const recordsByTarget = new WeakMap<
  readonly ResourceChange[],
  ReadonlyMap<string, readonly ResourceChange[]>
>();

function indexByTarget(records: readonly ResourceChange[]): ReadonlyMap<string, readonly ResourceChange[]> {
  let index = recordsByTarget.get(records);
  if (index === undefined) {
    const byTarget = new Map<string, ResourceChange[]>();
    for (const record of records) {
      const list = byTarget.get(record.targetKey);
      if (list === undefined) byTarget.set(record.targetKey, [record]);
      else list.push(record);
    }
    index = byTarget;
    recordsByTarget.set(records, index);
  }
  return index;
}

/** The cluster's change records, in inventory order. Shared and read-only: callers must not change the list. */
export function recordsOf(cluster: Cluster, context: RuleContext): readonly ResourceChange[] {
  return indexByTarget(context.inventory.resourceChanges).get(cluster.key) ?? noItems;
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
export function historyWithNow(cluster: Cluster, context: RuleContext): History {
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
export function enablements(
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
export function restartAfter(
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
export function createdIntegrated(
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
