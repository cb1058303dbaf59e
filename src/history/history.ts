// Read-only questions that history-based rules ask of the observations (DESIGN §4, §6).
import {
  timeOf,
  type ApiServerIpObservation,
  type ClusterSample,
  type Observations,
} from "./observations.ts";

/** Integration went from off to on between these two observations. */
export interface IntegrationTransition {
  readonly lastSeenDisabled: string;
  readonly firstSeenEnabled: string;
}

/** The cluster was seen stopped, then running: it was started between these two observations. */
export interface Restart {
  readonly lastSeenStopped: string;
  readonly firstSeenRunning: string;
}

export interface History {
  /** Samples of one cluster, oldest first; empty when it was never observed. */
  samples(clusterId: string): readonly ClusterSample[];
  integrationTransitions(clusterId: string): IntegrationTransition[];
  /**
   * Stop/start cycles certainly after `time`: the stopped sample itself is at or after `time`, so the start
   * that followed it is too. A cluster stopped before `time` and seen running after it is not counted,
   * because the start may have come first.
   */
  restartsAfter(clusterId: string, time: string): Restart[];
  /** API server IPs seen in earlier runs that are not among `currentIps`, with their evidence. */
  previousApiServerIps(clusterId: string, currentIps: readonly string[]): ApiServerIpObservation[];
}

export function createHistory(observations: Observations | undefined): History {
  const clusters = observations?.clusters ?? {};
  const samples = (clusterId: string): readonly ClusterSample[] =>
    clusters[clusterId.toLowerCase()]?.samples ?? [];
  return {
    samples,
    integrationTransitions: (clusterId) =>
      pairs(samples(clusterId))
        .filter(([before, after]) => !before.enableVnetIntegration && after.enableVnetIntegration)
        .map(([before, after]) => ({ lastSeenDisabled: before.at, firstSeenEnabled: after.at })),
    restartsAfter: (clusterId, time) =>
      pairs(samples(clusterId))
        .filter(([before, after]) => before.powerState === "Stopped" && after.powerState === "Running")
        .filter(([before]) => timeOf(before.at) >= timeOf(time))
        .map(([before, after]) => ({ lastSeenStopped: before.at, firstSeenRunning: after.at })),
    previousApiServerIps: (clusterId, currentIps) => {
      const current = new Set(currentIps.map((ip) => ip.toLowerCase()));
      const seen = clusters[clusterId.toLowerCase()]?.apiServerIps ?? [];
      return seen.filter((entry) => !current.has(entry.ip.toLowerCase()));
    },
  };
}

function pairs<T>(items: readonly T[]): [T, T][] {
  return items.slice(1).map((item, index) => [items[index]!, item]);
}
