// Crash safety: a saver killed at random points never leaves a half run or damages an earlier one.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { emptyObservations } from "../../src/history/observations.ts";
import { listRuns, loadRun, saveRun } from "../../src/history/store.ts";
import { largeRun, largeRunResults } from "./fixtures/records.ts";

const saver = join(import.meta.dirname, "fixtures", "save-loop.ts");
const kills = 12;

let root = "";
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Starts the saver, lets it run for a random time once it is ready, and SIGKILLs it. Returns how many runs it finished. */
async function runAndKill(stateDir: string, firstIndex: number): Promise<number> {
  const child = spawn(process.execPath, [saver, stateDir, String(firstIndex)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) =>
    child.on("exit", () => {
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready")) resolve();
    });
    child.on("exit", (code) => {
      reject(new Error(`saver exited early with ${code}`));
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 400));
  child.kill("SIGKILL");
  await exited;
  return output.split("\n").filter((line) => line.startsWith("saved ")).length;
}

it(`keeps only whole runs across ${kills} SIGKILLs of a saver`, { timeout: 120_000 }, async () => {
  root = await mkdtemp(join(tmpdir(), "aks-vnet-audit-crash-"));
  let saved = 0;
  for (let kill = 0; kill < kills; kill += 1) {
    saved += await runAndKill(root, kill * 1000);
    const runs = await listRuns(root);
    for (const listed of runs) {
      const stored = await loadRun(listed.dir);
      assert.equal(stored.id, listed.id);
      assert.equal(stored.record.results.length, largeRunResults);
      assert.ok(stored.observations, `run ${listed.id} lost its observations`);
    }
    const fresh = largeRun(kill * 1000 + 999);
    await saveRun(root, fresh, emptyObservations, { keepRuns: 4 });
    assert.ok(
      (await listRuns(root)).some((run) => run.id === fresh.run.id),
      "a fresh save after the kill is listed",
    );
  }
  assert.ok(saved > 0, "the saver finished at least one run between kills");
});
