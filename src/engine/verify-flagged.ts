// ARM verification of a live scan: Resource Graph lags ARM by minutes and may omit fields, so clusters whose row
// lacks apiServerAccessProfile, or that have a high or critical finding, are read again from ARM.
import { createCredentialFactory } from "../collect/auth.ts";
import { resolveCloud } from "../collect/clouds.ts";
import type { ResourceGraphOptions } from "../collect/resource-graph.ts";
import type { CollectedRows } from "../collect/source.ts";
import {
  clustersLackingApiServerProfile,
  createManagedClusterReaders,
  verifyClusters,
  type ManagedClusterReaders,
} from "../collect/verify.ts";
import { isActionable, severityRank } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";

/** The collected rows with flagged clusters replaced by their ARM bodies, or undefined when none was flagged. */
export async function verifyFlaggedClusters(
  collected: CollectedRows,
  run: RunRecord,
  live: ResourceGraphOptions,
  /** Tests inject fake ARM readers; otherwise each tenant's credential reads ARM. */
  managedClusterReaders?: ManagedClusterReaders,
): Promise<CollectedRows | undefined> {
  const flagged = new Set(clustersLackingApiServerProfile(collected.rows).map((id) => id.toLowerCase()));
  const clusterIds = new Set(run.clusters.map((cluster) => cluster.id.toLowerCase()));
  for (const result of run.results) {
    const key = result.resourceId.toLowerCase();
    if (
      isActionable(result.status) &&
      severityRank(result.severity) >= severityRank("high") &&
      clusterIds.has(key)
    ) {
      flagged.add(key);
    }
  }
  if (flagged.size === 0) return undefined;
  const cloud = live.cloud ?? resolveCloud("public");
  const credentialFactory = live.credentialFactory ?? createCredentialFactory(cloud);
  const authFor = new Map(
    live.tenants.map((tenant) => [tenant.tenantId.toLowerCase(), tenant.auth ?? live.auth ?? "default"]),
  );
  const readers =
    managedClusterReaders ??
    createManagedClusterReaders({
      cloud,
      credentialFor: (tenantId) =>
        credentialFactory(tenantId, authFor.get(tenantId.toLowerCase()) ?? "default"),
    });
  const verified = await verifyClusters(collected.rows, flagged, readers);
  return {
    ...collected,
    rows: verified.rows,
    diagnostics: [...collected.diagnostics, ...verified.diagnostics],
  };
}
