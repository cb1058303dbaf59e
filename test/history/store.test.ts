// The run store: whole runs only, retention, scope keys, temp-folder hygiene.
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { emptyObservations, mergeObservations } from "../../src/history/observations.ts";
import { scopeKey } from "../../src/history/scope.ts";
import {
  latestRun,
  listRuns,
  loadRun,
  lockRunStore,
  readTrend,
  RunStoreError,
  saveRun,
  StateLockError,
} from "../../src/history/store.ts";
import { hostname } from "node:os";
import { clusterA, makeResult, makeRun } from "./fixtures/records.ts";
import { storedRunV1, storedRunV1Id, storedRunV1State, storedRunV2State } from "./fixtures/stored-run.ts";

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function stateDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "aks-vnet-audit-store-"));
  roots.push(root);
  return root;
}

function runId(day: number, suffix = "aaaaaa"): string {
  return `202611${String(day).padStart(2, "0")}T000000Z-${suffix}`;
}

describe("saveRun / loadRun", () => {
  it("round-trips findings and observations and returns the run folder", async () => {
    const dir = await stateDir();
    const run = makeRun(runId(1), [makeResult({ ruleId: "rule-a", resourceId: clusterA })]);
    const observations = mergeObservations(
      undefined,
      [{ clusterId: clusterA, enableVnetIntegration: true, apiServerIps: [] }],
      "2026-11-01T00:00:00Z",
    );
    const folder = await saveRun(dir, run, observations, { keepRuns: 5 });
    assert.equal(folder, join(dir, "runs", runId(1)));
    const stored = await loadRun(folder);
    assert.deepEqual(
      [stored.record, stored.observations, stored.scopeKey],
      [run, observations, scopeKey(run.run.scope)],
    );
    assert.equal((await loadRun(join(folder, "findings.json"))).id, runId(1));
    assert.deepEqual((await readdir(join(dir, "runs"))).sort(), [runId(1)]);
  });

  it("refuses to overwrite a stored run and ids that are not one path segment", async () => {
    const dir = await stateDir();
    await saveRun(dir, makeRun(runId(1), []), emptyObservations, { keepRuns: 5 });
    await assert.rejects(
      saveRun(dir, makeRun(runId(1), []), emptyObservations, { keepRuns: 5 }),
      RunStoreError,
    );
    await assert.rejects(
      saveRun(dir, makeRun("../escape", []), emptyObservations, { keepRuns: 5 }),
      RunStoreError,
    );
    await assert.rejects(
      saveRun(dir, makeRun(runId(2), []), emptyObservations, { keepRuns: 0 }),
      RunStoreError,
    );
  });

  it("reports a folder without findings.json as a RunStoreError", async () => {
    const dir = await stateDir();
    await assert.rejects(loadRun(dir), RunStoreError);
  });
});

const earlierLayouts: readonly [string, string][] = [
  ["the version before compact run files (plain JSON)", storedRunV1State],
  ["the version before evidence apart (the whole record by column)", storedRunV2State],
];

for (const [version, storedState] of earlierLayouts)
  describe(`runs stored by ${version}`, () => {
    it("are listed, loaded whole, diffed against and pruned beside runs of this version", async () => {
      const dir = await stateDir();
      await cp(storedState, dir, { recursive: true });
      const { record, observations } = await storedRunV1();
      const scope = scopeKey(record.run.scope);
      const [listed] = await listRuns(dir);
      assert.deepEqual(listed, { id: storedRunV1Id, dir: join(dir, "runs", storedRunV1Id), scopeKey: scope });
      const old = await latestRun(dir, scope);
      assert.deepEqual([old?.record, old?.observations], [record, observations]);
      assert.equal((await loadRun(join(listed.dir, "findings.json"))).id, storedRunV1Id);

      const newer = makeRun("20261202T000000Z-bbbbbb", [], record.run.scope);
      await saveRun(dir, newer, observations, { keepRuns: 5 });
      assert.equal((await latestRun(dir, scope))?.id, newer.run.id);
      assert.deepEqual(
        (await readTrend(dir, scope, 5)).map((point) => point.runId),
        [storedRunV1Id, newer.run.id],
      );
      await saveRun(dir, makeRun("20261203T000000Z-cccccc", [], record.run.scope), observations, {
        keepRuns: 2,
      });
      assert.deepEqual(
        (await listRuns(dir)).map((run) => run.id),
        [newer.run.id, "20261203T000000Z-cccccc"],
      );
    });
  });

describe("retention", () => {
  it("prunes the oldest runs beyond keepRuns", async () => {
    const dir = await stateDir();
    for (const day of [3, 1, 4, 2, 5])
      await saveRun(dir, makeRun(runId(day), []), emptyObservations, { keepRuns: 3 });
    assert.deepEqual(
      (await listRuns(dir)).map((run) => run.id),
      [runId(3), runId(4), runId(5)],
    );
  });

  it("keeps the newest run of every scope even past keepRuns", async () => {
    const dir = await stateDir();
    await saveRun(dir, makeRun(runId(1, "other0"), [], ["other-tenant"]), emptyObservations, { keepRuns: 2 });
    for (const day of [2, 3, 4])
      await saveRun(dir, makeRun(runId(day), []), emptyObservations, { keepRuns: 2 });
    assert.deepEqual(
      (await listRuns(dir)).map((run) => run.id),
      [runId(1, "other0"), runId(4)],
    );
  });
});

describe("listRuns", () => {
  it("ignores temp folders, foreign files and folders without a whole run, sorted by id", async () => {
    const dir = await stateDir();
    await saveRun(dir, makeRun(runId(2), []), emptyObservations, { keepRuns: 5 });
    await saveRun(dir, makeRun(runId(1), []), emptyObservations, { keepRuns: 5 });
    const runs = join(dir, "runs");
    await mkdir(join(runs, `.tmp-${runId(3)}-123`));
    await writeFile(
      join(runs, `.tmp-${runId(3)}-123`, "findings.json"),
      JSON.stringify(makeRun(runId(3), [])),
    );
    await mkdir(join(runs, "not-a-run"));
    await writeFile(join(runs, "not-a-run", "findings.json"), "{ truncated");
    await writeFile(join(runs, "stray.txt"), "x");
    assert.deepEqual(
      (await listRuns(dir)).map((run) => run.id),
      [runId(1), runId(2)],
    );
    assert.ok(
      (await readdir(runs)).includes(`.tmp-${runId(3)}-123`),
      "a fresh temp folder may belong to a live save",
    );
  });

  it("skips a run whose findings file was cut short", async () => {
    const dir = await stateDir();
    const folder = await saveRun(dir, makeRun(runId(1), []), emptyObservations, { keepRuns: 5 });
    const findings = (await readdir(folder)).find((name) => name.startsWith("record."));
    assert.equal(findings, "record.columns.json.gz");
    await writeFile(join(folder, findings), "{}");
    assert.deepEqual(await listRuns(dir), []);
  });

  it("accepts a run folder copied by hand without run.json", async () => {
    const dir = await stateDir();
    await mkdir(join(dir, "runs", runId(1)), { recursive: true });
    await writeFile(join(dir, "runs", runId(1), "findings.json"), JSON.stringify(makeRun(runId(1), [])));
    const [listed] = await listRuns(dir);
    assert.equal(listed?.scopeKey, scopeKey(["fleet.json"]));
    assert.equal((await loadRun(listed.dir)).observations, undefined);
  });

  it("removes temp folders older than an hour", async () => {
    const dir = await stateDir();
    const stale = join(dir, "runs", `.tmp-${runId(1)}-99`);
    await mkdir(stale, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    assert.deepEqual(await listRuns(dir), []);
    assert.deepEqual(await readdir(join(dir, "runs")), []);
  });

  it("answers empty for a state directory that does not exist yet", async () => {
    assert.deepEqual(await listRuns(join(await stateDir(), "missing")), []);
  });
});

describe("scopes", () => {
  it("scope keys ignore order, case and repeats, and separate different inputs", () => {
    assert.equal(scopeKey(["B.json", "a.json"]), scopeKey(["a.json", "b.json", "a.json"]));
    assert.notEqual(scopeKey(["a.json"]), scopeKey(["a.json", "b.json"]));
    assert.match(scopeKey([]), /^[0-9a-f]{16}$/);
  });

  it("latestRun returns the newest run of the asked scope only", async () => {
    const dir = await stateDir();
    await saveRun(dir, makeRun(runId(1), [], ["tenant-a"]), emptyObservations, { keepRuns: 9 });
    await saveRun(dir, makeRun(runId(2), [], ["tenant-a"]), emptyObservations, { keepRuns: 9 });
    await saveRun(dir, makeRun(runId(3), [], ["tenant-b"]), emptyObservations, { keepRuns: 9 });
    assert.equal((await latestRun(dir, scopeKey(["TENANT-A"])))?.id, runId(2));
    assert.equal((await latestRun(dir, scopeKey(["tenant-b"])))?.id, runId(3));
    assert.equal(await latestRun(dir, scopeKey(["tenant-c"])), undefined);
  });

  it("latestRun looks past newer runs that are of another scope, not whole or unreadable", async () => {
    const dir = await stateDir();
    const save = (day: number, tenant: string) =>
      saveRun(dir, makeRun(runId(day), [], [tenant]), emptyObservations, { keepRuns: 9 });
    await save(1, "tenant-a");
    for (const day of [2, 3, 4, 5, 6]) await save(day, "tenant-b");
    const unreadable = await save(7, "tenant-a");
    const findings = join(unreadable, "record.columns.json.gz");
    // The size the meta file recorded, so the run is listed and fails only when read.
    await writeFile(findings, Buffer.alloc((await readFile(findings)).byteLength));
    await mkdir(join(dir, "runs", runId(8)));
    assert.equal((await latestRun(dir, scopeKey(["tenant-a"])))?.id, runId(1));
    assert.equal((await latestRun(dir, scopeKey(["tenant-b"])))?.id, runId(6));
  });
});

describe("the folder lock", () => {
  it("a second lock waits, then fails naming the lock file and its holder; release frees it", async () => {
    const dir = await stateDir();
    const first = await lockRunStore(dir, 1000);
    await assert.rejects(lockRunStore(dir, 1200), (error: unknown) => {
      assert.ok(error instanceof StateLockError);
      assert.match(error.message, new RegExp(`lock file .*\\.lock held by ${process.pid}@`));
      assert.match(error.message, /waited 1\.2 s/);
      return true;
    });
    await first.confirm();
    await first.release();
    await (await lockRunStore(dir, 1000)).release();
  });

  it("takes over the lock of a process on this host that is gone (a SIGKILLed scan)", async () => {
    const dir = await stateDir();
    await mkdir(join(dir, "runs"), { recursive: true });
    // Pid numbers stop well below 2^22 on Linux, so this one is never alive.
    await writeFile(join(dir, "runs", ".lock"), `4194303@${hostname()}`);
    const lock = await lockRunStore(dir, 1000);
    await lock.release();
  });

  it("takes over an empty lock file a minute old (a scan killed between creating it and naming itself)", async () => {
    const dir = await stateDir();
    const path = join(dir, "runs", ".lock");
    await mkdir(join(dir, "runs"), { recursive: true });
    await writeFile(path, "");
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(path, minuteAgo, minuteAgo);
    const lock = await lockRunStore(dir, 1000);
    assert.equal(await readFile(path, "utf8"), `${process.pid}@${hostname()}`);
    await lock.release();
  });

  it("waits for a fresh empty lock file: its run is naming itself", async () => {
    const dir = await stateDir();
    await mkdir(join(dir, "runs"), { recursive: true });
    await writeFile(join(dir, "runs", ".lock"), "");
    await assert.rejects(lockRunStore(dir, 1000), (error: unknown) => {
      assert.ok(error instanceof StateLockError);
      assert.match(error.message, /held by a run that is starting/);
      return true;
    });
  });

  it("a lock whose file was taken by another run refuses to commit", async () => {
    const dir = await stateDir();
    const lock = await lockRunStore(dir, 1000);
    await writeFile(join(dir, "runs", ".lock"), `1@another-host`);
    await assert.rejects(
      saveRun(dir, makeRun(runId(1), []), emptyObservations, { keepRuns: 5, lock }),
      StateLockError,
    );
    assert.deepEqual(await listRuns(dir), []);
  });
});
