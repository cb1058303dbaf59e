// A local HTTPS Resource Graph: answers POST /providers/Microsoft.ResourceGraph/resources from a generated fleet, with paging and a per-principal quota.
import { createServer } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Row } from "../examples/demo-fleet/arm.ts";
import type { Certificate } from "./certificate.ts";
import { selfSignedCertificate } from "./certificate.ts";
import type { Fleet } from "./fleet.ts";
import { matches, rowFilter } from "./kql.ts";

export interface QuotaSettings {
  /** Requests a principal may make per window; Resource Graph's is about 15. */
  readonly quota: number;
  /** Window length in milliseconds; Resource Graph's is 5 s. */
  readonly windowMs: number;
}

/** How long an answer takes: a fixed delay plus a delay per returned row (Resource Graph's pages take 0.3 s to seconds). */
export interface LatencyModel {
  readonly fixedMs: number;
  readonly perRowMs: number;
}

export const noLatency: LatencyModel = { fixedMs: 0, perRowMs: 0 };

/** Milliseconds an answer of `rows` rows takes under the model. */
export function answerMs(latency: LatencyModel, rows: number): number {
  return latency.fixedMs + rows * latency.perRowMs;
}

export interface SimulatorStats {
  requests: number;
  throttled: number;
  rowsServed: number;
}

export interface Simulator {
  /** `https://127.0.0.1:<port>`, for `resolveCloud("public", endpoint)`. */
  endpoint: string;
  /** Applies to requests that arrive from now on. */
  latency: LatencyModel;
  readonly certificate: Certificate;
  readonly stats: SimulatorStats;
  close(): Promise<void>;
}

interface Window {
  startedAt: number;
  used: number;
}

interface RequestBody {
  readonly query?: string;
  readonly subscriptions?: readonly string[];
  readonly options?: { readonly $top?: number; readonly $skipToken?: string };
}

const resourcesPath = "/providers/Microsoft.ResourceGraph/resources";
const maxTop = 1000;

/** Milliseconds as Resource Graph's `hh:mm:ss`, with fractions so that sub-second test windows stay exact. */
export function formatResetsAfter(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = (seconds % 60).toFixed(3).padStart(6, "0");
  return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}:${rest}`;
}

export class FleetIndex {
  readonly #tables = new Map<string, readonly Row[]>();
  readonly #answers = new Map<string, readonly Row[]>();
  /** Bearer token → tenant: the bench's credentials hand out the tenant id as the token. */
  readonly #subscriptionsOf = new Map<string, ReadonlySet<string>>();

  constructor(fleet: Fleet) {
    // The fleet's tables include `resourcecontainers` (its subscriptions, from the demo builders).
    const tables = new Map<string, Row[]>();
    for (const tenant of fleet.tenants) {
      this.#subscriptionsOf.set(tenant.tenantId, new Set(tenant.subscriptions.map((id) => id.toLowerCase())));
      for (const [table, rows] of Object.entries(tenant.tables)) {
        const list = tables.get(table) ?? [];
        for (const row of rows) list.push(row);
        tables.set(table, list);
      }
    }
    const byId = (a: Row, b: Row): number => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1);
    for (const [table, rows] of tables) this.#tables.set(table, rows.sort(byId));
  }

  knows(principal: string): boolean {
    return this.#subscriptionsOf.has(principal);
  }

  /** Rows of the query over the asked subscriptions the principal can see, computed once per query and scope. */
  answer(principal: string, query: string, subscriptions: readonly string[] | undefined): readonly Row[] {
    const visible = this.#subscriptionsOf.get(principal) ?? new Set<string>();
    const asked = subscriptions
      ? subscriptions.map((id) => id.toLowerCase()).filter((id) => visible.has(id))
      : [...visible];
    const key = `${principal}\n${query}\n${asked.join(",")}`;
    const cached = this.#answers.get(key);
    if (cached) return cached;
    const filter = rowFilter(query);
    const scope = new Set(asked);
    const rows = (this.#tables.get(filter.table) ?? []).filter(
      (row) =>
        typeof row.subscriptionId === "string" &&
        scope.has(row.subscriptionId.toLowerCase()) &&
        matches(filter, row),
    );
    this.#answers.set(key, rows);
    return rows;
  }
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  sendText(response, status, headers, JSON.stringify(body));
}

function sendText(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  text: string,
): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(text);
}

function error(code: string, message: string): unknown {
  return { error: { code, message, details: [{ code, message }] } };
}

async function readBody(request: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as RequestBody;
}

/** A skip token names the query and scope it pages, so a token from another query is refused as Azure refuses it. */
function skipToken(offset: number, key: string): string {
  return Buffer.from(JSON.stringify({ offset, key })).toString("base64url");
}

function offsetOf(token: string | undefined, key: string): number | undefined {
  if (token === undefined || token === "") return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      offset?: unknown;
      key?: unknown;
    };
    return parsed.key === key && typeof parsed.offset === "number" ? parsed.offset : undefined;
  } catch {
    return undefined;
  }
}

export interface SimulatorOptions extends QuotaSettings {
  readonly fleet: Fleet;
  readonly now?: () => number;
  /** Default: none. Applied to every answer, 429s included; the quota is counted when a request arrives. */
  readonly latency?: LatencyModel;
  /** Refuse every n-th request with a 429 regardless of the quota (fault injection); default never. */
  readonly throttleEvery?: number;
}

const delay = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const certificate = selfSignedCertificate();
  const index = new FleetIndex(options.fleet);
  const windows = new Map<string, Window>();
  const pages = new Map<string, string>();
  const stats: SimulatorStats = { requests: 0, throttled: 0, rowsServed: 0 };
  const now = options.now ?? Date.now;
  const simulator: Simulator = {
    endpoint: "",
    latency: options.latency ?? noLatency,
    certificate,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };

  /**
   * Fixed windows per principal, opened by its first request: the quota headers of every answer count down.
   * The request is counted when it arrives; the reset is told as of when the answer leaves, after the latency.
   */
  function admit(principal: string): { allowed: boolean; headers: () => Record<string, string> } {
    const time = now();
    let window = windows.get(principal);
    if (!window || time - window.startedAt >= options.windowMs) {
      window = { startedAt: time, used: 0 };
      windows.set(principal, window);
    }
    const injected = options.throttleEvery !== undefined && stats.requests % options.throttleEvery === 0;
    const allowed = window.used < options.quota && !injected;
    if (allowed) window.used++;
    const { startedAt, used } = window;
    const headers = (): Record<string, string> => ({
      "x-ms-user-quota-remaining": String(options.quota - used),
      "x-ms-user-quota-resets-after": formatResetsAfter(startedAt + options.windowMs - now()),
    });
    return { allowed, headers };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "https://127.0.0.1");
    if (request.method !== "POST" || url.pathname !== resourcesPath) {
      send(response, 404, {}, error("NotFound", `No route ${request.method ?? ""} ${url.pathname}`));
      return;
    }
    stats.requests++;
    if (url.searchParams.get("api-version") !== "2024-04-01") {
      send(
        response,
        400,
        {},
        error("InvalidApiVersionParameter", "The simulator answers api-version 2024-04-01"),
      );
      return;
    }
    const principal = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    if (!index.knows(principal)) {
      send(response, 401, {}, error("AuthenticationFailed", "Unknown bearer token"));
      return;
    }
    const quota = admit(principal);
    if (!quota.allowed) {
      stats.throttled++;
      await delay(simulator.latency.fixedMs);
      send(
        response,
        429,
        quota.headers(),
        error("RateLimiting", "Please provide below info when asking for support: too many requests."),
      );
      return;
    }
    const body = await readBody(request);
    const rows = index.answer(principal, body.query ?? "", body.subscriptions);
    const key = `${body.query ?? ""}\n${(body.subscriptions ?? []).join(",")}`;
    const offset = offsetOf(body.options?.$skipToken, key);
    if (offset === undefined) {
      send(
        response,
        400,
        quota.headers(),
        error("BadRequest", "The $skipToken does not belong to this query"),
      );
      return;
    }
    const top = Math.min(body.options?.$top ?? maxTop, maxTop);
    const served = Math.max(0, Math.min(top, rows.length - offset));
    stats.rowsServed += served;
    // A page is serialized once: the simulator's CPU would otherwise compete with the collector's on this machine.
    const pageKey = `${principal}\n${key}\n${String(offset)}\n${String(top)}`;
    let page = pages.get(pageKey);
    if (page === undefined) {
      const data = rows.slice(offset, offset + top);
      const next = offset + top < rows.length ? { $skipToken: skipToken(offset + top, key) } : {};
      page = JSON.stringify({
        totalRecords: rows.length,
        count: data.length,
        resultTruncated: "false",
        data,
        facets: [],
        ...next,
      });
      pages.set(pageKey, page);
    }
    await delay(answerMs(simulator.latency, served));
    sendText(response, 200, quota.headers(), page);
  }

  const server: Server = createServer(
    { key: certificate.key, cert: certificate.cert },
    (request, response) => {
      handle(request, response).catch((failure: unknown) => {
        send(response, 500, {}, error("InternalServerError", String(failure)));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  simulator.endpoint = `https://127.0.0.1:${port}`;
  return simulator;
}
