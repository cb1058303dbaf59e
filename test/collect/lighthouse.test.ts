// Azure Lighthouse: delegated subscriptions are discovered, keep their own tenant, are read once per run, and say so.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import nock from "nock";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveCloud } from "../../src/collect/clouds.ts";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import type { SnapshotFile } from "../../src/collect/source.ts";
import { claimSubscriptions } from "../../src/collect/lighthouse.ts";
import type { DiscoveredSubscription, TenantReach } from "../../src/collect/lighthouse.ts";
import { graphQuery } from "../../src/collect/queries.ts";
import { collectResourceGraph } from "../../src/collect/resource-graph.ts";
import { createManagedClusterReaders, verifyClusters } from "../../src/collect/verify.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import { sampleRules, sampleRun } from "../report/sample-run.ts";
import { blockNetwork, fakeClock, fakeCredentials } from "./fakes.ts";
import { serveEstate } from "./estate.ts";

const managing = "aaaaaaaa-0000-4000-8000-000000000001";
const customer = "bbbbbbbb-0000-4000-8000-000000000002";
const second = "cccccccc-0000-4000-8000-000000000003";
const ownSubscription = "aaaaaaaa-1111-4111-8111-000000000001";
const delegatedSubscription = "bbbbbbbb-1111-4111-8111-000000000002";

describe("claimSubscriptions", () => {
  const own = (subscriptionId: string, tenantId: string): DiscoveredSubscription => ({
    subscriptionId,
    tenantId,
  });
  const cases: { name: string; reaches: TenantReach[]; expected: string[][] }[] = [
    {
      name: "one managing tenant keeps its own and the delegated subscription",
      reaches: [{ tenantId: managing, subscriptions: [own("s-own", managing), own("s-cust", customer)] }],
      expected: [["s-own", "s-cust"]],
    },
    {
      name: "the customer's own tenant, scanned too, reads its subscription, even when listed after",
      reaches: [
        { tenantId: managing, subscriptions: [own("s-own", managing), own("S-CUST", customer)] },
        { tenantId: customer, subscriptions: [own("s-cust", customer)] },
      ],
      expected: [["s-own"], ["s-cust"]],
    },
    {
      name: "two managing tenants: the first in the order given reads it, whatever answered first",
      reaches: [
        { tenantId: second, subscriptions: [own("s-cust", customer)] },
        { tenantId: managing, subscriptions: [own("s-cust", customer)] },
      ],
      expected: [["s-cust"], []],
    },
    {
      name: "a customer tenant that could not sign in leaves its subscription to the delegation",
      reaches: [
        { tenantId: customer, subscriptions: [] },
        { tenantId: managing, subscriptions: [own("s-cust", customer)] },
      ],
      expected: [[], ["s-cust"]],
    },
    {
      name: "a subscription listed twice by one tenant is read once",
      reaches: [{ tenantId: managing, subscriptions: [own("s-own", managing), own("S-OWN", managing)] }],
      expected: [["s-own"]],
    },
  ];
  for (const { name, reaches, expected } of cases) {
    it(name, () => {
      assert.deepEqual(
        claimSubscriptions(reaches).map((kept) => kept.map((subscription) => subscription.subscriptionId)),
        expected,
      );
    });
  }
});

function subscriptionRow(subscriptionId: string, tenantId: string) {
  return {
    id: `/subscriptions/${subscriptionId}`,
    type: "microsoft.resources/subscriptions",
    tenantId,
    subscriptionId,
  };
}

function clusterId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`;
}

function clusterRow(subscriptionId: string, tenantId: string) {
  return {
    id: clusterId(subscriptionId),
    type: "microsoft.containerservice/managedclusters",
    tenantId,
    subscriptionId,
  };
}

const tables = {
  resourcecontainers: [
    subscriptionRow(ownSubscription, managing),
    subscriptionRow(delegatedSubscription, customer),
  ],
  resources: [clusterRow(ownSubscription, managing), clusterRow(delegatedSubscription, customer)],
};

const credentials = fakeCredentials();

async function scan(tenants: readonly string[]) {
  return collectResourceGraph({
    tenants: tenants.map((tenantId) => ({ tenantId })),
    queries: [
      graphQuery(
        "clusters",
        "// clusters\nresources\n| where type =~ 'microsoft.containerservice/managedclusters'",
      ),
    ],
    credentialFactory: credentials.factory,
    clock: fakeClock(),
    random: () => 0.5,
  });
}

describe("Azure Lighthouse, live", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("discovers the delegated subscription, keeps each row's own tenant and says where it is delegated from", async () => {
    serveEstate({ tables, delegations: { [managing]: [customer] } });
    const collected = await scan([managing]);
    assert.deepEqual(collected.coverage.scopes, [
      {
        tenantId: managing,
        subscriptions: [ownSubscription, delegatedSubscription],
        delegatedSubscriptions: [{ subscriptionId: delegatedSubscription, tenantId: customer }],
      },
    ]);
    assert.deepEqual(
      collected.rows.map((row) => (row.value as { tenantId: string }).tenantId),
      [managing, customer],
    );
    assert.equal(collected.coverage.complete, true);
  });

  it("reads a subscription once when its own tenant is scanned too: there, not through the delegation", async () => {
    const log = serveEstate({ tables, delegations: { [managing]: [customer] } });
    const collected = await scan([managing, customer]);
    const scopes = new Map(collected.coverage.scopes.map((scope) => [scope.tenantId, scope]));
    assert.deepEqual(scopes.get(managing)?.subscriptions, [ownSubscription]);
    assert.equal(scopes.get(managing)?.delegatedSubscriptions, undefined);
    assert.deepEqual(scopes.get(customer)?.subscriptions, [delegatedSubscription]);
    const askedFor = (subscriptionId: string) =>
      log.graphBodies.filter(({ body }) =>
        (body.subscriptions as string[] | undefined)?.includes(subscriptionId),
      );
    assert.deepEqual(
      askedFor(delegatedSubscription).map(({ tenantId }) => tenantId),
      [customer],
    );
    assert.equal(collected.rows.length, 2);
  });

  it("two managing tenants that both see a customer subscription: the first given reads it, the other has no gap", async () => {
    const log = serveEstate({
      tables: {
        ...tables,
        resourcecontainers: [
          ...tables.resourcecontainers,
          subscriptionRow("cccccccc-1111-4111-8111-000000000003", second),
        ],
      },
      delegations: { [managing]: [customer], [second]: [customer] },
    });
    const collected = await scan([second, managing]);
    const holders = collected.coverage.scopes.filter((scope) =>
      scope.subscriptions?.includes(delegatedSubscription),
    );
    assert.deepEqual(
      holders.map((scope) => scope.tenantId),
      [second],
    );
    assert.deepEqual(collected.coverage.gaps, []);
    const readers = log.graphBodies
      .filter(({ body }) => (body.subscriptions as string[] | undefined)?.includes(delegatedSubscription))
      .map(({ tenantId }) => tenantId);
    assert.deepEqual(readers, [second]);
  });

  it("verifies a delegated cluster by ARM GET with the managing tenant's credential, its row keeping the customer's tenant", async () => {
    const arm = new Map([
      [
        clusterId(delegatedSubscription).toLowerCase(),
        { id: clusterId(delegatedSubscription), properties: {} },
      ],
    ]);
    const log = serveEstate({ tables, delegations: { [managing]: [customer] }, arm });
    const collected = await scan([managing]);
    const verified = await verifyClusters(
      collected.rows,
      [clusterId(delegatedSubscription)],
      createManagedClusterReaders({
        cloud: resolveCloud("public"),
        credentialFor: (tenantId) => credentials.factory(tenantId, "default"),
        clock: fakeClock(),
      }),
    );
    assert.deepEqual(verified.diagnostics, []);
    assert.deepEqual(log.armTenants, [managing]);
    const row = verified.rows.find((candidate) => candidate.source.origin.startsWith("arm:"));
    assert.equal((row?.value as { tenantId?: string } | undefined)?.tenantId, customer);
  });
});

describe("Azure Lighthouse in the report scope", () => {
  it('says "delegated from tenant X" for each delegating tenant', () => {
    const run = sampleRun();
    const scoped = {
      ...run,
      coverage: {
        ...run.coverage,
        scopes: [
          {
            tenantId: managing,
            subscriptions: [ownSubscription, delegatedSubscription, "dddddddd-1111-4111-8111-000000000004"],
            delegatedSubscriptions: [
              { subscriptionId: delegatedSubscription, tenantId: customer },
              { subscriptionId: "dddddddd-1111-4111-8111-000000000004", tenantId: customer },
            ],
          },
        ],
      },
    };
    assert.deepEqual(buildReportView(scoped, { rules: sampleRules }).header.scopes, [
      `tenant ${managing}: subscriptions ${ownSubscription}, ${delegatedSubscription}, dddddddd-1111-4111-8111-000000000004: ${delegatedSubscription}, dddddddd-1111-4111-8111-000000000004 delegated from tenant ${customer}`,
    ]);
  });
});

describe("Azure Lighthouse in a snapshot", () => {
  it("an export's delegated subscriptions come back with `scan --input`", async () => {
    const scope = {
      tenantId: managing,
      subscriptions: [ownSubscription, delegatedSubscription],
      delegatedSubscriptions: [{ subscriptionId: delegatedSubscription, tenantId: customer }],
    };
    const snapshot: SnapshotFile = {
      kind: "aks-vnet-audit-snapshot",
      schemaVersion: 1,
      exportedAt: "2026-12-01T00:00:00.000Z",
      coverage: { complete: true, scopes: [scope], gaps: [], tables: ["resources"] },
      tables: { resources: tables.resources },
    };
    const file = join(await mkdtemp(join(tmpdir(), "lighthouse-")), "export.json");
    await writeFile(file, JSON.stringify(snapshot));
    const collected = await readSnapshot([file]);
    assert.deepEqual(collected.coverage.scopes, [{ file }, scope]);
  });
});
