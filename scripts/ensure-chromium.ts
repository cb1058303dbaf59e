// `npm test`'s pretest step: the HTML report's browser test needs Chromium, so the test command brings it itself.
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Debian's `chromium` package installs here; `CHROMIUM_PATH` points the browser test at any other Chromium. */
export const defaultChromiumPath = "/usr/bin/chromium";

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH?.trim() || defaultChromiumPath;
}

/** What the machine looks like, so the decision is a pure function the tests can table. */
export interface Machine {
  readonly browserPath: string;
  /** True when the browser path was set by `CHROMIUM_PATH` rather than defaulted. */
  readonly browserPathOverridden: boolean;
  readonly exists: (path: string) => boolean;
  readonly isRoot: boolean;
  readonly hasAptGet: boolean;
}

export type Step =
  | { readonly action: "present"; readonly browserPath: string }
  | { readonly action: "install"; readonly commands: readonly (readonly string[])[] }
  | { readonly action: "instruct"; readonly message: string };

/** apt-get as a root process runs it: no prompt, no interactive debconf questions. */
export const aptCommands: readonly (readonly string[])[] = [
  ["apt-get", "update", "-qq"],
  ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
];

export function planChromium(machine: Machine): Step {
  const { browserPath } = machine;
  if (machine.exists(browserPath)) return { action: "present", browserPath };
  // A path the user chose is theirs to fill; installing Debian's package would not put a browser there.
  if (machine.browserPathOverridden) {
    return {
      action: "instruct",
      message: `CHROMIUM_PATH=${browserPath} does not exist: point it at a Chromium or Chrome binary, or unset it to use Debian's ${defaultChromiumPath}.`,
    };
  }
  if (machine.isRoot && machine.hasAptGet) return { action: "install", commands: aptCommands };
  const how = machine.hasAptGet ? "sudo apt-get install chromium" : "install Chromium";
  return {
    action: "instruct",
    message: `Chromium is missing (the HTML report test drives it): run \`${how}\`, or set CHROMIUM_PATH to a Chromium binary, then npm test again.`,
  };
}

export interface EnsureIo {
  readonly run: (command: readonly string[]) => number;
  readonly log: (line: string) => void;
}

/** Carries out the plan; returns the exit code for the pretest step. `dryRun` prints the commands instead. */
export function ensureChromium(machine: Machine, io: EnsureIo, dryRun = false): number {
  const step = planChromium(machine);
  if (step.action === "present") return 0;
  if (step.action === "instruct") {
    io.log(step.message);
    return 1;
  }
  io.log(
    `Chromium is missing: installing Debian's chromium package (${step.commands.map((c) => c.join(" ")).join(" && ")})`,
  );
  if (dryRun) return 0;
  for (const command of step.commands) {
    const status = io.run(command);
    if (status !== 0) {
      io.log(
        `\`${command.join(" ")}\` failed with exit code ${status}: install chromium by hand, then npm test again.`,
      );
      return 1;
    }
  }
  if (machine.exists(machine.browserPath)) return 0;
  io.log(
    `apt-get finished but ${machine.browserPath} is still missing: install chromium by hand, then npm test again.`,
  );
  return 1;
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, command)));
}

/**
 * The machine as it is. `assumeMissing` (with `--dry-run`) pretends the browser is absent, so the install branch
 * can be checked on a machine that has Chromium without uninstalling it.
 */
export function currentMachine(env: NodeJS.ProcessEnv = process.env, assumeMissing = false): Machine {
  const browserPath = chromiumPath(env);
  return {
    browserPath,
    browserPathOverridden: Boolean(env.CHROMIUM_PATH?.trim()),
    exists: (path) => !(assumeMissing && path === browserPath) && existsSync(path),
    isRoot: process.getuid?.() === 0,
    hasAptGet: onPath("apt-get", env),
  };
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dryRun = process.argv.includes("--dry-run");
  process.exitCode = ensureChromium(
    currentMachine(process.env, dryRun && process.argv.includes("--assume-missing")),
    {
      run: (command) =>
        spawnSync(command[0]!, command.slice(1), {
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        }).status ?? 1,
      log: (line) => process.stderr.write(`ensure-chromium: ${line}\n`),
    },
    dryRun,
  );
}
