// A fake Azure estate for nock: Resource Graph answers from tables by table and type, ARM GETs from bodies by id.
import nock from "nock";
import { matches, rowFilter } from "../../bench/kql.ts";
import { armError, publicArm, resourcesPath } from "./fakes.ts";

export type EstateRow = Readonly<Record<string, unknown>> & { readonly id: string };

export interface Estate {
  /** Rows per ARG table; `tenantId` and `subscriptionId` decide who sees them. */
  readonly tables: Readonly<Record<string, readonly EstateRow[]>>;
  /** Azure Lighthouse: managing tenant → customer tenants whose rows it also sees. */
  readonly delegations?: Readonly<Record<string, readonly string[]>>;
  /** Tenants whose every request answers 403 AuthorizationFailed. */
  readonly forbiddenTenants?: readonly string[];
  /** ARM GET bodies by lower-cased resource id; an id not here answers 404 (or 403 when listed in `forbiddenIds`). */
  readonly arm?: ReadonlyMap<string, unknown>;
  readonly forbiddenIds?: readonly string[];
  /** Headers on every Resource Graph answer. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface EstateLog {
  readonly graphBodies: { tenantId: string; body: Record<string, unknown> }[];
  readonly armGets: string[];
  /** The tenant whose token each ARM GET carried, in `armGets` order. */
  readonly armTenants: string[];
}

function tenantOf(request: Request): string {
  return (request.headers.get("authorization") ?? "").replace(/^Bearer token-/, "");
}

export function serveEstate(estate: Estate): EstateLog {
  const log: EstateLog = { graphBodies: [], armGets: [], armTenants: [] };
  const forbidden = new Set(estate.forbiddenTenants ?? []);
  nock(publicArm)
    .persist()
    .post(resourcesPath)
    .query(true)
    .reply(async (request: Request) => {
      const tenantId = tenantOf(request);
      const body = (await request.json()) as Record<string, unknown> & {
        query: string;
        subscriptions?: string[];
      };
      log.graphBodies.push({ tenantId, body });
      if (forbidden.has(tenantId))
        return [403, armError("AuthorizationFailed", `The client has no access to tenant ${tenantId}.`)];
      const filter = rowFilter(body.query);
      const visible = new Set([tenantId, ...(estate.delegations?.[tenantId] ?? [])]);
      const asked = new Set((body.subscriptions ?? []).map((id) => id.toLowerCase()));
      const data = (estate.tables[filter.table] ?? []).filter(
        (row) =>
          visible.has(String(row.tenantId)) &&
          (asked.size === 0 || asked.has(String(row.subscriptionId).toLowerCase())) &&
          matches(filter, row),
      );
      return [
        200,
        { totalRecords: data.length, count: data.length, resultTruncated: "false", data },
        estate.headers ?? {},
      ];
    });
  nock(publicArm)
    .persist()
    .get(/^\/subscriptions\//)
    .query(true)
    .reply((request: Request) => {
      const id = decodeURIComponent(new URL(request.url).pathname);
      log.armGets.push(id);
      log.armTenants.push(tenantOf(request));
      const body = estate.arm?.get(id.toLowerCase());
      if (body !== undefined) return [200, body];
      if ((estate.forbiddenIds ?? []).some((forbiddenId) => forbiddenId.toLowerCase() === id.toLowerCase()))
        return [403, armError("AuthorizationFailed", `No read access to ${id}.`)];
      return [404, armError("NotFound", `Resource ${id} was not found.`)];
    });
  return log;
}
