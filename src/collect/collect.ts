// The collect stage every command shares (scan, export, query, doctor): one source in, raw rows and coverage out.
import type { Inventory } from "../inventory/model.ts";
import { readSnapshotInventory } from "../inventory/collected.ts";
import { demoInputs, readDemoFleet } from "./demo-fleet.ts";
import { createCredentialFactory } from "./auth.ts";
import { resolveCloud } from "./clouds.ts";
import { collectResourceGraph, type ResourceGraphOptions } from "./resource-graph.ts";
import { completeRuleCollectionGroups, createRuleCollectionGroupReader } from "./rule-collection-groups.ts";
import type { GroupSource } from "./rule-collection-groups.ts";
import type { CollectedRows } from "./source.ts";

/** Where a scan's rows come from: the bundled demo fleet, snapshot files or folders, or Resource Graph. */
export type CollectSource =
  | { readonly kind: "demo" }
  | { readonly kind: "snapshot"; readonly paths: readonly string[] }
  | { readonly kind: "live"; readonly options: ResourceGraphOptions };

export interface Collection {
  /** Rows, coverage and diagnostics; `rows` is empty for a snapshot, whose rows went straight to `inventory`. */
  readonly collected: CollectedRows;
  /** Input paths or tenant ids, as the user named them. */
  readonly inputs: readonly string[];
  readonly rowCount: number;
  /** A snapshot is normalized while read: its raw rows would dominate the scan's memory. */
  readonly inventory?: Inventory;
  /** The rows' tenants, lower-cased, when the rows were not kept (see `runScope`). */
  readonly tenants?: ReadonlySet<string>;
  /** Live scans: where each Firewall Policy rule collection group was found (a table, ARM, or unread). */
  readonly ruleCollectionGroupSources?: ReadonlyMap<string, GroupSource>;
}

export async function collect(source: CollectSource): Promise<Collection> {
  if (source.kind === "demo") {
    const collected = await readDemoFleet();
    return { collected, inputs: [...demoInputs], rowCount: collected.rows.length };
  }
  if (source.kind === "snapshot") {
    const snapshot = await readSnapshotInventory(source.paths);
    return { ...snapshot, inputs: [...source.paths] };
  }
  const options = source.options;
  const cloud = options.cloud ?? resolveCloud("public");
  const credentialFactory = options.credentialFactory ?? createCredentialFactory(cloud);
  const authFor = new Map(options.tenants.map((tenant) => [tenant.tenantId.toLowerCase(), tenant.auth]));
  const groups = await completeRuleCollectionGroups(
    await collectResourceGraph(options),
    createRuleCollectionGroupReader({
      cloud,
      credentialFor: (tenantId) =>
        credentialFactory(tenantId, authFor.get(tenantId.toLowerCase()) ?? options.auth ?? "default"),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    }),
  );
  const collected = groups.collected;
  return {
    ruleCollectionGroupSources: groups.sources,
    collected,
    inputs: source.options.tenants.map((tenant) => tenant.tenantId),
    rowCount: collected.rows.length,
  };
}
