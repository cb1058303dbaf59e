import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import type { TokenCredential } from "@azure/identity";
import { collectResourceGraph } from "../../src/collect/resource-graph.ts";
import type { ResourceGraphOptions } from "../../src/collect/resource-graph.ts";
import { resolveCloud } from "../../src/collect/clouds.ts";
import { graphQuery, loadInventoryQueries } from "../../src/collect/queries.ts";
import {
  armError,
  blockNetwork,
  cluster,
  fakeClock,
  fakeCredentials,
  page,
  publicArm,
  resourcesPath,
} from "./fakes.ts";
import type { FakeClock, GraphRequestBody } from "./fakes.ts";

const clustersQuery = graphQuery("clusters", "// clusters\nresources\n| order by id asc");
const sub = (n: number): string => `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`;
const clusterId = (n: number): string =>
  `/subscriptions/${sub(1)}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c${n}`;

type Reply = [number, unknown, Record<string, string>?];

interface Recorded {
  readonly bodies: GraphRequestBody[];
  readonly times: number[];
  readonly auth: string[];
}

/** Answers every Resource Graph call in order from `replies`; records bodies, clock times and tokens. */
function graph(
  clock: FakeClock,
  replies: (body: GraphRequestBody, index: number, request: Request) => Reply,
  host = publicArm,
): Recorded {
  const recorded: Recorded = { bodies: [], times: [], auth: [] };
  nock(host)
    .post(resourcesPath)
    .query({ "api-version": "2024-04-01" })
    .times(Infinity)
    .reply(async (request: Request) => {
      // nock 15 hands reply functions the fetch Request.
      const parsed = (await request.json()) as GraphRequestBody;
      recorded.bodies.push(parsed);
      recorded.times.push(clock.now());
      recorded.auth.push(request.headers.get("authorization") ?? "");
      const [status, payload, headers] = replies(parsed, recorded.bodies.length - 1, request);
      return [status, JSON.stringify(payload), { "content-type": "application/json", ...headers }];
    });
  return recorded;
}

function options(clock: FakeClock, extra: Partial<ResourceGraphOptions> = {}): ResourceGraphOptions {
  return {
    tenants: [{ tenantId: "t1", subscriptions: [sub(1)] }],
    credentialFactory: fakeCredentials().factory,
    queries: [clustersQuery],
    clock,
    random: () => 0.5,
    ...extra,
  };
}

describe("collectResourceGraph", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("joins three pages and keeps a row repeated across pages once", async () => {
    const clock = fakeClock();
    const pages = [
      page([cluster(clusterId(1)), cluster(clusterId(2))], "token-2"),
      page([cluster(clusterId(2).toUpperCase()), cluster(clusterId(3))], "token-3"),
      page([cluster(clusterId(4))]),
    ];
    const recorded = graph(clock, (_body, index) => [200, pages[index]]);
    const collected = await collectResourceGraph(options(clock));
    assert.deepEqual(
      collected.rows.map((row) => (row.value as { id: string }).id),
      [clusterId(1), clusterId(2), clusterId(3), clusterId(4)],
    );
    assert.deepEqual(
      collected.rows.map((row) => row.source),
      [0, 1, 2, 3].map((row) => ({ origin: "resource-graph:t1/clusters", row })),
    );
    assert.ok(collected.rows.every((row) => row.table === "resources"));
    assert.deepEqual(
      recorded.bodies.map((body) => body.options),
      [
        { $top: 1000, resultFormat: "objectArray" },
        { $top: 1000, $skipToken: "token-2", resultFormat: "objectArray" },
        { $top: 1000, $skipToken: "token-3", resultFormat: "objectArray" },
      ],
    );
    assert.equal(collected.coverage.complete, true);
    assert.deepEqual(collected.coverage.tables, ["resources"]);
  });

  it("splits 650 subscriptions into three requests per query, none over 300", async () => {
    const clock = fakeClock();
    const recorded = graph(clock, () => [200, page([])]);
    const subscriptions = Array.from({ length: 650 }, (_, n) => sub(n));
    const queries = [clustersQuery, graphQuery("ip-groups", "resources | order by id asc")];
    await collectResourceGraph(options(clock, { tenants: [{ tenantId: "t1", subscriptions }], queries }));
    assert.equal(recorded.bodies.length, 6);
    for (const query of queries) {
      const sizes = recorded.bodies
        .filter((body) => body.query === query.kql)
        .map((body) => body.subscriptions?.length);
      assert.deepEqual(sizes, [250, 250, 150]);
    }
    assert.ok(recorded.bodies.every((body) => body.managementGroups === undefined));
  });

  it("waits for the quota reset when x-ms-user-quota-remaining is 0", async () => {
    const clock = fakeClock();
    const quota = { "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:02" };
    const recorded = graph(clock, (_body, index) => [
      200,
      page([cluster(clusterId(index))], index === 0 ? "next" : undefined),
      quota,
    ]);
    const collected = await collectResourceGraph(options(clock));
    assert.equal(collected.rows.length, 2);
    assert.ok(
      recorded.times[1]! - recorded.times[0]! >= 2000,
      `waited ${recorded.times[1]! - recorded.times[0]!} ms`,
    );
  });

  const retried: readonly { name: string; failures: Reply[]; minWait: number }[] = [
    {
      name: "a 429 without Retry-After",
      failures: [[429, armError("RateLimiting", "Too many requests")]],
      minWait: 1000,
    },
    {
      name: "a 429 with Retry-After",
      failures: [[429, armError("RateLimiting", "Too many requests"), { "retry-after": "7" }]],
      minWait: 7000,
    },
    {
      name: "a 5xx burst",
      failures: [
        [503, armError("ServiceUnavailable", "busy")],
        [500, armError("InternalServerError", "oops")],
        [502, armError("BadGateway", "gateway")],
      ],
      minWait: 1000 + 2000 + 4000,
    },
  ];
  for (const { name, failures, minWait } of retried) {
    it(`retries ${name} and then reads the rows`, async () => {
      const clock = fakeClock();
      const recorded = graph(
        clock,
        (_body, index) => failures[index] ?? [200, page([cluster(clusterId(1))])],
      );
      const collected = await collectResourceGraph(options(clock));
      assert.equal(collected.rows.length, 1);
      assert.equal(recorded.bodies.length, failures.length + 1);
      assert.equal(collected.coverage.complete, true);
      assert.ok(clock.now() >= minWait, `waited ${clock.now()} ms`);
    });
  }

  it("retries a network error", async () => {
    const clock = fakeClock();
    nock(publicArm).post(resourcesPath).query(true).replyWithError("socket hang up");
    nock(publicArm)
      .post(resourcesPath)
      .query(true)
      .reply(200, page([cluster(clusterId(1))]));
    const collected = await collectResourceGraph(options(clock));
    assert.equal(collected.rows.length, 1);
    assert.equal(clock.sleeps.length, 1);
  });

  it("gives up after the retry budget and records the gap", async () => {
    const clock = fakeClock();
    const recorded = graph(clock, () => [503, armError("ServiceUnavailable", "still busy")]);
    const collected = await collectResourceGraph(options(clock, { maxRetries: 2 }));
    assert.equal(recorded.bodies.length, 3);
    assert.deepEqual(collected.coverage.gaps, [
      {
        tenantId: "t1",
        scope: [sub(1)],
        query: "clusters",
        code: "ServiceUnavailable",
        message: "still busy",
      },
    ]);
  });

  // The SDK's own retry policy would resend a 503 with Retry-After and a reset socket; ours must be the only one.
  const oneRequestPerAttempt: readonly { name: string; maxRetries: number; requests: number }[] = [
    { name: "without retries", maxRetries: 0, requests: 1 },
    { name: "with two retries", maxRetries: 2, requests: 3 },
  ];
  for (const { name, maxRetries, requests } of oneRequestPerAttempt) {
    it(`sends one HTTP request per attempt on a 503 with Retry-After, ${name}`, async () => {
      const clock = fakeClock();
      const recorded = graph(clock, () => [
        503,
        armError("ServiceUnavailable", "busy"),
        { "retry-after": "1" },
      ]);
      const collected = await collectResourceGraph(options(clock, { maxRetries }));
      assert.equal(recorded.bodies.length, requests);
      assert.equal(clock.sleeps.length, maxRetries);
      assert.deepEqual(
        collected.coverage.gaps.map((gap) => gap.code),
        ["ServiceUnavailable"],
      );
    });
  }

  it("sends one HTTP request when the socket is reset and retries are off", async () => {
    const clock = fakeClock();
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const failed = nock(publicArm).post(resourcesPath).query(true).replyWithError(reset);
    const spare = nock(publicArm).post(resourcesPath).query(true).reply(200, page([]));
    const collected = await collectResourceGraph(options(clock, { maxRetries: 0 }));
    assert.ok(failed.isDone());
    assert.equal(spare.isDone(), false);
    assert.deepEqual(
      collected.coverage.gaps.map((gap) => gap.code),
      ["ECONNRESET"],
    );
  });

  it("retries a 502 whose body is a gateway's HTML page", async () => {
    const clock = fakeClock();
    nock(publicArm)
      .post(resourcesPath)
      .query(true)
      .reply(502, "<html>Bad Gateway</html>", { "content-type": "text/html" });
    nock(publicArm)
      .post(resourcesPath)
      .query(true)
      .reply(200, page([cluster(clusterId(1))]));
    const collected = await collectResourceGraph(options(clock));
    assert.equal(collected.rows.length, 1);
    assert.equal(clock.sleeps.length, 1);
  });

  it("ends a tenant without a token before any request", async () => {
    const clock = fakeClock();
    const recorded = graph(clock, () => [200, page([])]);
    const credentialFactory = (): TokenCredential => ({
      getToken: () => Promise.reject(new Error("az login first")),
    });
    const collected = await collectResourceGraph(options(clock, { credentialFactory }));
    assert.equal(recorded.bodies.length, 0);
    assert.deepEqual(
      collected.coverage.gaps.map((gap) => [gap.code, gap.message]),
      [["credentialUnavailable", "az login first"]],
    );
  });

  it("keeps the other tenant complete when one tenant answers 403", async () => {
    const clock = fakeClock();
    graph(clock, (_body, _index, request) =>
      request.headers.get("authorization") === "Bearer token-t2"
        ? [403, armError("AuthorizationFailed", "The client has no access")]
        : [200, page([cluster(clusterId(1)), cluster(clusterId(2))])],
    );
    const tenants = [
      { tenantId: "t1", subscriptions: [sub(1)] },
      { tenantId: "t2", subscriptions: [sub(2)] },
    ];
    const collected = await collectResourceGraph(options(clock, { tenants }));
    assert.equal(collected.rows.length, 2);
    assert.ok(collected.rows.every((row) => row.source.origin === "resource-graph:t1/clusters"));
    assert.equal(collected.coverage.complete, false);
    assert.deepEqual(
      collected.coverage.gaps.map((gap) => [gap.tenantId, gap.code]),
      [["t2", "AuthorizationFailed"]],
    );
  });

  it("records a KQL error as a gap naming the query and Azure's message", async () => {
    const clock = fakeClock();
    const details = [
      { code: "InvalidQuery", message: "Query is invalid. Please refer to the documentation." },
    ];
    graph(clock, () => [
      400,
      armError("BadRequest", "Please provide below info when asking for support", details),
    ]);
    const collected = await collectResourceGraph(options(clock));
    assert.equal(collected.coverage.gaps.length, 1);
    const gap = collected.coverage.gaps[0]!;
    assert.equal(gap.query, "clusters");
    assert.equal(gap.code, "BadRequest");
    assert.match(gap.message, /InvalidQuery: Query is invalid/);
    assert.equal(clock.sleeps.length, 0);
    assert.deepEqual(collected.coverage.tables, []);
  });

  it("halves $top when the response is too large", async () => {
    const clock = fakeClock();
    const tooLarge: Reply = [
      400,
      armError("BadRequest", "too big", [{ code: "ResponsePayloadTooLarge", message: "size" }]),
    ];
    const recorded = graph(clock, (_body, index) =>
      index < 2 ? tooLarge : [200, page([cluster(clusterId(1))])],
    );
    const collected = await collectResourceGraph(options(clock));
    assert.deepEqual(
      recorded.bodies.map((body) => body.options?.$top),
      [1000, 500, 250],
    );
    assert.equal(collected.rows.length, 1);
  });

  it("records resultTruncated and the tenant subscription limit as gaps", async () => {
    const clock = fakeClock();
    graph(clock, (body) =>
      body.query.includes("resourcecontainers")
        ? [
            200,
            page([{ id: `/subscriptions/${sub(1)}`, subscriptionId: sub(1) }]),
            { "x-ms-tenant-subscription-limit-hit": "true" },
          ]
        : [200, page([cluster(clusterId(1))], undefined, "true")],
    );
    const collected = await collectResourceGraph(options(clock, { tenants: [{ tenantId: "t1" }] }));
    assert.deepEqual(
      collected.coverage.gaps.map((gap) => [gap.code, gap.query]),
      [
        ["resultTruncated", "clusters"],
        ["tenantSubscriptionLimitHit", undefined],
      ],
    );
    assert.equal(collected.rows.length, 1);
  });

  it("discovers subscriptions when none are given and scopes the queries with them", async () => {
    const clock = fakeClock();
    const recorded = graph(clock, (body) =>
      body.query.includes("resourcecontainers")
        ? [200, page([1, 2].map((n) => ({ id: `/subscriptions/${sub(n)}`, subscriptionId: sub(n) })))]
        : [200, page([])],
    );
    const collected = await collectResourceGraph(options(clock, { tenants: [{ tenantId: "t1" }] }));
    assert.equal(recorded.bodies[0]?.subscriptions, undefined);
    assert.deepEqual(recorded.bodies[1]?.subscriptions, [sub(1), sub(2)]);
    assert.deepEqual(collected.coverage.scopes, [{ tenantId: "t1", subscriptions: [sub(1), sub(2)] }]);
  });

  it("sends management groups one a request, never with subscriptions", async () => {
    const clock = fakeClock();
    const recorded = graph(clock, () => [200, page([])]);
    await collectResourceGraph(
      options(clock, { tenants: [{ tenantId: "t1", managementGroups: ["mg-a", "mg-b"] }] }),
    );
    assert.deepEqual(
      recorded.bodies.map((body) => [body.managementGroups, body.subscriptions]),
      [
        [["mg-a"], undefined],
        [["mg-b"], undefined],
      ],
    );
  });

  it("asks for the US Government scope and calls management.usgovcloudapi.net with --cloud usgov", async () => {
    const clock = fakeClock();
    const credentials = fakeCredentials();
    const recorded = graph(
      clock,
      () => [200, page([cluster(clusterId(1))])],
      "https://management.usgovcloudapi.net",
    );
    const collected = await collectResourceGraph(
      options(clock, { cloud: resolveCloud("usgov"), credentialFactory: credentials.factory }),
    );
    assert.equal(collected.rows.length, 1);
    assert.deepEqual(credentials.scopes, ["https://management.usgovcloudapi.net/.default"]);
    assert.deepEqual(recorded.auth, ["Bearer token-t1"]);
  });

  it("asks for inherited role assignments: authorizationScopeFilter AtScopeAboveAndBelow on every page of authorizationresources only", async () => {
    const clock = fakeClock();
    const queries = (await loadInventoryQueries()).filter((query) =>
      ["role-assignments", "role-definitions", "clusters"].includes(query.name),
    );
    const recorded = graph(clock, (body) =>
      body.options?.$skipToken === undefined &&
      body.query.startsWith("//") &&
      body.query.includes("Role assignments")
        ? [200, page([], "page-2")]
        : [200, page([])],
    );
    await collectResourceGraph(options(clock, { queries }));
    const filterOf = (body: GraphRequestBody): unknown =>
      (body.options as Record<string, unknown> | undefined)?.authorizationScopeFilter;
    // Queries run concurrently, so the requests are compared in a fixed order rather than as sent.
    const byTable = recorded.bodies
      .map((body) => [
        /^\/\/[^\n]*\n(\w+)/.exec(body.query)?.[1],
        body.options?.$skipToken ?? "",
        filterOf(body),
      ])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(byTable, [
      ["authorizationresources", "", "AtScopeAboveAndBelow"],
      ["authorizationresources", "", "AtScopeAboveAndBelow"],
      ["authorizationresources", "page-2", "AtScopeAboveAndBelow"],
      ["resources", "", undefined],
    ]);
  });

  it("counts rows end to end over every inventory query", async () => {
    const clock = fakeClock();
    const queries = await loadInventoryQueries();
    graph(clock, (body) => {
      const query = queries.find((candidate) => candidate.kql === body.query)!;
      return [200, page([1, 2].map((n) => ({ id: `/x/${query.name}/${n}`, type: query.table })))];
    });
    const collected = await collectResourceGraph(options(clock, { queries }));
    assert.equal(collected.rows.length, queries.length * 2);
    assert.deepEqual(collected.coverage.tables, [
      "authorizationresources",
      "networkresources",
      "resourcechanges",
      "resourcecontainers",
      "resources",
    ]);
    const perTable = Object.groupBy(collected.rows, (row) => row.table);
    assert.equal(perTable.networkresources?.length, 2);
    assert.equal(perTable.authorizationresources?.length, 4);
    assert.equal(perTable.resourcecontainers?.length, 2);
  });
});
