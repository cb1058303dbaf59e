// Runs one bench step in its own Node process (so each size's peak RSS is its own) and reads the JSON line it prints.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function childJson<T>(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<T> {
  const { stdout } = await run(process.execPath, [new URL(script, import.meta.url).pathname, ...args], {
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as T;
}

export interface CliScan {
  readonly wallMs: number;
  readonly maxRssKb: number;
  /** User + system CPU time of the scan process. */
  readonly cpuMs: number;
  readonly exitCode: number;
}

/** `scan --input` through the real CLI, peak RSS taken by max-rss.ts; exit codes 1 and 3 (findings, incomplete) are normal. */
export async function cliScan(snapshot: string, outDir: string, rssFile: string): Promise<CliScan> {
  const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
  const preload = new URL("./max-rss.ts", import.meta.url).href;
  const started = performance.now();
  let exitCode = 0;
  try {
    await run(
      process.execPath,
      ["--import", preload, main, "scan", "--input", snapshot, "--out", outDir, "--no-history", "--quiet"],
      {
        env: { ...process.env, BENCH_RSS_FILE: rssFile },
        maxBuffer: 1 << 26,
      },
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "number" || code === 2 || code > 3) throw error;
    exitCode = code;
  }
  const [maxRssKb = "", cpuMicros = ""] = readFileSync(rssFile, "utf8").split(" ");
  return {
    wallMs: performance.now() - started,
    maxRssKb: Number(maxRssKb),
    cpuMs: Number(cpuMicros) / 1000,
    exitCode,
  };
}
