// The Resource Graph simulator pages, scopes by subscription, throttles with Azure's headers, and feeds the real collector.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request } from "node:https";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { CollectReport, CollectRequest } from "../../bench/collect.ts";
import { generateFleet } from "../../bench/fleet.ts";
import { formatResetsAfter, startSimulator } from "../../bench/simulator.ts";
import type { Simulator } from "../../bench/simulator.ts";

const fleetRequest = { seed: 3, clusters: 24, tenants: 2 };
const fleet = generateFleet(fleetRequest);
const [tenant] = fleet.tenants;
const clustersQuery =
  "resources\n| where type =~ 'microsoft.containerservice/managedclusters'\n| order by id asc";
let simulator: Simulator;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  // The answer's JSON, read field by field in each test.
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function post(body: unknown, token = tenant!.tenantId): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(
      "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01",
      simulator.endpoint,
    );
    const call = request(
      url,
      {
        method: "POST",
        ca: simulator.certificate.cert,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
          });
        });
      },
    );
    call.on("error", reject);
    call.end(JSON.stringify(body));
  });
}

describe("Resource Graph simulator", () => {
  before(async () => {
    simulator = await startSimulator({ fleet, quota: 6, windowMs: 400 });
  });
  after(async () => {
    await simulator.close();
  });

  it("formats the reset as hh:mm:ss with milliseconds", () => {
    assert.equal(formatResetsAfter(4250), "00:00:04.250");
    assert.equal(formatResetsAfter(3_725_000), "01:02:05.000");
  });

  it("pages with $top and $skipToken, every cluster of the tenant once, in id order", async () => {
    const ids: string[] = [];
    let skipToken: string | undefined;
    do {
      const answer = await post({
        query: clustersQuery,
        subscriptions: tenant!.subscriptions,
        options: { $top: 5, ...(skipToken ? { $skipToken: skipToken } : {}) },
      });
      assert.equal(answer.status, 200);
      ids.push(...answer.body.data.map((row: { id: string }) => row.id));
      skipToken = answer.body.$skipToken;
      await new Promise((resolve) => setTimeout(resolve, 70));
    } while (skipToken);
    const expected = tenant!.tables.resources
      .filter((row) => row.type === "microsoft.containerservice/managedclusters")
      .map((row) => row.id);
    assert.deepEqual([...ids].sort(), [...expected].sort());
    assert.ok(ids.length > 5);
  });

  it("answers only the subscriptions asked for and visible to the principal", async () => {
    await new Promise((resolve) => setTimeout(resolve, 450));
    const [first] = tenant!.subscriptions;
    const other = fleet.tenants[1]!.subscriptions[0]!;
    const answer = await post({
      query: clustersQuery,
      subscriptions: [first, other],
      options: { $top: 1000 },
    });
    assert.equal(answer.status, 200);
    assert.ok(answer.body.data.length > 0);
    assert.deepEqual(
      new Set(answer.body.data.map((row: { subscriptionId: string }) => row.subscriptionId)),
      new Set([first]),
    );
  });

  it("returns 429 RateLimiting with the quota headers once the window's quota is spent", async () => {
    await new Promise((resolve) => setTimeout(resolve, 450));
    const answers: Answer[] = [];
    for (let index = 0; index < 7; index++)
      answers.push(
        await post({ query: clustersQuery, subscriptions: tenant!.subscriptions, options: { $top: 1 } }),
      );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200, 200, 200, 200, 429],
    );
    assert.deepEqual(
      answers.map((answer) => answer.headers["x-ms-user-quota-remaining"]),
      ["5", "4", "3", "2", "1", "0", "0"],
    );
    assert.equal(answers[6]!.body.error.code, "RateLimiting");
    assert.match(String(answers[6]!.headers["x-ms-user-quota-resets-after"]), /^00:00:00\.\d{3}$/);
    const otherTenant = await post(
      { query: clustersQuery, options: { $top: 1 } },
      fleet.tenants[1]!.tenantId,
    );
    assert.equal(otherTenant.status, 200, "each principal has its own quota");
  });

  it("lets collectResourceGraph read every row exactly once through the throttling", async () => {
    await new Promise((resolve) => setTimeout(resolve, 450));
    const before = { ...simulator.stats };
    const collectRequest: CollectRequest = { ...fleetRequest, endpoint: simulator.endpoint, scanTenants: 2 };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [new URL("../../bench/collect.ts", import.meta.url).pathname, JSON.stringify(collectRequest)],
      {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: simulator.certificate.certFile },
      },
    );
    const report = JSON.parse(stdout) as CollectReport;
    assert.deepEqual(
      { lost: report.lost, duplicated: report.duplicated, gaps: report.gaps },
      { lost: 0, duplicated: 0, gaps: [] },
    );
    assert.ok(report.rows > 24);
    assert.ok(report.minimumRequests > 6, "more pages than one window's quota");
    assert.equal(
      simulator.stats.requests - simulator.stats.throttled - (before.requests - before.throttled),
      report.minimumRequests,
    );
  });
});
