// Collects a generated fleet from the simulator and analyzes it as `scan` would; prints one key a result. A child process with NODE_EXTRA_CA_CERTS.
import { resolveCloud } from "../src/collect/clouds.ts";
import { collectResourceGraph } from "../src/collect/resource-graph.ts";
import type { CollectedRows } from "../src/collect/source.ts";
import { defaultConfig } from "../src/config/config.ts";
import { runPipeline } from "../src/engine/scan.ts";
import { runScope } from "../src/engine/run-record.ts";
import type { Inventory } from "../src/inventory/model.ts";
import { rules } from "../src/rules/index.ts";
import { toolInfo } from "../src/engine/tool.ts";
import { tokenPerTenant } from "./collect.ts";
import type { CollectRequest } from "./collect.ts";
import { generateFleet } from "./fleet.ts";

/** What makes two runs' results the same: rule, resource, detail, status, severity and message. */
export function resultKeys(
  collected: CollectedRows,
  inputs: readonly string[],
  startedAt: Date,
  inventory?: Inventory,
  tenants?: ReadonlySet<string>,
): string[] {
  const { run } = runPipeline({
    collected,
    config: defaultConfig,
    rules,
    tool: toolInfo(),
    inputs,
    scope: runScope(collected, inputs, tenants),
    startedAt,
    ...(inventory ? { inventory } : {}),
  });
  return run.results
    .map((result) =>
      [
        result.ruleId,
        result.resourceId.toLowerCase(),
        result.detail,
        result.status,
        result.severity,
        result.message,
      ].join("|"),
    )
    .sort();
}

if (import.meta.main) {
  const request = JSON.parse(process.argv[2] ?? "{}") as CollectRequest & { startedAt: string };
  const fleet = generateFleet({ seed: request.seed, clusters: request.clusters, tenants: request.tenants });
  const tenants = fleet.tenants.slice(0, request.scanTenants);
  const collected = await collectResourceGraph({
    tenants: tenants.map((tenant) => ({ tenantId: tenant.tenantId, subscriptions: tenant.subscriptions })),
    credentialFactory: tokenPerTenant,
    cloud: resolveCloud("public", request.endpoint),
  });
  const keys = resultKeys(
    collected,
    tenants.map((tenant) => tenant.tenantId),
    new Date(request.startedAt),
  );
  process.stdout.write(`${JSON.stringify({ gaps: collected.coverage.gaps, keys })}\n`);
}
