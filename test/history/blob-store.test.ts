// The run store in a blob container, against Azurite: marker commits, whole runs only, retention, the lease lock.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { emptyObservations, mergeObservations } from "../../src/history/observations.ts";
import { blobRunStore, parseBlobStateUrl } from "../../src/history/blob-store.ts";
import { scopeKey } from "../../src/history/scope.ts";
import {
  latestRun,
  listRuns,
  loadRun,
  lockRunStore,
  openRunStore,
  RunStoreError,
  saveRun,
  StateLockError,
} from "../../src/history/store.ts";
import { freshContainerName, startAzurite, type Azurite } from "./azurite.ts";
import { clusterA, makeResult, makeRun } from "./fixtures/records.ts";
import {
  storedRunV1,
  storedRunV1File,
  storedRunV1Files,
  storedRunV1Id,
  storedRunV2File,
  storedRunV2Files,
} from "./fixtures/stored-run.ts";

describe("parseBlobStateUrl", () => {
  const accepted: readonly [string, object | undefined][] = [
    ["reports", undefined],
    ["./state/runs", undefined],
    [
      "https://auditstate.blob.core.windows.net/aks-audit",
      {
        containerUrl: "https://auditstate.blob.core.windows.net/aks-audit",
        accountName: "auditstate",
        container: "aks-audit",
        prefix: "",
      },
    ],
    [
      "https://auditstate.blob.core.windows.net/aks-audit/nightly/prod/",
      {
        containerUrl: "https://auditstate.blob.core.windows.net/aks-audit",
        accountName: "auditstate",
        container: "aks-audit",
        prefix: "nightly/prod/",
      },
    ],
    [
      "https://auditstate.blob.core.usgovcloudapi.net/runs",
      {
        containerUrl: "https://auditstate.blob.core.usgovcloudapi.net/runs",
        accountName: "auditstate",
        container: "runs",
        prefix: "",
      },
    ],
    [
      "http://127.0.0.1:10000/devstoreaccount1/aks-audit/shard-1",
      {
        containerUrl: "http://127.0.0.1:10000/devstoreaccount1/aks-audit",
        accountName: "devstoreaccount1",
        container: "aks-audit",
        prefix: "shard-1/",
      },
    ],
    [
      "http://localhost:10000/devstoreaccount1/aks-audit",
      {
        containerUrl: "http://localhost:10000/devstoreaccount1/aks-audit",
        accountName: "devstoreaccount1",
        container: "aks-audit",
        prefix: "",
      },
    ],
  ];
  for (const [text, expected] of accepted) {
    it(`reads ${text}`, () => {
      assert.deepEqual(parseBlobStateUrl(text), expected);
    });
  }

  const rejected: readonly [string, RegExp][] = [
    ["https://auditstate.blob.core.windows.net/aks-audit?sv=2024&sig=secret", /must not carry a SAS token/],
    ["http://auditstate.blob.core.windows.net/aks-audit", /use https/],
    ["https://auditstate.blob.core.windows.net/", /names no valid container/],
    ["https://auditstate.blob.core.windows.net/Bad_Name", /names no valid container/],
    ["https://example.com/aks-audit", /is not a blob endpoint/],
    ["http://127.0.0.1:10000/devstoreaccount1", /names no valid container/],
    ["https://", /is not a valid URL/],
  ];
  for (const [text, message] of rejected) {
    it(`rejects ${text} in one line`, () => {
      assert.throws(
        () => parseBlobStateUrl(text),
        (error: unknown) =>
          error instanceof RunStoreError && message.test(error.message) && !error.message.includes("\n"),
      );
    });
  }

  it("never repeats a SAS signature in its message", () => {
    assert.throws(
      () => parseBlobStateUrl("https://a.blob.core.windows.net/c?sig=topsecret"),
      (error: unknown) => error instanceof Error && !error.message.includes("topsecret"),
    );
  });
});

function runId(day: number, suffix = "aaaaaa"): string {
  return `202611${String(day).padStart(2, "0")}T000000Z-${suffix}`;
}

describe("blob run store on Azurite", () => {
  let azurite: Azurite;
  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite.stop();
  });

  const store = async (label: string, prefix = ""): Promise<string> =>
    `${await azurite.createContainer(freshContainerName(label))}${prefix}`;
  const access = () => ({ connectionString: azurite.connectionString });

  it("round-trips findings and observations under runs/<id>/ and commits with run.json last", async () => {
    const url = await store("roundtrip", "/nightly");
    const backend = openRunStore(url, access());
    const run = makeRun(runId(1), [makeResult({ ruleId: "rule-a", resourceId: clusterA })]);
    const observations = mergeObservations(
      undefined,
      [{ clusterId: clusterA, enableVnetIntegration: true, apiServerIps: [] }],
      "2026-11-01T00:00:00Z",
    );
    const where = await saveRun(backend, run, observations, { keepRuns: 5 });
    assert.equal(where, `${url}/runs/${runId(1)}`);
    const container = azurite.service.getContainerClient(new URL(url).pathname.split("/")[2]!);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat()) names.push(blob.name);
    assert.deepEqual(names.sort(), [
      `nightly/runs/${runId(1)}/evidence.columns.json`,
      `nightly/runs/${runId(1)}/observations.columns.json.gz`,
      `nightly/runs/${runId(1)}/record.columns.json.gz`,
      `nightly/runs/${runId(1)}/run.json`,
    ]);
    const [listed] = await listRuns(backend);
    assert.deepEqual(listed, { id: runId(1), dir: where, scopeKey: scopeKey(run.run.scope) });
    const stored = await latestRun(backend, scopeKey(run.run.scope));
    assert.deepEqual([stored?.record, stored?.observations], [run, observations]);
    process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
    try {
      assert.equal(
        (await loadRun(`${where}/findings.json`)).id,
        runId(1),
        "report --run takes a blob run URL",
      );
    } finally {
      delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    }
  });

  const earlierLayouts: readonly [string, readonly string[], (name: never) => Promise<Buffer>][] = [
    ["the version before compact run files stored: plain JSON blobs", storedRunV1Files, storedRunV1File],
    [
      "the version before evidence apart stored: the whole record by column",
      storedRunV2Files,
      storedRunV2File,
    ],
  ];
  for (const [version, files, fileOf] of earlierLayouts)
    it(`reads a run ${version}, and its marker`, async () => {
      const url = await store("old-format", "/nightly");
      const container = azurite.service.getContainerClient(new URL(url).pathname.split("/")[2]!);
      const { record, observations } = await storedRunV1();
      const read = fileOf as (name: string) => Promise<Buffer>;
      const meta = JSON.parse((await read("run.json")).toString("utf8")) as {
        scopeKey: string;
        bytes: Record<string, number>;
      };
      // As that version committed it: data blobs first, then run.json whose metadata repeats id, scope and sizes.
      for (const name of files) {
        const body = await read(name);
        const metadata =
          name === "run.json"
            ? { runid: storedRunV1Id, scopekey: meta.scopeKey, bytes: JSON.stringify(meta.bytes) }
            : undefined;
        await container
          .getBlockBlobClient(`nightly/runs/${storedRunV1Id}/${name}`)
          .upload(body, body.length, { metadata });
      }
      const backend = openRunStore(url, access());
      const old = await latestRun(backend, meta.scopeKey);
      assert.deepEqual([old?.id, old?.record, old?.observations], [storedRunV1Id, record, observations]);
      const newer = makeRun("20261202T000000Z-bbbbbb", [], record.run.scope);
      await saveRun(backend, newer, observations, { keepRuns: 5 });
      assert.deepEqual(
        (await listRuns(backend)).map((run) => run.id),
        [storedRunV1Id, newer.run.id],
      );
      assert.equal((await latestRun(backend, meta.scopeKey))?.id, newer.run.id);
    });

  it("lists only runs whose marker blob is there with matching sizes", async () => {
    const url = await store("whole");
    const backend = openRunStore(url, access());
    await saveRun(backend, makeRun(runId(1), []), emptyObservations, { keepRuns: 5 });
    await saveRun(backend, makeRun(runId(2), []), emptyObservations, { keepRuns: 5 });
    const container = azurite.service.getContainerClient(new URL(url).pathname.split("/")[2]!);
    // A save killed before its marker: data blobs only.
    const half = container.getBlockBlobClient(`runs/${runId(3)}/record.columns.json.gz`);
    await half.upload("{}", 2);
    // A run whose record blob was later cut short: the marker's recorded size no longer matches.
    await container.getBlockBlobClient(`runs/${runId(2)}/record.columns.json.gz`).upload("{}", 2);
    assert.deepEqual(
      (await listRuns(backend)).map((run) => run.id),
      [runId(1)],
    );
    assert.ok(await half.exists(), "a fresh uncommitted run may belong to a live save and stays");
    assert.equal((await latestRun(backend, scopeKey(["fleet.json"])))?.id, runId(1));
  });

  it("latestRun finds a scope's run behind more newer runs of another scope than it checks one by one", async () => {
    const backend = openRunStore(await store("scopes"), access());
    const save = (day: number, tenant: string) =>
      saveRun(backend, makeRun(runId(day), [], [tenant]), emptyObservations, { keepRuns: 9 });
    await save(1, "tenant-a");
    for (const day of [2, 3, 4, 5, 6]) await save(day, "tenant-b");
    assert.equal((await latestRun(backend, scopeKey(["tenant-a"])))?.id, runId(1));
    assert.equal((await latestRun(backend, scopeKey(["tenant-b"])))?.id, runId(6));
    assert.equal(await latestRun(backend, scopeKey(["tenant-c"])), undefined);
  });

  it("refuses to store a run id twice", async () => {
    const backend = openRunStore(await store("twice"), access());
    await saveRun(backend, makeRun(runId(1), []), emptyObservations, { keepRuns: 5 });
    await assert.rejects(
      saveRun(backend, makeRun(runId(1), []), emptyObservations, { keepRuns: 5 }),
      /Run 20261101T000000Z-aaaaaa is already stored/,
    );
  });

  it("retention deletes the oldest runs and keeps the newest of every scope", async () => {
    const backend = openRunStore(await store("retention"), access());
    await saveRun(backend, makeRun(runId(1, "other0"), [], ["other-tenant"]), emptyObservations, {
      keepRuns: 3,
    });
    for (const day of [3, 2, 4, 5, 6])
      await saveRun(backend, makeRun(runId(day), []), emptyObservations, { keepRuns: 3 });
    assert.deepEqual(
      (await listRuns(backend)).map((run) => run.id),
      [runId(1, "other0"), runId(5), runId(6)],
    );
  });

  it("a second lock waits, then fails naming the blob lease; a released lock is taken at once", async () => {
    const url = await store("lock", "/shard-a");
    const backend = openRunStore(url, access());
    const first = await lockRunStore(backend, 1000);
    const started = Date.now();
    await assert.rejects(lockRunStore(openRunStore(url, access()), 1500), (error: unknown) => {
      assert.ok(error instanceof StateLockError);
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /is locked by another run \(blob lease on .*\/shard-a\/lock is leased/);
      assert.match(error.message, /waited 1\.5 s/);
      return true;
    });
    assert.ok(Date.now() - started >= 1400, "it waited for the timeout");
    await first.confirm();
    await first.release();
    const second = await lockRunStore(openRunStore(url, access()), 1000);
    await second.release();
  });

  it("a lock whose lease was taken by another run refuses to commit", async () => {
    const url = await store("lost");
    const backend = openRunStore(url, access());
    const lock = await lockRunStore(backend, 1000);
    const container = azurite.service.getContainerClient(new URL(url).pathname.split("/")[2]!);
    const lockBlob = container.getBlobClient("lock");
    await lockBlob.getBlobLeaseClient().breakLease(0);
    await lockBlob.getBlobLeaseClient().acquireLease(15);
    await assert.rejects(
      saveRun(backend, makeRun(runId(1), []), emptyObservations, { keepRuns: 5, lock }),
      (error: unknown) => error instanceof StateLockError && /lost its lock/.test(error.message),
    );
    assert.deepEqual(await listRuns(backend), []);
  });

  it("names a missing container and the command that creates it", async () => {
    const backend = openRunStore(`${azurite.blobEndpoint}/not-created-yet`, access());
    await assert.rejects(listRuns(backend), (error: unknown) => {
      assert.ok(error instanceof RunStoreError);
      assert.match(error.message, /ContainerNotFound/);
      assert.match(
        error.message,
        /az storage container create --account-name devstoreaccount1 --name not-created-yet/,
      );
      return true;
    });
  });

  it("refuses a connection string for another account than the URL names", () => {
    const target = parseBlobStateUrl("https://otheraccount.blob.core.windows.net/aks-audit");
    assert.ok(target);
    assert.throws(
      () => blobRunStore(target, access()),
      /AZURE_STORAGE_CONNECTION_STRING is for 127\.0\.0\.1:\d+ \(account devstoreaccount1\) but --state-dir names otheraccount/,
    );
  });
});
