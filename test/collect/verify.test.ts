import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import type { RawRow } from "../../src/inventory/model.ts";
import {
  clustersLackingApiServerProfile,
  createManagedClusterReaders,
  verifyClusters,
} from "../../src/collect/verify.ts";
import { resolveCloud } from "../../src/collect/clouds.ts";
import { armError, blockNetwork, fakeClock, fakeCredentials, publicArm } from "./fakes.ts";

const subscription = "11111111-1111-1111-1111-111111111111";
const clusterPath = (name: string): string =>
  `/subscriptions/${subscription}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`;

function row(value: Record<string, unknown>, index: number): RawRow {
  return { table: "resources", value, source: { origin: "resource-graph:t1/clusters", row: index } };
}

const staleRow = row(
  {
    id: clusterPath("aks-1"),
    type: "microsoft.containerservice/managedclusters",
    tenantId: "t1",
    properties: {},
  },
  0,
);
const freshRow = row(
  {
    id: clusterPath("aks-2"),
    type: "Microsoft.ContainerService/managedClusters",
    tenantId: "t1",
    properties: { apiServerAccessProfile: { enableVnetIntegration: false } },
  },
  1,
);

describe("verifyClusters", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("picks cluster rows that lack apiServerAccessProfile", () => {
    assert.deepEqual(clustersLackingApiServerProfile([staleRow, freshRow]), [clusterPath("aks-1")]);
  });

  it("replaces a stale Resource Graph row with the ARM GET body", async () => {
    const armBody = {
      id: clusterPath("aks-1"),
      name: "aks-1",
      type: "Microsoft.ContainerService/ManagedClusters",
      location: "westeurope",
      systemData: { createdAt: "2025-07-01T10:00:00Z" },
      properties: {
        apiServerAccessProfile: { enableVnetIntegration: true, subnetId: "" },
        powerState: { code: "Running" },
      },
    };
    const scope = nock(publicArm).get(clusterPath("aks-1")).query(true).reply(200, armBody);
    const credentials = fakeCredentials();
    const readers = createManagedClusterReaders({
      cloud: resolveCloud("public"),
      credentialFor: (tenantId) => credentials.factory(tenantId, "default"),
    });
    const verified = await verifyClusters([staleRow, freshRow], [clusterPath("AKS-1")], readers);
    assert.ok(scope.isDone());
    assert.deepEqual(verified.rows[0]?.value, {
      ...armBody,
      type: "microsoft.containerservice/managedclusters",
      tenantId: "t1",
      subscriptionId: subscription,
      resourceGroup: "rg-aks",
    });
    assert.equal(verified.rows[1], freshRow);
    assert.deepEqual(verified.diagnostics, []);
    assert.deepEqual(credentials.scopes, ["https://management.azure.com/.default"]);
  });

  it("keeps the Resource Graph row and reports a diagnostic when the GET fails", async () => {
    nock(publicArm).get(clusterPath("aks-1")).query(true).reply(404, armError("ResourceNotFound", "gone"));
    const readers = createManagedClusterReaders({
      cloud: resolveCloud("public"),
      credentialFor: (tenantId) => fakeCredentials().factory(tenantId, "default"),
    });
    const verified = await verifyClusters([staleRow], [clusterPath("aks-1")], readers);
    assert.equal(verified.rows[0], staleRow);
    assert.deepEqual(
      verified.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.resourceId]),
      [["arm-verification-failed", clusterPath("aks-1")]],
    );
  });

  it("asks for the cloud's scope and retries a 503 itself, one request per attempt", async () => {
    const usgovArm = "https://management.usgovcloudapi.net";
    const scope = nock(usgovArm)
      .get(clusterPath("aks-1"))
      .query(true)
      .reply(503, armError("ServiceUnavailable", "busy"))
      .get(clusterPath("aks-1"))
      .query(true)
      .reply(200, { id: clusterPath("aks-1"), properties: { apiServerAccessProfile: {} } });
    const credentials = fakeCredentials();
    const clock = fakeClock();
    const readers = createManagedClusterReaders({
      cloud: resolveCloud("usgov"),
      credentialFor: (tenantId) => credentials.factory(tenantId, "default"),
      clock,
      random: () => 0,
    });
    const verified = await verifyClusters([staleRow], [clusterPath("aks-1")], readers);
    assert.ok(scope.isDone());
    assert.deepEqual(clock.sleeps, [1000]);
    assert.deepEqual(credentials.scopes, ["https://management.usgovcloudapi.net/.default"]);
    assert.equal(verified.rows[0]?.source.origin, `arm:${clusterPath("aks-1")}`);
    assert.deepEqual(verified.diagnostics, []);
  });
});
