// The pretest step of `npm test`: Chromium present, installed with apt-get as root, or one line saying what to do.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  aptCommands,
  chromiumPath,
  defaultChromiumPath,
  ensureChromium,
  planChromium,
  type Machine,
} from "../../scripts/ensure-chromium.ts";

const script = fileURLToPath(new URL("../../scripts/ensure-chromium.ts", import.meta.url));
const packageJson = fileURLToPath(new URL("../../package.json", import.meta.url));
const ciRun = fileURLToPath(new URL("../../.ci/run", import.meta.url));

function machine(overrides: Partial<Machine> & { installed?: readonly string[] }): Machine {
  const installed = new Set(overrides.installed ?? []);
  return {
    browserPath: defaultChromiumPath,
    browserPathOverridden: false,
    exists: (path) => installed.has(path),
    isRoot: false,
    hasAptGet: true,
    ...overrides,
  };
}

describe("planChromium", () => {
  const cases: readonly { name: string; machine: Machine; action: string; says?: RegExp }[] = [
    { name: "present", machine: machine({ installed: [defaultChromiumPath] }), action: "present" },
    { name: "missing, root with apt-get", machine: machine({ isRoot: true }), action: "install" },
    {
      name: "missing, not root",
      machine: machine({}),
      action: "instruct",
      says: /run `sudo apt-get install chromium`.*CHROMIUM_PATH/,
    },
    {
      name: "missing, root without apt-get",
      machine: machine({ isRoot: true, hasAptGet: false }),
      action: "instruct",
      says: /run `install Chromium`/,
    },
    {
      name: "CHROMIUM_PATH set to a missing file, even as root",
      machine: machine({ browserPath: "/opt/chrome", browserPathOverridden: true, isRoot: true }),
      action: "instruct",
      says: /^CHROMIUM_PATH=\/opt\/chrome does not exist/,
    },
    {
      name: "CHROMIUM_PATH set to a browser that exists",
      machine: machine({
        browserPath: "/opt/chrome",
        browserPathOverridden: true,
        installed: ["/opt/chrome"],
      }),
      action: "present",
    },
  ];
  for (const { name, machine: m, action, says } of cases) {
    it(name, () => {
      const step = planChromium(m);
      assert.equal(step.action, action);
      if (says) {
        assert.ok(step.action === "instruct");
        assert.match(step.message, says);
        assert.doesNotMatch(step.message, /\n/, "the instruction is one line");
      }
    });
  }

  it("CHROMIUM_PATH overrides Debian's path, blank does not", () => {
    assert.equal(chromiumPath({ CHROMIUM_PATH: "/opt/chrome" }), "/opt/chrome");
    assert.equal(chromiumPath({ CHROMIUM_PATH: " " }), defaultChromiumPath);
    assert.equal(chromiumPath({}), defaultChromiumPath);
  });
});

describe("ensureChromium", () => {
  it("as root runs apt-get update then install, and succeeds once the browser is there", () => {
    const ran: string[] = [];
    const installed = new Set<string>();
    const log: string[] = [];
    const code = ensureChromium(machine({ isRoot: true, exists: (path) => installed.has(path) }), {
      run: (command) => {
        ran.push(command.join(" "));
        if (command.includes("install")) installed.add(defaultChromiumPath);
        return 0;
      },
      log: (line) => log.push(line),
    });
    assert.equal(code, 0);
    assert.deepEqual(ran, ["apt-get update -qq", "apt-get install -y -qq --no-install-recommends chromium"]);
    assert.match(log.join("\n"), /installing Debian's chromium package/);
  });

  it("stops at the first failing apt-get command and names it", () => {
    const ran: string[] = [];
    const log: string[] = [];
    const code = ensureChromium(machine({ isRoot: true }), {
      run: (command) => {
        ran.push(command.join(" "));
        return 100;
      },
      log: (line) => log.push(line),
    });
    assert.equal(code, 1);
    assert.deepEqual(ran, ["apt-get update -qq"]);
    assert.match(log.at(-1) ?? "", /`apt-get update -qq` failed with exit code 100/);
  });

  it("fails when apt-get succeeded but left no browser at the path", () => {
    const log: string[] = [];
    const code = ensureChromium(machine({ isRoot: true }), { run: () => 0, log: (line) => log.push(line) });
    assert.equal(code, 1);
    assert.match(log.at(-1) ?? "", /still missing/);
  });

  it("a dry run prints the commands and runs nothing", () => {
    const ran: string[] = [];
    const log: string[] = [];
    const code = ensureChromium(
      machine({ isRoot: true }),
      { run: (command) => ran.push(command.join(" ")), log: (line) => log.push(line) },
      true,
    );
    assert.deepEqual([code, ran], [0, []]);
    assert.ok(log[0]?.includes(aptCommands.map((c) => c.join(" ")).join(" && ")));
  });
});

describe("the script as npm test runs it", () => {
  const run = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env, timeout: 30_000 });

  it("is the pretest step of npm test, and .ci/run runs npm test without a browser step of its own", async () => {
    const scripts = (JSON.parse(await readFile(packageJson, "utf8")) as { scripts: Record<string, string> })
      .scripts;
    assert.equal(scripts.pretest, "node scripts/ensure-chromium.ts");
    const commands = (await readFile(ciRun, "utf8"))
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
    assert.equal(commands.at(-1), "npm test", ".ci/run ends with the README's test command");
    assert.deepEqual(
      commands.filter((line) => /apt-get|chromium/i.test(line)),
      [],
      ".ci/run leaves the browser to npm test",
    );
  });

  it("on this machine, with the browser taken as missing, takes the branch its user and PATH call for", () => {
    const result = run(["--dry-run", "--assume-missing"]);
    const root = process.getuid?.() === 0;
    if (root) {
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stderr,
        /installing Debian's chromium package \(apt-get update -qq && apt-get install/,
      );
    } else {
      assert.equal(result.status, 1);
      assert.match(result.stderr, /run `sudo apt-get install chromium`/);
    }
  });

  it("without apt-get on PATH it prints the one-line instruction and exits 1", () => {
    const result = run(["--dry-run", "--assume-missing"], { PATH: dirname(process.execPath) });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^ensure-chromium: Chromium is missing .* run `install Chromium`/);
    assert.equal(result.stderr.trim().split("\n").length, 1);
  });

  it("exits 0 silently when the browser is there", () => {
    const result = run([], { ...process.env, CHROMIUM_PATH: process.execPath });
    assert.deepEqual([result.status, result.stderr], [0, ""]);
  });
});
