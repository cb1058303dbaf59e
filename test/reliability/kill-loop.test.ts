// Crash safety of the whole CLI: scans SIGKILLed at random points leave only whole runs and whole reports,
// and the next scan works and diffs against the last whole run (DESIGN §6).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, it } from "node:test";
import { listRuns, loadRun } from "../../src/history/store.ts";
import { cliPath, readFindings, runCli, tempFolder } from "./cli.ts";
import { generatedFleet } from "./fleet.ts";

const kills = 12;
/**
 * Scans that finish before their kill do not count, so a few more tries may be needed. The loop is bounded by
 * tries, not by time: a time budget let a slow CI machine (about 4 s a scan) stop after 9 kills.
 */
const maxAttempts = 24;
const clusterCount = 300;

let root = "";
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

interface Layout {
  readonly input: string;
  readonly out: string;
  readonly stateDir: string;
}

function scanArgs({ input, out, stateDir }: Layout): string[] {
  return [
    "scan",
    "--input",
    input,
    "--out",
    out,
    "--state-dir",
    stateDir,
    "--keep-runs",
    "4",
    "--format",
    "html,csv,json,md",
    "--quiet",
  ];
}

/** Starts a scan and SIGKILLs it after `delayMs`; says whether it died, and how long it ran when it did not. */
async function scanAndKill(layout: Layout, delayMs: number): Promise<{ killed: boolean; ranMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...scanArgs(layout)], { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      resolve(code);
    }),
  );
  const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
  const code = await exited;
  clearTimeout(timer);
  return { killed: code === null, ranMs: performance.now() - started };
}

/** Every report present in `out` is whole: JSON parses, HTML is closed, CSV and Markdown end with a newline. */
async function assertReportsWhole(out: string): Promise<void> {
  const names = await readdir(out).catch(() => [] as string[]);
  for (const name of names.filter((file) => !file.endsWith(".tmp"))) {
    const text = await readFile(join(out, name), "utf8");
    if (name.endsWith(".json")) assert.doesNotThrow(() => JSON.parse(text), `${name} is whole JSON`);
    if (name.endsWith(".html")) assert.match(text.trimEnd(), /<\/html>$/i, `${name} is closed`);
    if (name.endsWith(".csv") || name.endsWith(".md")) assert.ok(text.endsWith("\n"), `${name} ends whole`);
  }
}

/** Temp files and folders a write cut short leaves behind: proof that a kill landed mid-write. */
async function debris({ out, stateDir }: Layout): Promise<number> {
  const reports = await readdir(out).catch(() => [] as string[]);
  const runs = await readdir(join(stateDir, "runs")).catch(() => [] as string[]);
  return (
    reports.filter((name) => name.endsWith(".tmp")).length +
    runs.filter((name) => name.startsWith(".tmp-")).length
  );
}

/** Every listed run loads in full; returns the newest id. */
async function assertRunsWhole(stateDir: string, resultCount: number): Promise<string | undefined> {
  const runs = await listRuns(stateDir);
  for (const listed of runs) {
    const stored = await loadRun(listed.dir);
    assert.equal(stored.id, listed.id);
    assert.equal(stored.record.results.length, resultCount, `run ${listed.id} holds every result`);
    assert.equal(
      Object.keys(stored.observations?.clusters ?? {}).length,
      clusterCount,
      `run ${listed.id} kept its observations`,
    );
  }
  return runs.at(-1)?.id;
}

it(
  `keeps whole runs and whole reports across ${kills} SIGKILLs of a scan`,
  // A guard against a hang, not a timing: on a loaded 2-core machine 24 tries of 5 s each take two minutes.
  { timeout: 300_000 },
  async (t) => {
    root = await tempFolder("kill-loop");
    const layout: Layout = {
      input: join(root, "fleet.json"),
      out: join(root, "out"),
      stateDir: join(root, "state"),
    };
    await writeFile(layout.input, JSON.stringify(generatedFleet(clusterCount)));
    assert.equal((await runCli(scanArgs(layout))).status, 0, "the first scan runs whole");
    // The second scan reads the first as history, as every scan in the loop does: its length sets the kill times.
    const seedStart = performance.now();
    const seeded = await runCli(scanArgs(layout));
    const firstScanMs = performance.now() - seedStart;
    assert.equal(seeded.status, 0, seeded.stderr);
    const resultCount = (await readFindings(layout.out)).results.length;

    let killed = 0;
    let midWrite = 0;
    let scanMs = firstScanMs;
    for (let attempt = 0; attempt < maxAttempts && killed < kills; attempt += 1) {
      // Most of the delays fall in the second half of a scan, where the run is saved and the reports written.
      const delayMs = Math.round(scanMs * (0.4 + 0.7 * Math.random()));
      const before = await debris(layout);
      const outcome = await scanAndKill(layout, delayMs);
      if (outcome.killed) killed += 1;
      // A scan that beat its kill tells how long scans take on this machine right now.
      else scanMs = outcome.ranMs;
      if ((await debris(layout)) > before) midWrite += 1;
      await assertRunsWhole(layout.stateDir, resultCount);
      await assertReportsWhole(layout.out);
    }
    t.diagnostic(
      `${killed} of ${kills} scans killed, ${midWrite} of them mid-write; every run and report left was whole`,
    );
    assert.ok(killed >= 10, `at least 10 scans were killed mid-way (${killed})`);

    const lastWhole = await assertRunsWhole(layout.stateDir, resultCount);
    const next = await runCli(scanArgs(layout));
    // A silent hang ends at runCli's deadline with no status; the lock file says whether it was waiting on it.
    const lockLeft = await readFile(join(layout.stateDir, "runs", ".lock"), "utf8").catch(() => undefined);
    assert.equal(
      next.status,
      0,
      next.stderr ||
        `the scan after the loop ended with status ${next.status}; lock file: ${lockLeft ?? "none"}`,
    );
    const findings = await readFindings(layout.out);
    assert.equal(findings.run.previousRunId, lastWhole, "the next scan diffs against the last whole run");
    assert.ok(
      findings.results.every((result) => result.diff !== "new"),
      "an unchanged fleet has no new finding",
    );
    assert.equal(findings.resolved.length, 0);
  },
);
