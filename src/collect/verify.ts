// ARM verification: replaces the Resource Graph row of chosen clusters with a fresh ManagedClusters GET body.
// ARG lags ARM by minutes and may omit fields such as `systemData` or `apiServerAccessProfile`.
import { ContainerServiceClient } from "@azure/arm-containerservice";
import type { TokenCredential } from "@azure/identity";
import type { Diagnostic, RawRow } from "../inventory/model.ts";
import { scanningTenant } from "./source.ts";
import type { AzureCloud } from "./clouds.ts";
import { armClientOptions, armCredential, toGraphRequestError, toTimeoutError } from "./graph-client.ts";
import type { RawArmResponse } from "./graph-client.ts";
import pLimit from "p-limit";
import { ArmReadPacer } from "./arm-pacing.ts";
import { systemClock, withRetries } from "./pacing.ts";
import type { Clock, RetryOptions } from "./pacing.ts";

const managedClustersType = "microsoft.containerservice/managedclusters";

/** Reads one cluster's raw ARM body (ARM casing, not the SDK's model). */
export interface ManagedClusterReader {
  get(resourceGroup: string, name: string): Promise<unknown>;
}

export type ManagedClusterReaders = (subscriptionId: string, tenantId: string) => ManagedClusterReader;

export interface VerifiedRows {
  readonly rows: readonly RawRow[];
  readonly diagnostics: readonly Diagnostic[];
}

interface ClusterRow {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly tenantId?: unknown;
  readonly properties?: { readonly apiServerAccessProfile?: unknown };
}

function clusterRow(row: RawRow): ClusterRow | undefined {
  const value = row.value as ClusterRow | null;
  if (typeof value !== "object" || value === null) return undefined;
  return typeof value.type === "string" && value.type.toLowerCase() === managedClustersType
    ? value
    : undefined;
}

/** Ids of cluster rows that came without `properties.apiServerAccessProfile`: candidates for verification. */
export function clustersLackingApiServerProfile(rows: readonly RawRow[]): string[] {
  return rows.flatMap((row) => {
    const cluster = clusterRow(row);
    const missing =
      cluster !== undefined &&
      typeof cluster.id === "string" &&
      cluster.properties?.apiServerAccessProfile == null;
    return missing ? [cluster.id] : [];
  });
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}` */
function parseClusterId(
  id: string,
): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/i.exec(
      id,
    );
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, name] = match;
  return { subscriptionId: subscriptionId!, resourceGroup: resourceGroup!, name: name! };
}

async function verifyRow(
  row: RawRow,
  cluster: ClusterRow & { id: string },
  readers: ManagedClusterReaders,
): Promise<RawRow> {
  const parts = parseClusterId(cluster.id);
  if (!parts) throw new Error(`not a managedClusters id: ${cluster.id}`);
  const tenantId = typeof cluster.tenantId === "string" ? cluster.tenantId : "";
  // A delegated (Lighthouse) cluster is read with the credential of the tenant that scanned it.
  const readingTenant = scanningTenant(row) ?? tenantId;
  const body = await readers(parts.subscriptionId, readingTenant).get(parts.resourceGroup, parts.name);
  if (typeof body !== "object" || body === null) throw new Error("ARM returned no body");
  // ARM bodies lack the ARG-only columns and spell the type in mixed case.
  const value = {
    ...body,
    type: managedClustersType,
    tenantId,
    subscriptionId: parts.subscriptionId,
    resourceGroup: parts.resourceGroup,
  };
  return { table: row.table, value, source: { origin: `arm:${cluster.id}`, row: 0 } };
}

/**
 * Replaces the rows of the clusters in `which` (ids, any case) with their ARM GET body.
 * A failed GET keeps the ARG row and says so in a diagnostic.
 */
export async function verifyClusters(
  rows: readonly RawRow[],
  which: Iterable<string>,
  readers: ManagedClusterReaders,
): Promise<VerifiedRows> {
  const wanted = new Set([...which].map((id) => id.toLowerCase()));
  const diagnostics: Diagnostic[] = [];
  const limit = pLimit(armConcurrency);
  const verified = await Promise.all(
    rows.map(async (row) => {
      const cluster = clusterRow(row);
      if (cluster === undefined || typeof cluster.id !== "string" || !wanted.has(cluster.id.toLowerCase()))
        return row;
      const id = cluster.id;
      try {
        return await limit(() => verifyRow(row, { ...cluster, id }, readers));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        diagnostics.push({
          level: "warning",
          code: "arm-verification-failed",
          message: `ARM GET failed, kept the Resource Graph row: ${message}`,
          resourceId: cluster.id,
          origin: row.source.origin,
          row: row.source.row,
        });
        return row;
      }
    }),
  );
  return { rows: verified, diagnostics };
}

export interface ReaderOptions {
  readonly cloud: AzureCloud;
  /** One credential per tenant, shared with the Resource Graph client of that tenant. */
  readonly credentialFor: (tenantId: string) => TokenCredential;
  /** Retries of one GET on 429, 5xx or network errors, default 3; the SDK itself never retries. */
  readonly maxRetries?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** A stalled GET ends after this long and is retried like a network error, default 120 s. */
  readonly requestTimeoutMs?: number;
}

/** GETs in flight at once; ARM's read bucket (arm-pacing.ts) decides how fast they go. */
const armConcurrency = 16;
const defaultMaxRetries = 3;
const defaultRequestTimeoutMs = 120_000;

/** The raw ARM body from `onResponse`: the SDK's model lifts `properties` to the top and turns dates into `Date`s. */
async function readRawBody(
  client: ContainerServiceClient,
  resourceGroup: string,
  name: string,
  timeoutMs: number,
  pacer: ArmReadPacer,
): Promise<unknown> {
  let last: RawArmResponse | undefined;
  try {
    await client.managedClusters.get(resourceGroup, name, {
      requestOptions: { timeout: timeoutMs },
      onResponse: (rawResponse) => {
        last = rawResponse;
        pacer.observe((header) => rawResponse.headers.get(header) ?? undefined);
      },
    });
  } catch (error) {
    throw toGraphRequestError(toTimeoutError(error, timeoutMs), last);
  }
  return last?.parsedBody;
}

/** ContainerServiceClient per tenant and subscription, on the cloud's endpoint and token scope. */
export function createManagedClusterReaders(options: ReaderOptions): ManagedClusterReaders {
  const clock = options.clock ?? systemClock;
  const clients = new Map<string, { client: ContainerServiceClient; pacer: ArmReadPacer }>();
  return (subscriptionId, tenantId) => {
    const key = `${tenantId}/${subscriptionId}`.toLowerCase();
    let entry = clients.get(key);
    if (entry === undefined) {
      const credential = armCredential(options.credentialFor(tenantId));
      const client = new ContainerServiceClient(credential, subscriptionId, armClientOptions(options.cloud));
      // ARM's read limits are per subscription and principal: one bucket serves every GET of that pair.
      entry = { client, pacer: new ArmReadPacer(clock) };
      clients.set(key, entry);
    }
    const { client: found, pacer } = entry;
    const retry: RetryOptions = {
      clock,
      pacer,
      random: options.random ?? Math.random,
      maxRetries: options.maxRetries ?? defaultMaxRetries,
      debug: (): void => undefined,
    };
    return {
      get: (resourceGroup, name) =>
        withRetries(
          () =>
            readRawBody(
              found,
              resourceGroup,
              name,
              options.requestTimeoutMs ?? defaultRequestTimeoutMs,
              pacer,
            ),
          retry,
        ),
    };
  };
}
