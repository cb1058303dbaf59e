import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { maskSubscriptions, runExportCommand } from "../../src/cli/export.ts";
import { graphQuery, loadInventoryQueries } from "../../src/collect/queries.ts";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import { normalize } from "../../src/inventory/normalize.ts";
import type { SnapshotFile } from "../../src/collect/source.ts";
import {
  blockNetwork,
  fakeClock,
  fakeCredentials,
  page,
  publicArm,
  resourcesPath,
} from "../collect/fakes.ts";

const subscription = "0a1b2c3d-0000-4000-8000-1234567890ab";
const clusterId = `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`;

describe("runExportCommand", () => {
  let folder = "";
  beforeEach(async () => {
    blockNetwork();
    folder = await mkdtemp(join(tmpdir(), "export-"));
  });
  afterEach(async () => {
    nock.cleanAll();
    await rm(folder, { recursive: true, force: true });
  });

  for (const mask of [false, true]) {
    it(`writes a replayable snapshot${mask ? " with masked subscriptions" : ""}`, async () => {
      nock(publicArm)
        .post(resourcesPath)
        .query(true)
        .times(2)
        .reply(async (request: Request) => {
          const { query } = (await request.json()) as { query: string };
          const table = query.startsWith("networkresources") ? "networkresources" : "resources";
          return [200, page([{ id: `${clusterId}/${table}`, subscriptionId: subscription }])];
        });
      const out = join(folder, "snapshot.json");
      const code = await runExportCommand({
        out,
        mask,
        tenants: [{ tenantId: "t1", subscriptions: [subscription] }],
        queries: [graphQuery("clusters", "resources"), graphQuery("groups", "networkresources")],
        credentialFactory: fakeCredentials().factory,
        clock: fakeClock(),
        now: () => new Date("2026-01-02T03:04:05Z"),
      });
      assert.equal(code, 0);
      const text = await readFile(out, "utf8");
      const snapshot = JSON.parse(text) as SnapshotFile;
      assert.equal(snapshot.kind, "aks-vnet-audit-snapshot");
      assert.equal(snapshot.exportedAt, "2026-01-02T03:04:05.000Z");
      assert.deepEqual(Object.keys(snapshot.tables).sort(), ["networkresources", "resources"]);
      assert.equal(snapshot.coverage.complete, true);
      assert.equal(text.includes(subscription), !mask);
      if (mask) assert.match(text, /\/subscriptions\/00000000-0000-0000-0000-000000000001\/resourceGroups/);
    });
  }

  it("writes resourcecontainers subscription rows that scan --input reads back as the same subscriptions", async () => {
    const example = JSON.parse(
      await readFile(
        new URL("../fixtures/arg-resourcecontainers-subscriptions.json", import.meta.url),
        "utf8",
      ),
    ) as { data: unknown[] };
    nock(publicArm).post(resourcesPath).query(true).reply(200, page(example.data));
    const subscriptionsQuery = (await loadInventoryQueries()).find((query) => query.name === "subscriptions");
    assert.ok(subscriptionsQuery);
    const out = join(folder, "snapshot.json");
    const code = await runExportCommand({
      out,
      tenants: [{ tenantId: "t1", subscriptions: ["291bba3f-e0a5-47bc-a099-3bdcb2a50a05"] }],
      queries: [subscriptionsQuery],
      credentialFactory: fakeCredentials().factory,
      clock: fakeClock(),
    });
    assert.equal(code, 0);
    const snapshot = JSON.parse(await readFile(out, "utf8")) as SnapshotFile;
    assert.deepEqual(Object.keys(snapshot.tables), ["resourcecontainers"]);
    const replayed = await readSnapshot([out]);
    assert.deepEqual(replayed.coverage.tables, ["resourcecontainers"]);
    const fromSnapshot = normalize(replayed.rows).subscriptions;
    const live = normalize(
      example.data.map((value, row) => ({
        table: "resourcecontainers",
        value,
        source: { origin: "live", row },
      })),
    ).subscriptions;
    assert.equal(fromSnapshot.size, 1);
    const strip = (map: typeof live) =>
      [...map.values()].map((subscription) => ({ ...subscription, source: undefined }));
    assert.deepEqual(strip(fromSnapshot), strip(live));
  });

  it("masks the same subscription the same way and leaves other GUIDs alone", () => {
    const other = "99999999-9999-4999-8999-999999999999";
    const text = `${subscription} ${subscription.toUpperCase()} ${other}`;
    assert.equal(
      maskSubscriptions(text, new Set([subscription])),
      `00000000-0000-0000-0000-000000000001 00000000-0000-0000-0000-000000000001 ${other}`,
    );
  });
});
