// Collects a generated fleet from the Resource Graph simulator and checks every row; run as a child process with NODE_EXTRA_CA_CERTS.
import type { AccessToken } from "@azure/identity";
import type { CredentialFactory } from "../src/collect/auth.ts";
import { resolveCloud } from "../src/collect/clouds.ts";
import { loadInventoryQueries } from "../src/collect/queries.ts";
import { collectResourceGraph } from "../src/collect/resource-graph.ts";
import { defaultBatchSize, subscriptionBatches } from "../src/collect/scopes.ts";
import { maxPageSize } from "../src/collect/paging.ts";
import type { Fleet } from "./fleet.ts";
import { generateFleet } from "./fleet.ts";
import { FleetIndex } from "./simulator.ts";

export interface CollectRequest {
  readonly endpoint: string;
  readonly seed: number;
  readonly clusters: number;
  readonly tenants: number;
  /** How many of the fleet's tenants to collect, from the first. */
  readonly scanTenants: number;
}

/** The pages one query needs over one batch of one tenant, read one after the other. */
export interface PageChain {
  readonly tenantId: string;
  readonly rowsPerPage: readonly number[];
}

export interface CollectReport {
  readonly wallMs: number;
  readonly rows: number;
  /** Pages the queries need at `$top` 1000: the fewest requests possible. */
  readonly minimumRequests: number;
  readonly chains: readonly PageChain[];
  readonly lost: number;
  readonly duplicated: number;
  readonly gaps: readonly string[];
}

/** The bench's principals: each tenant's token is its id, which the simulator maps back to the tenant. */
export const tokenPerTenant: CredentialFactory = (tenantId) => ({
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: tenantId, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

/** Expected rows per query (lower-case ids) and the pages they fill, as the collector will ask for them. */
export async function expectations(
  fleet: Fleet,
  scanTenants: number,
): Promise<{ ids: Map<string, string[]>; pages: number; chains: PageChain[] }> {
  const index = new FleetIndex(fleet);
  const ids = new Map<string, string[]>();
  const chains: PageChain[] = [];
  let pages = 0;
  for (const query of await loadInventoryQueries()) {
    const list: string[] = [];
    for (const tenant of fleet.tenants.slice(0, scanTenants)) {
      for (const batch of subscriptionBatches(tenant.subscriptions, defaultBatchSize)) {
        const rows = index.answer(tenant.tenantId, query.kql, batch.subscriptions);
        const count = Math.max(1, Math.ceil(rows.length / maxPageSize));
        pages += count;
        const rowsPerPage = Array.from({ length: count }, (_, page) =>
          Math.max(0, Math.min(maxPageSize, rows.length - page * maxPageSize)),
        );
        chains.push({ tenantId: tenant.tenantId, rowsPerPage });
        for (const row of rows) list.push(row.id.toLowerCase());
      }
    }
    ids.set(query.table + "\n" + query.name, list);
  }
  return { ids, pages, chains };
}

export async function collectFromSimulator(request: CollectRequest): Promise<CollectReport> {
  const fleet = generateFleet({ seed: request.seed, clusters: request.clusters, tenants: request.tenants });
  const expected = await expectations(fleet, request.scanTenants);
  const queries = await loadInventoryQueries();
  const started = performance.now();
  const collected = await collectResourceGraph({
    tenants: fleet.tenants
      .slice(0, request.scanTenants)
      .map((tenant) => ({ tenantId: tenant.tenantId, subscriptions: tenant.subscriptions })),
    credentialFactory: tokenPerTenant,
    cloud: resolveCloud("public", request.endpoint),
    queries,
  });
  const wallMs = performance.now() - started;
  let lost = 0;
  let duplicated = 0;
  for (const query of queries) {
    const seen = new Map<string, number>();
    for (const row of collected.rows) {
      if (row.source.origin.endsWith(`/${query.name}`)) {
        const id = String((row.value as { id?: unknown }).id).toLowerCase();
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
    }
    for (const id of expected.ids.get(query.table + "\n" + query.name) ?? []) if (!seen.delete(id)) lost++;
    duplicated += [...seen.values()].reduce((sum, count) => sum + count, 0);
  }
  // mergeRows drops repeats with an info diagnostic; count them as duplicates the collector had to absorb.
  for (const diagnostic of collected.diagnostics)
    if (diagnostic.code === "duplicate-row") duplicated += Number.parseInt(diagnostic.message, 10);
  return {
    wallMs,
    rows: collected.rows.length,
    minimumRequests: expected.pages,
    chains: expected.chains,
    lost,
    duplicated,
    gaps: collected.coverage.gaps.map((gap) => `${gap.code}: ${gap.message}`),
  };
}

if (import.meta.main) {
  const request = JSON.parse(process.argv[2] ?? "{}") as CollectRequest;
  process.stdout.write(`${JSON.stringify(await collectFromSimulator(request))}\n`);
}
