// A run: everything one scan produced, in the shape `findings.json` publishes (DESIGN §6, §7).
import type { Coverage, SourceKind } from "../collect/source.ts";
import type { Diagnostic } from "../inventory/model.ts";
import type { Readiness } from "./readiness.ts";
import type { Result, Severity } from "./result.ts";

export interface ToolInfo {
  readonly name: string;
  readonly version: string;
}

export interface RunInfo {
  /** UTC timestamp to the millisecond plus a short hash, e.g. `20261126T101500.123Z-3f9a1c`. */
  readonly id: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly source: SourceKind;
  /** Input paths for snapshots, tenant ids for live scans. */
  readonly inputs: readonly string[];
  /**
   * What the run covers, as the history sees it: the tenant ids scanned (live) or found in the input (snapshots),
   * lower-cased and sorted. Runs of the same scope are diffed, whatever the snapshot files were called.
   */
  readonly scope: readonly string[];
  /** The id of the run the diff was taken against, when there was one. */
  readonly previousRunId?: string;
  /** Scopes left out by `--exclude-subscription` / `--exclude-management-group` (or config `exclude`). */
  readonly excludedScopes?: readonly ExcludedScope[];
}

/** Inventory counts, so a reader sees how much was looked at. */
export type InventoryCounts = Readonly<Record<string, number>>;

export interface RunSummary {
  readonly clusters: number;
  readonly integratedClusters: number;
  readonly results: number;
  /** Count per status. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Failing (fail + unverified + error) results per severity; suppressed ones are counted apart. */
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly suppressed: number;
  readonly new: number;
  readonly resolved: number;
  readonly inventory: InventoryCounts;
}

/** The published `findings.json` contract (schemaVersion 1). */
export interface RunRecord {
  readonly schemaVersion: 1;
  readonly tool: ToolInfo;
  readonly run: RunInfo;
  readonly coverage: Coverage;
  readonly summary: RunSummary;
  readonly results: readonly Result[];
  /** Findings of the previous run that no longer fail (diff `resolved`). */
  readonly resolved: readonly Result[];
  readonly diagnostics: readonly Diagnostic[];
  /** One row per cluster with its posture, for `clusters.csv` and the posture tables. */
  readonly clusters: readonly ClusterPosture[];
  /** Display names of the tenants and subscriptions the run names; absent in runs of earlier versions. */
  readonly names?: DisplayNames;
}

/** Lower-cased id → display name. A tenant or subscription whose name could not be read is not listed. */
export interface DisplayNames {
  /** From ARM `GET /tenants` where the principal may read it, else the config's `tenants[].displayName`. */
  readonly tenants: Readonly<Record<string, string>>;
  /** From Resource Graph `resourcecontainers` (`microsoft.resources/subscriptions`). */
  readonly subscriptions: Readonly<Record<string, string>>;
}

export interface ClusterPosture {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
  /** Empty when the tenant's name is unknown. */
  readonly tenantName: string;
  readonly subscriptionId: string;
  /** Empty when the subscription's name is unknown. */
  readonly subscriptionName: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** Cluster mode (`sku.name`): `Automatic` or `Base`. */
  readonly mode: string;
  /** Pricing tier (`sku.tier`): `Free`, `Standard` or `Premium`; empty when the row has none. */
  readonly tier: string;
  readonly kubernetesVersion: string;
  readonly enableVnetIntegration: boolean;
  /** `byo` (own API server subnet), `managed` (AKS-managed VNet), or `none` when not integrated. */
  readonly apiServerSubnetMode: "byo" | "managed" | "none";
  readonly apiServerSubnetId: string;
  readonly enablePrivateCluster: boolean;
  readonly networkPlugin: string;
  readonly powerState: string;
  /** Conversion readiness (`integrated` when it needs none). */
  readonly readiness: Readiness;
  /** Worst failing severity on this cluster, or `none`. */
  readonly worstSeverity: Severity | "none";
  readonly failingResults: number;
}

/** One run as the trend charts read it: small enough to keep in every stored run's `run.json`. */
export interface TrendPoint {
  readonly runId: string;
  readonly startedAt: string;
  readonly clusters: number;
  readonly integratedClusters: number;
  /** Failing results per severity, as `RunSummary.bySeverity`. */
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly new: number;
  readonly resolved: number;
  /** False when the diff had no earlier run, so new and resolved mean nothing. */
  readonly hasPrevious: boolean;
  readonly complete: boolean;
}

/** One exclusion as the run records it: what was asked, and the subscriptions it took out of this run. */
export interface ExcludedScope {
  readonly kind: "subscription" | "managementGroup";
  /** The subscription id or management group id (`name`) as given. */
  readonly id: string;
  /** Subscriptions this exclusion left out of the run, lower-cased and sorted. */
  readonly subscriptions: readonly string[];
}
