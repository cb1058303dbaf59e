// Firewall Policy rule collection groups, wherever Resource Graph keeps them: both tables, cross-checked, ARM GET.
import { ServiceClient } from "@azure/core-client";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import type { Diagnostic, RawRow } from "../inventory/model.ts";
import { armCredential, toGraphRequestError, toTimeoutError } from "./graph-client.ts";
import { ArmReadPacer } from "./arm-pacing.ts";
import { systemClock, withRetries } from "./pacing.ts";
import type { RetryOptions } from "./pacing.ts";
import type { CollectedRows, CoverageGap } from "./source.ts";
import { scanningTenant } from "./source.ts";
import { errorGap } from "./tenant-session.ts";
import type { ReaderOptions } from "./verify.ts";

const groupTypes = new Set([
  "microsoft.network/firewallpolicies/rulecollectiongroups",
  "microsoft.network/firewallpolicies/rulegroups",
]);
const policyType = "microsoft.network/firewallpolicies";
/** Microsoft.Network API version of the rule collection group GET. */
export const networkApiVersion = "2024-05-01";
/** Query name that coverage gaps of unread groups carry. */
export const ruleCollectionGroupsQuery = "firewall-policy-rule-collection-groups";

/** Reads one rule collection group's ARM body with the credential of the tenant that scanned its policy. */
export type RuleCollectionGroupReader = (groupId: string, tenantId: string) => Promise<unknown>;

/** Where each group came from: `resources`, `networkresources`, `arm`, or `unread` (a coverage gap). */
export type GroupSource = "resources" | "networkresources" | "arm" | "unread";

export interface CompletedGroups {
  readonly collected: CollectedRows;
  /** Lower-cased group id → where it was found; doctor reports it. */
  readonly sources: ReadonlyMap<string, GroupSource>;
}

interface Row {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly properties?: { readonly ruleCollectionGroups?: unknown };
}

function typeOf(row: RawRow): string | undefined {
  const value = row.value as Row | null;
  return typeof value?.type === "string" ? value.type.toLowerCase() : undefined;
}

function idOf(row: RawRow): string | undefined {
  const value = row.value as Row | null;
  return typeof value?.id === "string" && value.id !== "" ? value.id : undefined;
}

/** The groups a policy lists in `properties.ruleCollectionGroups[].id`. */
function listedGroups(row: RawRow): string[] {
  const groups = (row.value as Row | null)?.properties?.ruleCollectionGroups;
  if (!Array.isArray(groups)) return [];
  return groups
    .map((group) => (group as { id?: unknown } | null)?.id)
    .filter((id): id is string => typeof id === "string" && id !== "");
}

/**
 * Keeps each group once whichever table returned it, then reads by ARM GET every group a policy lists that no
 * table returned. The docs do not settle which table holds the groups, so an empty answer from one table never
 * counts as "no groups": only the policies' own lists do. A group still unread is a coverage gap naming it.
 */
export async function completeRuleCollectionGroups(
  collected: CollectedRows,
  read: RuleCollectionGroupReader,
): Promise<CompletedGroups> {
  const sources = new Map<string, GroupSource>();
  const rows: RawRow[] = [];
  let repeated = 0;
  const listed = new Map<string, { id: string; policyId: string; tenantId: string; origin: string }>();
  for (const row of collected.rows) {
    const type = typeOf(row);
    const id = idOf(row);
    if (type !== undefined && groupTypes.has(type) && id !== undefined) {
      if (sources.has(id.toLowerCase())) {
        repeated++;
        continue;
      }
      sources.set(id.toLowerCase(), row.table === "networkresources" ? "networkresources" : "resources");
    }
    if (type === policyType && id !== undefined) {
      for (const groupId of listedGroups(row)) {
        listed.set(groupId.toLowerCase(), {
          id: groupId,
          policyId: id,
          tenantId: scanningTenant(row) ?? "",
          origin: row.source.origin,
        });
      }
    }
    rows.push(row);
  }
  const diagnostics: Diagnostic[] = [];
  if (repeated > 0) {
    diagnostics.push({
      level: "info",
      code: "duplicate-row",
      message: `${repeated} rule collection group(s) came from both resources and networkresources; each kept once`,
    });
  }
  const gaps: CoverageGap[] = [];
  const missing = [...listed.entries()].filter(([key]) => !sources.has(key));
  await Promise.all(
    missing.map(async ([key, group]) => {
      try {
        const body = await read(group.id, group.tenantId);
        if (typeof body !== "object" || body === null) throw new Error("ARM returned no body");
        sources.set(key, "arm");
        rows.push({ table: "resources", value: body, source: { origin: `arm:${group.id}`, row: 0 } });
      } catch (error) {
        sources.set(key, "unread");
        const gap = errorGap(group.tenantId, error, [group.id], ruleCollectionGroupsQuery);
        gaps.push({
          ...gap,
          message: `Rule collection group ${group.id} of firewall policy ${group.policyId} is in no Resource Graph table and its ARM GET failed: ${gap.message}`,
        });
      }
    }),
  );
  const coverage = {
    ...collected.coverage,
    complete: collected.coverage.complete && gaps.length === 0,
    gaps: [...collected.coverage.gaps, ...gaps],
  };
  return {
    collected: { ...collected, rows, coverage, diagnostics: [...collected.diagnostics, ...diagnostics] },
    sources,
  };
}

/** The ManagedClusters GET's options: a group is read with the same credential, cloud, retries and timeout. */
export type GroupReaderOptions = ReaderOptions;

/**
 * ARM GET `{group id}?api-version=…` with the same credential, cloud, retries and pacing as the ManagedClusters
 * GET (`verify.ts`): one client and pacer per tenant, the SDK's own retries off.
 */
export function createRuleCollectionGroupReader(options: GroupReaderOptions): RuleCollectionGroupReader {
  const clock = options.clock ?? systemClock;
  const clients = new Map<string, { client: ServiceClient; pacer: ArmReadPacer; retry: RetryOptions }>();
  const timeout = options.requestTimeoutMs ?? 120_000;
  return async (groupId, tenantId) => {
    let entry = clients.get(tenantId.toLowerCase());
    if (entry === undefined) {
      const client = new ServiceClient({
        credential: armCredential(options.credentialFor(tenantId)),
        credentialScopes: [options.cloud.armScope],
        endpoint: options.cloud.armEndpoint,
        retryOptions: { maxRetries: 0 },
      });
      const pacer = new ArmReadPacer(clock);
      const retry: RetryOptions = {
        clock,
        pacer,
        random: options.random ?? Math.random,
        maxRetries: options.maxRetries ?? 3,
        debug: (): void => undefined,
      };
      entry = { client, pacer, retry };
      clients.set(tenantId.toLowerCase(), entry);
    }
    const { client, pacer, retry } = entry;
    const url = `${options.cloud.armEndpoint.replace(/\/+$/, "")}${groupId}?api-version=${networkApiVersion}`;
    return withRetries(async () => {
      let response;
      try {
        response = await client.sendRequest(createPipelineRequest({ url, method: "GET", timeout }));
      } catch (error) {
        throw toGraphRequestError(toTimeoutError(error, timeout), undefined);
      }
      // ARM says what is left of its read bucket in every answer; the pacer takes it, as for the cluster GETs.
      pacer.observe((header) => response.headers.get(header) ?? undefined);
      let parsedBody: unknown;
      try {
        parsedBody = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
      } catch {
        parsedBody = undefined;
      }
      const raw = { status: response.status, headers: response.headers, parsedBody };
      if (response.status >= 400) throw toGraphRequestError(new Error(`HTTP ${response.status}`), raw);
      return parsedBody;
    }, retry);
  };
}
