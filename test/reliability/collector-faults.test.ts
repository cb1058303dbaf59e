// Fault injection on the live collector (nock): every fault ends in complete data after retries, or in a coverage
// gap that names the tenant, query and scope; rows served always equal rows collected when coverage says complete.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import nock from "nock";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { CredentialFactory } from "../../src/collect/auth.ts";
import { graphQuery } from "../../src/collect/queries.ts";
import { collectResourceGraph } from "../../src/collect/resource-graph.ts";
import type { CollectedRows } from "../../src/collect/source.ts";
import {
  armError,
  blockNetwork,
  cluster,
  fakeClock,
  fakeCredentials,
  page,
  publicArm,
  resourcesPath,
} from "../collect/fakes.ts";
import type { FakeClock, GraphRequestBody } from "../collect/fakes.ts";

const subscription = "00000000-0000-0000-0000-000000000001";
const clustersQuery = graphQuery("clusters", "// clusters\nresources\n| order by id asc");
const servedRows = Array.from({ length: 7 }, (_, n) =>
  cluster(
    `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c${n}`,
  ),
);
const pageSize = 3;
/** Short enough that a stalled socket costs the test a fraction of a second. */
const requestTimeoutMs = 150;

type Reply = readonly [number, string, Record<string, string>?];

/** What the server does with one request; `ok` serves the page the request's `$skipToken` asks for. */
type Step =
  | "ok"
  | { readonly reply: Reply }
  | { readonly stallMs: number }
  | { readonly socketError: string }
  | { readonly truncated: true };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Step => ({
  reply: [status, JSON.stringify(body), { "content-type": "application/json", ...headers }],
});

function healthyPage(body: GraphRequestBody, resultTruncated = "false"): Reply {
  const start = Number(body.options?.$skipToken ?? "0");
  const next = start + pageSize < servedRows.length ? String(start + pageSize) : undefined;
  const payload = page(servedRows.slice(start, start + pageSize), next, resultTruncated);
  return [200, JSON.stringify(payload), { "content-type": "application/json" }];
}

/** Registers one interceptor a step, in order, then a healthy server for whatever comes after. */
function serve(steps: readonly Step[]): void {
  const arg = (): nock.Interceptor => nock(publicArm).post(resourcesPath).query(true);
  const healthy = async (request: Request, truncated = "false"): Promise<Reply> =>
    healthyPage((await request.json()) as GraphRequestBody, truncated);
  for (const step of steps) {
    if (step === "ok") arg().reply(healthy);
    else if ("reply" in step) arg().reply(() => step.reply);
    else if ("stallMs" in step) arg().delay(step.stallMs).reply(healthy);
    else if ("socketError" in step)
      arg().replyWithError(Object.assign(new Error(step.socketError), { code: step.socketError }));
    else arg().reply((request: Request) => healthy(request, "true"));
  }
  arg().times(Infinity).reply(healthy);
}

const repeat = (count: number, step: Step): Step[] => Array.from({ length: count }, () => step);

interface FaultCase {
  readonly name: string;
  readonly steps: readonly Step[];
  /** Undefined when the retries must recover every row; else the gap that must say what was lost. */
  readonly gap?: { readonly code: string; readonly query?: string };
  readonly credentialFactory?: CredentialFactory;
}

/** Tokens that always look about to expire, so the SDK asks for one per request; the `failOn`th ask fails. */
function expiringCredentials(failOn: number): CredentialFactory {
  let asked = 0;
  return (): TokenCredential => ({
    getToken(): Promise<AccessToken> {
      asked += 1;
      if (asked >= failOn) return Promise.reject(new Error("AADSTS700082: The refresh token has expired"));
      return Promise.resolve({ token: `token-${asked}`, expiresOnTimestamp: Date.now() - 1 });
    },
  });
}

const cutBody: Step = { reply: [200, '{"data": [ {"id": ', { "content-type": "application/json" }] };
const busy = json(503, armError("ServiceUnavailable", "busy"));
const throttled = json(429, armError("RateLimiting", "Too many requests"));

const faults: readonly FaultCase[] = [
  { name: "a socket that stalls past the request deadline on page 2", steps: ["ok", { stallMs: 1000 }] },
  { name: "three stalled sockets in a row", steps: repeat(3, { stallMs: 1000 }) },
  { name: "a connection reset on page 1", steps: [{ socketError: "ECONNRESET" }] },
  {
    name: "connection resets on every page",
    steps: [
      { socketError: "ECONNRESET" },
      "ok",
      { socketError: "ECONNRESET" },
      "ok",
      { socketError: "EPIPE" },
    ],
  },
  {
    name: "a burst of 500s and 503s on page 3",
    steps: ["ok", "ok", json(500, armError("InternalServerError", "oops")), busy, busy, busy],
  },
  {
    name: "a 503 with Retry-After",
    steps: [json(503, armError("ServiceUnavailable", "busy"), { "retry-after": "3" })],
  },
  { name: "a 429 storm within the retry budget", steps: ["ok", ...repeat(6, throttled)] },
  {
    name: "a 429 storm with quota headers",
    steps: repeat(
      4,
      json(429, armError("RateLimiting", "quota"), {
        "x-ms-user-quota-remaining": "0",
        "x-ms-user-quota-resets-after": "00:00:05",
      }),
    ),
  },
  {
    name: "a 502 from a gateway with an HTML body",
    steps: ["ok", { reply: [502, "<html><body>Bad Gateway</body></html>", { "content-type": "text/html" }] }],
  },
  {
    name: "a 429 storm beyond the retry budget",
    steps: repeat(7, throttled),
    gap: { code: "RateLimiting", query: "clusters" },
  },
  {
    name: "503s beyond the retry budget on page 2",
    steps: ["ok", ...repeat(7, busy)],
    gap: { code: "ServiceUnavailable", query: "clusters" },
  },
  { name: "a page whose body is cut mid-JSON, once", steps: ["ok", cutBody] },
  {
    name: "a page whose body is never JSON",
    steps: ["ok", ...repeat(7, cutBody)],
    gap: { code: "InvalidResponseBody", query: "clusters" },
  },
  {
    name: 'a page with resultTruncated "true"',
    steps: [{ truncated: true }],
    gap: { code: "resultTruncated", query: "clusters" },
  },
  {
    name: "a 401 ExpiredAuthenticationToken on page 2",
    steps: [
      "ok",
      json(
        401,
        armError(
          "ExpiredAuthenticationToken",
          "The access token expiry UTC time is earlier than current UTC time.",
        ),
      ),
    ],
    gap: { code: "ExpiredAuthenticationToken" },
  },
  {
    name: "a token that cannot be renewed on the third request",
    steps: [],
    credentialFactory: expiringCredentials(3),
    gap: { code: "credentialUnavailable" },
  },
];

function rowIds(collected: CollectedRows): string[] {
  return collected.rows.map((row) => (row.value as { id: string }).id.toLowerCase());
}

describe("collector under injected faults", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  for (const fault of faults) {
    const outcome = fault.gap ? `a ${fault.gap.code} gap` : "every row after retries";
    it(`${fault.name}: ends with ${outcome}`, async () => {
      serve(fault.steps);
      const clock: FakeClock = fakeClock();
      const collected = await collectResourceGraph({
        tenants: [{ tenantId: "t1", subscriptions: [subscription] }],
        credentialFactory: fault.credentialFactory ?? fakeCredentials().factory,
        queries: [clustersQuery],
        pageSize,
        requestTimeoutMs,
        clock,
        random: () => 0.5,
      });
      const ids = rowIds(collected);
      assert.equal(new Set(ids).size, ids.length, "no row is collected twice");
      if (fault.gap === undefined) {
        assert.deepEqual(collected.coverage.gaps, []);
        assert.equal(collected.coverage.complete, true);
        assert.deepEqual(
          ids,
          servedRows.map((row) => String(row.id).toLowerCase()),
          "served rows = collected rows",
        );
        return;
      }
      // Never "complete" with rows missing: the gap says which tenant, query and scope lost rows.
      assert.equal(collected.coverage.complete, false);
      const gap = collected.coverage.gaps.find((candidate) => candidate.code === fault.gap?.code);
      assert.ok(gap, `a ${fault.gap.code} gap: ${JSON.stringify(collected.coverage.gaps)}`);
      assert.equal(gap.tenantId, "t1");
      if (fault.gap.query !== undefined) {
        assert.equal(gap.query, fault.gap.query);
        assert.deepEqual(gap.scope, [subscription]);
      }
    });
  }
});
