// Live scans through the CLI against a Resource Graph mocked with nock: coverage gaps, and export → replay equality.
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import nock from "nock";
import { matches, rowFilter } from "../../bench/kql.ts";
import { main } from "../../src/cli/main.ts";
import {
  armError,
  blockNetwork,
  fakeClock,
  fakeCredentials,
  publicArm,
  resourcesPath,
} from "../collect/fakes.ts";

type Row = Readonly<Record<string, unknown>> & {
  readonly id: string;
  readonly type?: string;
  readonly tenantId?: string;
  readonly subscriptionId?: string;
};

const fleetFolder = new URL("../../examples/demo-fleet/fleet/", import.meta.url);

/** The demo fleet's rows per ARG table, as a live tenant would hold them. */
async function demoTables(): Promise<Map<string, Row[]>> {
  const tables = new Map<string, Row[]>();
  for (const file of (await readdir(fleetFolder)).filter((name) => name.endsWith(".json")).sort()) {
    const content = JSON.parse(await readFile(new URL(file, fleetFolder), "utf8")) as Record<string, Row[]>;
    for (const [table, rows] of Object.entries(content))
      tables.set(table, [...(tables.get(table) ?? []), ...rows]);
  }
  return tables;
}

interface GraphBody {
  readonly query: string;
  readonly subscriptions?: readonly string[];
  readonly options?: { readonly $top?: number; readonly $skipToken?: string };
}

/**
 * Answers every Resource Graph request from the tables: tenant from the fake token, the query's table and type
 * filter, the request's subscriptions, pages of `$top` rows with an offset skip token.
 */
function serveFleet(tables: Map<string, Row[]>, failingTenant?: string): void {
  const subscriptionRows = (tenantId: string): Row[] =>
    [
      ...new Set(
        [...tables.values()]
          .flat()
          .filter((r) => r.tenantId === tenantId)
          .map((r) => r.subscriptionId ?? ""),
      ),
    ]
      .filter(Boolean)
      .map((subscriptionId) => ({
        id: `/subscriptions/${subscriptionId}`,
        type: "microsoft.resources/subscriptions",
        tenantId,
        subscriptionId,
      }));
  nock(publicArm)
    .persist()
    .post(resourcesPath)
    .query(true)
    // nock 15 hands reply functions the fetch Request.
    .reply(async (request: Request) => {
      const tenantId = (request.headers.get("authorization") ?? "").replace(/^Bearer token-/, "");
      if (tenantId === failingTenant)
        return [403, armError("AuthorizationFailed", `The client has no access to tenant ${tenantId}.`)];
      const body = (await request.json()) as GraphBody;
      const filter = rowFilter(body.query);
      const asked = new Set((body.subscriptions ?? []).map((id) => id.toLowerCase()));
      const source =
        filter.table === "resourcecontainers" ? subscriptionRows(tenantId) : (tables.get(filter.table) ?? []);
      const rows = source.filter(
        (row) =>
          row.tenantId === tenantId &&
          (asked.size === 0 || asked.has(String(row.subscriptionId).toLowerCase())) &&
          matches(filter, row),
      );
      const top = body.options?.$top ?? 1000;
      const offset = Number(body.options?.$skipToken ?? "0");
      const data = rows.slice(offset, offset + top);
      const next = offset + top < rows.length ? String(offset + top) : undefined;
      return [
        200,
        {
          totalRecords: rows.length,
          count: data.length,
          resultTruncated: "false",
          data,
          ...(next ? { $skipToken: next } : {}),
        },
        { "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" },
      ];
    });
}

const contoso = "11111111-1111-4111-8111-111111111111";
const fabrikam = "22222222-2222-4222-8222-222222222222";

interface Findings {
  coverage: { complete: boolean; gaps: { tenantId?: string; code: string; message: string }[] };
  results: {
    ruleId: string;
    status: string;
    severity: string;
    resourceId: string;
    detail: string;
    fingerprint: string;
  }[];
}

async function findings(out: string): Promise<Findings> {
  return JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as Findings;
}

function dependencies(): Parameters<typeof main>[1] {
  return { credentialFactory: fakeCredentials().factory, clock: fakeClock(), random: () => 0.5 };
}

describe("scan against live Resource Graph (mocked)", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("reports a tenant that answers 403 as a coverage gap, keeps the other tenant whole, and exits 3", async () => {
    const tables = await demoTables();
    serveFleet(tables, fabrikam);
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-live-"));
    const code = await main(
      ["scan", "--tenant", contoso, "--tenant", fabrikam, "--out", out, "--no-verify", "--quiet"],
      dependencies(),
    );
    assert.equal(code, 3);
    const result = await findings(out);
    assert.equal(result.coverage.complete, false);
    const gap = result.coverage.gaps.find((g) => g.tenantId === fabrikam);
    assert.equal(gap?.code, "AuthorizationFailed");
    assert.ok(
      result.coverage.gaps.every((g) => g.tenantId === fabrikam),
      "only the failing tenant has gaps",
    );
    const contosoClusters = (tables.get("resources") ?? []).filter(
      (r) => r.tenantId === contoso && r.type === "microsoft.containerservice/managedclusters",
    );
    const scanned = result.results.filter((r) => r.ruleId === "cluster-not-vnet-integrated");
    assert.equal(scanned.length, contosoClusters.length, "every cluster of the answering tenant is analyzed");
    const html = await readFile(join(out, "report.html"), "utf8");
    assert.match(html, /Incomplete scan/);
    assert.match(html, /AuthorizationFailed/);
  });

  it("gives the same results as scan --input on the snapshot that export wrote", async () => {
    const tables = await demoTables();
    const folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-replay-"));
    const liveOut = join(folder, "live");
    const replayOut = join(folder, "replay");
    const snapshot = join(folder, "fleet-snapshot.json");
    const tenants = ["--tenant", contoso, "--tenant", fabrikam];

    serveFleet(tables);
    assert.equal(
      await main(
        ["scan", ...tenants, "--out", liveOut, "--no-history", "--no-verify", "--format", "json", "--quiet"],
        dependencies(),
      ),
      0,
    );
    assert.equal(await main(["export", ...tenants, "--out", snapshot], dependencies()), 0);
    nock.cleanAll();
    assert.equal(
      await main([
        "scan",
        "--input",
        snapshot,
        "--out",
        replayOut,
        "--no-history",
        "--format",
        "json",
        "--quiet",
      ]),
      0,
    );

    const key = (r: Findings["results"][number]): string =>
      [r.ruleId, r.status, r.severity, r.resourceId.toLowerCase(), r.detail, r.fingerprint].join("|");
    const live = (await findings(liveOut)).results.map(key).sort();
    const replay = (await findings(replayOut)).results.map(key).sort();
    assert.ok(live.length > 100, `the fleet produced ${live.length} results`);
    assert.deepEqual(replay, live);
  });
});
