// What every source (live Resource Graph, snapshot, demo) hands to the normalizer: raw rows plus coverage.
import type { Diagnostic, RawRow } from "../inventory/model.ts";

export const sourceKinds = ["resource-graph", "snapshot", "demo"] as const;
export type SourceKind = (typeof sourceKinds)[number];

/** A scope that was asked for: a tenant with its subscriptions or management groups, or a snapshot file. */
export interface CoverageScope {
  readonly tenantId?: string;
  readonly subscriptions?: readonly string[];
  readonly managementGroups?: readonly string[];
  /**
   * Subscriptions of `subscriptions` that another tenant delegated to this one through Azure Lighthouse (their
   * rows carry that tenant's id); reports say "delegated from tenant X".
   */
  readonly delegatedSubscriptions?: readonly { readonly subscriptionId: string; readonly tenantId: string }[];
  readonly file?: string;
}

/** Something that was not read: a tenant, a subscription batch or one query over it. Never silent. */
export interface CoverageGap {
  readonly tenantId?: string;
  /** Subscriptions or management groups of the failed batch, when the gap is narrower than the tenant. */
  readonly scope?: readonly string[];
  /** Query name (file name under `queries/` without `.kql`) when one query failed. */
  readonly query?: string;
  /** Azure error code (`AuthorizationFailed`, `RateLimiting`, `BadRequest`…) or our own (`resultTruncated`). */
  readonly code: string;
  readonly message: string;
}

export interface Coverage {
  /** False as soon as there is one gap; the run then exits 3 and every report says "incomplete". */
  readonly complete: boolean;
  readonly scopes: readonly CoverageScope[];
  readonly gaps: readonly CoverageGap[];
  /** ARG tables that were read; role-assignment checks apply only when `authorizationresources` is here. */
  readonly tables: readonly string[];
}

export interface CollectedRows {
  readonly kind: SourceKind;
  readonly rows: readonly RawRow[];
  readonly coverage: Coverage;
  readonly diagnostics: readonly Diagnostic[];
}

/** The tool's own export format (`export --out FILE`), which `scan --input` replays. */
export interface SnapshotFile {
  readonly kind: "aks-vnet-audit-snapshot";
  readonly schemaVersion: 1;
  readonly exportedAt: string;
  readonly coverage: Coverage;
  readonly tables: Readonly<Record<string, readonly unknown[]>>;
}

/** The origin of a Resource Graph row: which tenant's scan returned it, through which query. */
export function graphOrigin(tenantId: string, queryName: string): string {
  return `resource-graph:${tenantId}/${queryName}`;
}

/**
 * The tenant whose scan returned the row (see `graphOrigin`), or `undefined` for rows of other sources. Its
 * credential reads the row's resource by ARM GET too: with Azure Lighthouse the row's own `tenantId` is the
 * customer's, where the scanning principal has no sign-in of its own.
 */
export function scanningTenant(row: RawRow): string | undefined {
  return /^resource-graph:([^/]+)\//.exec(row.source.origin)?.[1];
}
