// Crash safety: a saver killed at random points never leaves a half run or damages an earlier one, in a folder
// and in a blob container (Azurite).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { emptyObservations } from "../../src/history/observations.ts";
import { listRuns, loadRun, saveRun } from "../../src/history/store.ts";
import { freshContainerName, startAzurite, type Azurite } from "./azurite.ts";
import { largeRun, largeRunResults } from "./fixtures/records.ts";

const saver = join(import.meta.dirname, "fixtures", "save-loop.ts");
const kills = 12;

let root = "";
let azurite: Azurite | undefined;
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  await azurite?.stop();
  delete process.env.AZURE_STORAGE_CONNECTION_STRING;
});

/** Starts the saver, lets it run for a random time once it is ready, and SIGKILLs it. Returns how many runs it finished. */
async function runAndKill(stateDir: string, firstIndex: number, maxDelayMs: number): Promise<number> {
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
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * maxDelayMs));
  child.kill("SIGKILL");
  await exited;
  return output.split("\n").filter((line) => line.startsWith("saved ")).length;
}

/** `maxDelayMs` spans a few saves: a blob save of a few megabytes takes longer than a local one. */
async function killLoop(stateDir: string, maxDelayMs: number): Promise<void> {
  let saved = 0;
  for (let kill = 0; kill < kills; kill += 1) {
    saved += await runAndKill(stateDir, kill * 1000, maxDelayMs);
    const runs = await listRuns(stateDir);
    for (const listed of runs) {
      const stored = await loadRun(listed.dir);
      assert.equal(stored.id, listed.id);
      assert.equal(stored.record.results.length, largeRunResults);
      assert.ok(stored.observations, `run ${listed.id} lost its observations`);
    }
    const fresh = largeRun(kill * 1000 + 999);
    await saveRun(stateDir, fresh, emptyObservations, { keepRuns: 4 });
    assert.ok(
      (await listRuns(stateDir)).some((run) => run.id === fresh.run.id),
      "a fresh save after the kill is listed",
    );
  }
  assert.ok(saved > 0, "the saver finished at least one run between kills");
}

describe("a saver SIGKILLed at random points", () => {
  it(`keeps only whole runs across ${kills} SIGKILLs, in a folder`, { timeout: 120_000 }, async () => {
    root = await mkdtemp(join(tmpdir(), "aks-vnet-audit-crash-"));
    await killLoop(root, 400);
  });

  it(
    `keeps only whole runs across ${kills} SIGKILLs, in a blob container`,
    { timeout: 300_000 },
    async () => {
      azurite = await startAzurite();
      // The saver child and this process both reach the emulator through the environment, as a scan would.
      process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
      await killLoop(`${await azurite.createContainer(freshContainerName("crash"))}/nightly`, 2500);
    },
  );
});
