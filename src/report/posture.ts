// Posture tables: clusters, integration share and failing findings per tenant, subscription and region.
import type { ClusterPosture } from "../findings/run.ts";
import type { Result, Severity } from "../findings/result.ts";
import { isActionable, severityRank } from "../findings/result.ts";
import type { NameLookup } from "./name-lookup.ts";
import { postureRowsShown } from "./limits.ts";

export interface PostureRow {
  /** Tenant id, subscription id or region name. */
  readonly key: string;
  /** Display name of the tenant or subscription; empty for a region or an unknown name. */
  readonly name: string;
  readonly clusters: number;
  readonly integrated: number;
  /** 0–100, rounded down so that 99.6 % never reads as 100 %. */
  readonly percentIntegrated: number;
  /** `83 %`, or `—` when the group has no cluster. */
  readonly percentIntegratedLabel: string;
  /** Actionable (fail, unverified, error) results in the group; suppressed ones are not counted. */
  readonly failingFindings: number;
  readonly worstSeverity: Severity | "none";
}

export interface PostureTable {
  /** The worst `postureRowsShown` rows. */
  readonly rows: readonly PostureRow[];
  /** `N more in clusters.csv`, or empty. */
  readonly moreLabel: string;
}

export interface ReportPosture {
  readonly byTenant: PostureTable;
  readonly bySubscription: PostureTable;
  /** Results count toward a region only through the cluster they are about; a subnet has no region here. */
  readonly byRegion: PostureTable;
}

interface Tally {
  key: string;
  clusters: number;
  integrated: number;
  failingFindings: number;
  worstSeverity: Severity | "none";
}

export function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((part * 100) / whole);
}

export function percentLabel(part: number, whole: number): string {
  return whole === 0 ? "—" : `${percentOf(part, whole)} %`;
}

export function worseSeverity(a: Severity | "none", b: Severity | "none"): Severity | "none" {
  if (a === "none") return b;
  if (b === "none") return a;
  return severityRank(a) >= severityRank(b) ? a : b;
}

function rankOf(severity: Severity | "none"): number {
  return severity === "none" ? 0 : severityRank(severity);
}

function groupPosture(
  clusters: readonly ClusterPosture[],
  results: readonly Result[],
  keyOfCluster: (cluster: ClusterPosture) => string,
  keyOfResult: (result: Result) => string | undefined,
  nameOf: (key: string) => string,
): PostureTable {
  const tallies = new Map<string, Tally>();
  const tallyOf = (key: string): Tally => {
    // Ids compare case-insensitively (DESIGN §3); the row shows the casing seen first.
    let tally = tallies.get(key.toLowerCase());
    if (!tally) {
      tally = { key, clusters: 0, integrated: 0, failingFindings: 0, worstSeverity: "none" };
      tallies.set(key.toLowerCase(), tally);
    }
    return tally;
  };
  for (const cluster of clusters) {
    const tally = tallyOf(keyOfCluster(cluster));
    tally.clusters += 1;
    if (cluster.enableVnetIntegration) tally.integrated += 1;
  }
  for (const result of results) {
    const key = isActionable(result.status) ? keyOfResult(result) : undefined;
    if (key === undefined) continue;
    const tally = tallyOf(key);
    tally.failingFindings += 1;
    tally.worstSeverity = worseSeverity(tally.worstSeverity, result.severity);
  }
  const rows = [...tallies.values()]
    .map((tally) => ({
      ...tally,
      name: nameOf(tally.key),
      percentIntegrated: percentOf(tally.integrated, tally.clusters),
      percentIntegratedLabel: percentLabel(tally.integrated, tally.clusters),
    }))
    .sort(
      (a, b) =>
        rankOf(b.worstSeverity) - rankOf(a.worstSeverity) ||
        b.failingFindings - a.failingFindings ||
        a.key.localeCompare(b.key),
    );
  return {
    rows: rows.slice(0, postureRowsShown),
    moreLabel:
      rows.length > postureRowsShown ? `${String(rows.length - postureRowsShown)} more in clusters.csv` : "",
  };
}

export function buildPosture(
  clusters: readonly ClusterPosture[],
  results: readonly Result[],
  names: NameLookup,
): ReportPosture {
  const regionByClusterId = new Map(clusters.map((cluster) => [cluster.id.toLowerCase(), cluster.location]));
  return {
    byTenant: groupPosture(
      clusters,
      results,
      (cluster) => cluster.tenantId,
      (result) => result.tenantId,
      names.tenant,
    ),
    bySubscription: groupPosture(
      clusters,
      results,
      (cluster) => cluster.subscriptionId,
      (result) => result.subscriptionId,
      names.subscription,
    ),
    byRegion: groupPosture(
      clusters,
      results,
      (cluster) => cluster.location,
      (result) => regionByClusterId.get(result.resourceId.toLowerCase()),
      () => "",
    ),
  };
}
