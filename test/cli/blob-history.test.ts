// `scan --state-dir https://…` end to end against Azurite: diffs across nights, retention, the lease lock between
// two scans, and scans SIGKILLed mid-way leaving only whole runs.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { listRuns, loadRun } from "../../src/history/store.ts";
import { freshContainerName, startAzurite, type Azurite } from "../history/azurite.ts";
import { cliPath, historyScanArgs, readFindings, runCli, tempFolder } from "../reliability/cli.ts";
import { clusterId, generatedFleet, managedCluster, virtualNetwork } from "../reliability/fleet.ts";

let azurite: Azurite;
let root = "";
let env: NodeJS.ProcessEnv = {};
before(async () => {
  azurite = await startAzurite();
  root = await tempFolder("blob-history");
  // The scans (child processes) and listRuns/loadRun here sign in the same way: the connection string.
  env = { ...process.env, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
  process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
});
after(async () => {
  await azurite.stop();
  delete process.env.AZURE_STORAGE_CONNECTION_STRING;
  await rm(root, { recursive: true, force: true });
});

let inputs = 0;
async function writeInput(rows: readonly unknown[]): Promise<string> {
  inputs += 1;
  const path = join(root, `fleet-${inputs}.json`);
  await writeFile(path, JSON.stringify(rows));
  return path;
}

describe("scan --state-dir on blob storage", () => {
  it("two scans in a row diff against each other (new / resolved), and retention drops the oldest", async () => {
    const stateDir = `${await azurite.createContainer(freshContainerName("diff"))}/prod`;
    const night = (aIntegrated: boolean) => [
      virtualNetwork(0),
      managedCluster("aks-a", 0, aIntegrated),
      virtualNetwork(1),
      managedCluster("aks-b", 1, !aIntegrated),
    ];
    const outs = [join(root, "diff-1"), join(root, "diff-2"), join(root, "diff-3")];
    const first = await runCli(
      historyScanArgs(await writeInput(night(false)), stateDir, outs[0]!),
      90_000,
      env,
    );
    assert.equal(first.status, 0, first.stderr);
    const second = await runCli(
      historyScanArgs(await writeInput(night(true)), stateDir, outs[1]!),
      90_000,
      env,
    );
    assert.equal(second.status, 0, second.stderr);
    const [one, two] = [await readFindings(outs[0]!), await readFindings(outs[1]!)];
    assert.equal(two.run.previousRunId, one.run.id);
    const notIntegrated = (id: string) => (r: { ruleId: string; resourceId: string; status: string }) =>
      r.ruleId === "cluster-not-vnet-integrated" && r.resourceId === clusterId(id) && r.status === "fail";
    assert.equal(two.results.find(notIntegrated("aks-b"))?.diff, "new");
    assert.ok(
      (two.resolved as { ruleId: string; resourceId: string; status: string }[]).some(notIntegrated("aks-a")),
      "aks-a's finding is resolved",
    );

    const third = await runCli(
      historyScanArgs(await writeInput(night(false)), stateDir, outs[2]!, "--keep-runs", "2"),
      90_000,
      env,
    );
    assert.equal(third.status, 0, third.stderr);
    const runs = await listRuns(stateDir);
    assert.deepEqual(
      runs.map((run) => run.id),
      [two.run.id, (await readFindings(outs[2]!)).run.id],
      "the oldest run was deleted",
    );
    assert.equal((await loadRun(runs[0]!.dir)).record.run.id, two.run.id);
  });

  it("two concurrent scans never interleave: the second waits and diffs against the first", async () => {
    const stateDir = await azurite.createContainer(freshContainerName("concurrent"));
    const input = await writeInput(generatedFleet(150));
    const [a, b] = await Promise.all([
      runCli(historyScanArgs(input, stateDir, join(root, "concurrent-a")), 120_000, env),
      runCli(historyScanArgs(input, stateDir, join(root, "concurrent-b")), 120_000, env),
    ]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    const [fa, fb] = [
      await readFindings(join(root, "concurrent-a")),
      await readFindings(join(root, "concurrent-b")),
    ];
    // Both start at once and each takes seconds, so without the lock both would read the empty store.
    assert.deepEqual((await listRuns(stateDir)).map((run) => run.id).sort(), [fa.run.id, fb.run.id].sort());
    const previous = [fa.run.previousRunId, fb.run.previousRunId];
    assert.ok(
      (previous[0] === undefined && previous[1] === fa.run.id) ||
        (previous[1] === undefined && previous[0] === fb.run.id),
      `exactly one scan diffed against the other (${String(previous[0])}, ${String(previous[1])})`,
    );
  });

  it("a scan that cannot take the lease within --state-lock-timeout exits 2 naming the lease", async () => {
    const name = freshContainerName("locked");
    const stateDir = await azurite.createContainer(name);
    const lockBlob = azurite.service.getContainerClient(name).getBlockBlobClient("lock");
    await lockBlob.upload(Buffer.alloc(0), 0);
    const lease = lockBlob.getBlobLeaseClient();
    await lease.acquireLease(60);
    try {
      const result = await runCli(
        historyScanArgs(
          await writeInput(generatedFleet(2)),
          stateDir,
          join(root, "locked"),
          "--state-lock-timeout",
          "2s",
        ),
        90_000,
        env,
      );
      assert.equal(result.status, 2, result.stderr);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0] ?? "",
        new RegExp(`is locked by another run \\(blob lease on .*/${name}/lock is leased`),
      );
      assert.match(lines[0] ?? "", /waited 2 s/);
      assert.deepEqual(await listRuns(stateDir), [], "nothing was stored");
    } finally {
      await lease.releaseLease();
    }
  });

  it(
    "scans SIGKILLed mid-way leave only whole runs, and the next scan diffs against the last one",
    { timeout: 240_000 },
    async (t) => {
      const name = freshContainerName("killed");
      const stateDir = await azurite.createContainer(name);
      const container = azurite.service.getContainerClient(name);
      const input = await writeInput(generatedFleet(200));
      const out = join(root, "killed");
      const seed = await runCli(historyScanArgs(input, stateDir, out), 90_000, env);
      assert.equal(seed.status, 0, seed.stderr);
      const resultCount = (await readFindings(out)).results.length;
      const started = performance.now();
      const timed = await runCli(historyScanArgs(input, stateDir, out), 90_000, env);
      assert.equal(timed.status, 0, timed.stderr);
      let scanMs = performance.now() - started;

      let killed = 0;
      for (let attempt = 0; attempt < 15 && killed < 6; attempt += 1) {
        const delayMs = Math.round(scanMs * (0.4 + 0.7 * Math.random()));
        const begun = performance.now();
        const child = spawn(process.execPath, [cliPath, ...historyScanArgs(input, stateDir, out)], {
          env,
          stdio: "ignore",
        });
        const code = await new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
          child.on("exit", (status) => {
            clearTimeout(timer);
            resolve(status);
          });
        });
        if (code === null) {
          killed += 1;
          // The killed scan's 60 s lease would lapse by itself; breaking it keeps the test short.
          await container
            .getBlobClient("lock")
            .getBlobLeaseClient()
            .breakLease(0)
            .catch(() => undefined);
        } else scanMs = performance.now() - begun;
        for (const listed of await listRuns(stateDir)) {
          const stored = await loadRun(listed.dir);
          assert.equal(stored.record.results.length, resultCount, `run ${listed.id} holds every result`);
          assert.ok(stored.observations, `run ${listed.id} kept its observations`);
        }
      }
      t.diagnostic(`${killed} scans killed; every run left in the container was whole`);
      assert.ok(killed >= 4, `at least 4 scans were killed mid-way (${killed})`);
      const lastWhole = (await listRuns(stateDir)).at(-1)?.id;
      const next = await runCli(historyScanArgs(input, stateDir, out), 90_000, env);
      assert.equal(next.status, 0, next.stderr);
      const findings = await readFindings(out);
      assert.equal(findings.run.previousRunId, lastWhole);
      assert.ok(
        findings.results.every((result) => result.diff !== "new"),
        "an unchanged fleet has no new finding",
      );
    },
  );
});
