// Runs `scan --demo` through the CLI into a fresh temp folder, so report tests look at what a user gets.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Returns the folder holding report.html, findings.json, the CSVs and summary.md. */
export async function scanDemo(formats = "html,csv,json,md"): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "aks-vnet-audit-report-"));
  const out = join(root, "out");
  // A private state dir: the demo's history must not leak between tests or into the user's own.
  const args = [cli, "scan", "--demo", "--out", out, "--state-dir", join(root, "state"), "--quiet"];
  args.push("--format", formats);
  const scan = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
  if (scan.status !== 0) {
    throw new Error(`scan --demo exited ${String(scan.status)}: ${scan.stderr}`);
  }
  return out;
}

export async function readDemoFindings(out: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as Record<string, unknown>;
}
