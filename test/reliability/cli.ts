// Runs the CLI as a user would, in a child process with a deadline, so a hang fails the test instead of stalling it.
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const cliPath = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface CliOutcome {
  /** Null when the process was killed (by the deadline or a signal). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliOutcome> {
  return runProcess(process.execPath, [cliPath, ...args], { timeoutMs, env });
}

/** Any command, its output collected; killed with SIGKILL at the deadline (a hang guard, not a timing). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { readonly timeoutMs: number; readonly env?: NodeJS.ProcessEnv; readonly cwd?: string },
): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      resolve({ status, stdout, stderr });
    });
  });
}

/** The scan the history tests run night after night: one snapshot in, findings.json out, the run stored. */
export function historyScanArgs(input: string, stateDir: string, out: string, ...extra: string[]): string[] {
  return [
    "scan",
    "--input",
    input,
    "--out",
    out,
    "--state-dir",
    stateDir,
    "--format",
    "json",
    "--quiet",
    ...extra,
  ];
}

export function tempFolder(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `aks-vnet-audit-${label}-`));
}

export interface FindingsFile {
  readonly run: { readonly id: string; readonly previousRunId?: string };
  readonly coverage: {
    readonly complete: boolean;
    readonly gaps: readonly { code: string; message: string }[];
  };
  readonly results: readonly { ruleId: string; resourceId: string; status: string; diff?: string }[];
  readonly resolved: readonly unknown[];
  readonly diagnostics: readonly {
    level: string;
    code: string;
    message: string;
    origin?: string;
    row?: number;
    field?: string;
  }[];
}

export async function readFindings(out: string): Promise<FindingsFile> {
  return JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as FindingsFile;
}
