// `report --run A --run B` merges shard runs into one fleet view; `diff A B` prints what changed between runs.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const fleet = fileURLToPath(new URL("../../examples/demo-fleet/fleet/", import.meta.url));

function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Findings {
  run: { inputs: string[]; scope: string[] };
  coverage: { complete: boolean };
  summary: { clusters: number; integratedClusters: number; bySeverity: Record<string, number> };
  results: { fingerprint: string }[];
  clusters: { id: string }[];
}

async function findings(dir: string): Promise<Findings> {
  return JSON.parse(await readFile(join(dir, "findings.json"), "utf8")) as Findings;
}

describe("report --run", () => {
  it("merges one run per shard (tenant) into one fleet view with exact sums", async () => {
    const folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-shards-"));
    const shards = ["contoso", "fabrikam"];
    for (const shard of shards) {
      const out = join(folder, shard);
      const scanned = run([
        "scan",
        "--input",
        join(fleet, `${shard}.json`),
        "--out",
        out,
        "--format",
        "json",
        "--quiet",
      ]);
      assert.equal(scanned.status, 0, scanned.stderr);
    }
    const merged = join(folder, "merged");
    const reported = run([
      "report",
      ...shards.flatMap((shard) => ["--run", join(folder, shard)]),
      "--out",
      merged,
      "--format",
      "json,html,csv",
      "--quiet",
    ]);
    assert.equal(reported.status, 0, reported.stderr);
    const [a, b, all] = await Promise.all([
      findings(join(folder, "contoso")),
      findings(join(folder, "fabrikam")),
      findings(merged),
    ]);
    assert.equal(all.summary.clusters, a.summary.clusters + b.summary.clusters);
    assert.equal(all.summary.integratedClusters, a.summary.integratedClusters + b.summary.integratedClusters);
    assert.equal(all.results.length, a.results.length + b.results.length);
    assert.equal(
      all.summary.bySeverity.high,
      (a.summary.bySeverity.high ?? 0) + (b.summary.bySeverity.high ?? 0),
    );
    assert.deepEqual(all.run.scope, [...a.run.scope, ...b.run.scope].sort());
    assert.equal(all.coverage.complete, true);
    assert.ok((await readdir(merged)).includes("report.html"));
  });

  it("names a folder that holds no run (exit 2)", async () => {
    const folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-norun-"));
    const { status, stderr } = run(["report", "--run", folder, "--out", join(folder, "out")]);
    assert.equal(status, 2);
    assert.ok(stderr.includes(folder), stderr);
  });
});

describe("diff", () => {
  it("prints new and resolved findings between two stored runs of the demo", async () => {
    const state = await mkdtemp(join(tmpdir(), "aks-vnet-audit-diff-"));
    assert.equal(run(["scan", "--demo", "--out", state, "--quiet", "--format", "json"]).status, 0);
    const runs = (await readdir(join(state, "runs"))).sort();
    assert.equal(runs.length, 3, "two replayed earlier states and the scan itself");
    const [first, , last] = runs;
    const { status, stdout } = run(["diff", join(state, "runs", first!), join(state, "runs", last!)]);
    assert.equal(status, 0);
    assert.match(
      stdout,
      new RegExp(`Changes from run ${first!.replaceAll(".", "\\.")} to run ${last!.replaceAll(".", "\\.")}`),
    );
    assert.match(stdout, /new: [1-9]\d*\s+resolved: [1-9]\d*/);
    assert.match(stdout, /^\+ \[(critical|high|medium|low)\] /m);
    assert.match(stdout, /^- \[(critical|high|medium|low)\] /m);
  });
});
