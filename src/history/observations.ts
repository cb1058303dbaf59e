// Per-cluster observations carried from run to run, so the newest run alone knows a cluster's past (DESIGN §6).

import type { ApiServerIpEvidence } from "../inventory/apiserver-endpoints.ts";

export { apiServerIpEvidenceKinds, type ApiServerIpEvidence } from "../inventory/apiserver-endpoints.ts";

/** The integration flag and power state of one cluster at one run. */
export interface ClusterSample {
  readonly at: string;
  readonly enableVnetIntegration: boolean;
  readonly powerState?: string;
}

export interface ApiServerIpObservation {
  readonly ip: string;
  readonly evidence: ApiServerIpEvidence;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface ClusterObservation {
  /** The cluster id as Azure spelled it when last seen. */
  readonly clusterId: string;
  /** Oldest first. */
  readonly samples: readonly ClusterSample[];
  readonly apiServerIps: readonly ApiServerIpObservation[];
}

/** The `observations.json` contract: clusters keyed by lower-cased id. */
export interface Observations {
  readonly schemaVersion: 1;
  readonly clusters: Readonly<Record<string, ClusterObservation>>;
}

/** What one run saw of one cluster. */
export interface CurrentObservation {
  readonly clusterId: string;
  readonly enableVnetIntegration: boolean;
  readonly powerState?: string;
  readonly apiServerIps: readonly { readonly ip: string; readonly evidence: ApiServerIpEvidence }[];
}

/** Bounds so that years of nightly runs keep the file small; the oldest entries go first. */
export const maxSamplesPerCluster = 200;
export const maxApiServerIpsPerCluster = 50;

export const emptyObservations: Observations = { schemaVersion: 1, clusters: {} };

/**
 * Adds what this run saw to the history. Clusters not seen now are kept as they were: they may be
 * outside this run's reach for a night (a failed tenant) and their past still matters when they return.
 */
export function mergeObservations(
  previous: Observations | undefined,
  current: readonly CurrentObservation[],
  at: string,
): Observations {
  const clusters: Record<string, ClusterObservation> = { ...previous?.clusters };
  for (const seen of current) {
    const key = seen.clusterId.toLowerCase();
    clusters[key] = mergeCluster(clusters[key], seen, at);
  }
  return { schemaVersion: 1, clusters };
}

function mergeCluster(
  before: ClusterObservation | undefined,
  seen: CurrentObservation,
  at: string,
): ClusterObservation {
  const sample: ClusterSample =
    seen.powerState === undefined
      ? { at, enableVnetIntegration: seen.enableVnetIntegration }
      : { at, enableVnetIntegration: seen.enableVnetIntegration, powerState: seen.powerState };
  return {
    clusterId: seen.clusterId,
    samples: compactSamples([...(before?.samples ?? []), sample]),
    apiServerIps: mergeApiServerIps(before?.apiServerIps ?? [], seen.apiServerIps, at),
  };
}

/**
 * Sorts by time, lets a later sample at the same time win (a re-run merge), and keeps only the first and
 * last sample of each stretch of identical state: the time windows of every change stay exact while
 * nights without change cost nothing. Then caps the count.
 */
function compactSamples(samples: readonly ClusterSample[]): ClusterSample[] {
  const byTime = new Map<number, ClusterSample>();
  for (const sample of samples) byTime.set(timeOf(sample.at), sample);
  const sorted = [...byTime.entries()].sort(([a], [b]) => a - b).map(([, sample]) => sample);
  const kept = sorted.filter((sample, index) => {
    const before = sorted[index - 1];
    const after = sorted[index + 1];
    return !(before && after && sameState(before, sample) && sameState(sample, after));
  });
  return kept.slice(-maxSamplesPerCluster);
}

function sameState(a: ClusterSample, b: ClusterSample): boolean {
  return a.enableVnetIntegration === b.enableVnetIntegration && a.powerState === b.powerState;
}

function mergeApiServerIps(
  before: readonly ApiServerIpObservation[],
  seen: CurrentObservation["apiServerIps"],
  at: string,
): ApiServerIpObservation[] {
  const merged = new Map(before.map((entry) => [ipEvidenceKey(entry.ip, entry.evidence), entry]));
  for (const { ip, evidence } of seen) {
    const key = ipEvidenceKey(ip, evidence);
    const known = merged.get(key);
    merged.set(key, {
      ip: ip.toLowerCase(),
      evidence,
      firstSeen: known ? earlier(known.firstSeen, at) : at,
      lastSeen: known ? later(known.lastSeen, at) : at,
    });
  }
  return [...merged.values()]
    .sort((a, b) => timeOf(a.lastSeen) - timeOf(b.lastSeen) || a.ip.localeCompare(b.ip))
    .slice(-maxApiServerIpsPerCluster);
}

function ipEvidenceKey(ip: string, evidence: string): string {
  return `${ip.toLowerCase()} ${evidence}`;
}

/** Milliseconds since the epoch; times in history are ISO strings, compared as instants. */
export function timeOf(iso: string): number {
  return Date.parse(iso);
}

function earlier(a: string, b: string): string {
  return timeOf(b) < timeOf(a) ? b : a;
}

function later(a: string, b: string): string {
  return timeOf(b) > timeOf(a) ? b : a;
}
