// The packed package as a user gets it: `npm pack`, a global install into a temporary prefix with `--offline` (the
// tarball bundles its dependencies, so no registry is asked), then the installed CLI and the README's library
// example run against it, not against src/.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { scan } from "../../src/engine/scan.ts";
import type { readSnapshotInventory } from "../../src/inventory/collected.ts";
import { generateFleet } from "../../bench/fleet.ts";
import { writeSnapshotFile } from "../../bench/snapshot-file.ts";
import { runProcess, type CliOutcome } from "../reliability/cli.ts";

const repository = fileURLToPath(new URL("../../", import.meta.url));
const snapshot = join(repository, "examples/demo-fleet/fleet/contoso.json");

function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliOutcome> {
  // A guard against a hang, not a timing: packing builds dist/ with tsc.
  return runProcess(command, args, { cwd: options.cwd ?? repository, env: options.env, timeoutMs: 600_000 });
}

/** The environment of a user's shell: without the `npm_*` variables that `npm test` hands its children. */
const shellEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== "INIT_CWD"),
);

/** npm itself: the one running `npm test`, else the one beside this Node. */
function npm(args: readonly string[], cwd = repository): Promise<CliOutcome> {
  const cli = process.env.npm_execpath;
  return cli?.endsWith(".js")
    ? run(process.execPath, [cli, ...args], { cwd, env: shellEnv })
    : run("npm", args, { cwd, env: shellEnv });
}

/** The first `node` on PATH (or in the usual places) older than the package's `engines.node`. */
async function oldNode(): Promise<string | undefined> {
  const folders = [...(process.env.PATH ?? "").split(delimiter), "/usr/local/bin", "/usr/bin"];
  for (const folder of folders) {
    const candidate = join(folder, "node");
    if (!folder || !existsSync(candidate)) continue;
    const { stdout } = await run(candidate, ["--version"]);
    if (Number(/^v(\d+)/.exec(stdout.trim())?.[1] ?? 99) < 22) return candidate;
  }
  return undefined;
}

/** The README's library example: the first ```js block under "## Library". */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(repository, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Library"));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, "README.md has a ```js example under ## Library");
  return code;
}

interface LockFile {
  readonly packages: Readonly<Record<string, { readonly version?: string } | undefined>>;
}

let root = "";
let prefix = "";
let installed = "";
const builtBefore = existsSync(join(repository, "dist"));

before(async () => {
  root = await mkdtemp(join(tmpdir(), "aks-vnet-audit-packed-"));
  prefix = join(root, "prefix");
  const packed = await npm(["pack", "--json", "--pack-destination", root]);
  assert.equal(packed.status, 0, packed.stderr);
  const [tarball] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as { filename: string }[];
  assert.ok(tarball, packed.stdout);
  // --offline: every dependency is bundled in the tarball; a registry lookup would fail the install.
  const install = await npm(
    [
      "install",
      "--global",
      "--prefix",
      prefix,
      "--offline",
      "--no-audit",
      "--no-fund",
      join(root, tarball.filename),
    ],
    root,
  );
  assert.equal(
    install.status,
    0,
    `${install.stderr}\n(run npm ci in the project first: the tarball bundles what it installed)`,
  );
  installed = join(prefix, "lib/node_modules/aks-vnet-audit");
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  // `prepack` built dist/; a checkout that had none keeps running its sources.
  if (!builtBefore) await rm(join(repository, "dist"), { recursive: true, force: true });
});

describe("the packed package", () => {
  it("bundles every production dependency, so the install needs no registry", async () => {
    const manifest = JSON.parse(await readFile(join(repository, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      bundleDependencies: string[];
    };
    assert.deepEqual([...manifest.bundleDependencies].sort(), Object.keys(manifest.dependencies).sort());
  });

  it("installs globally and runs `aks-vnet-audit --version` and `scan --demo` from the linked bin", async () => {
    // The linked bin's `#!/usr/bin/env node` finds this Node first.
    const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` };
    const bin = join(prefix, "bin/aks-vnet-audit");
    const version = await run(bin, ["--version"], { env, cwd: root });
    const manifest = JSON.parse(await readFile(join(repository, "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(version.stdout.trim(), manifest.version, version.stderr);
    const out = join(root, "demo-reports");
    const demo = await run(bin, ["scan", "--demo", "--out", out], { env, cwd: root });
    assert.equal(demo.status, 0, demo.stderr);
    assert.match(demo.stdout, /^Scanned \d+ clusters/);
    const findings = JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as { results: unknown[] };
    assert.ok(findings.results.length > 0);
    // The tarball bundles the dependencies the checkout installed from package-lock.json, not the registry's newest.
    const lock = JSON.parse(await readFile(join(repository, "package-lock.json"), "utf8")) as LockFile;
    const storageBlob = JSON.parse(
      await readFile(join(installed, "node_modules/@azure/storage-blob/package.json"), "utf8"),
    ) as { version: string };
    assert.equal(storageBlob.version, lock.packages["node_modules/@azure/storage-blob"]?.version);
    // The installed package runs compiled JavaScript, not the TypeScript sources.
    assert.ok(existsSync(join(installed, "dist/cli/main.js")));
    assert.ok(!existsSync(join(installed, "src")), "src/ is not shipped");
  });

  it("says in one line which Node it needs when started by an older one", async () => {
    const node = await oldNode();
    assert.ok(node, "a Node older than 22 on PATH or in /usr/bin (the system Node this test checks against)");
    const outcome = await run(node, [join(installed, "bin/aks-vnet-audit.js"), "--version"], { cwd: root });
    assert.equal(outcome.status, 2);
    assert.equal(outcome.stdout, "");
    assert.match(
      outcome.stderr,
      /^aks-vnet-audit: needs Node\.js >=22\.18, this is v\d+\.\d+\.\d+; [^\n]+\n$/,
    );
  });

  it("runs the README's library example against the installed package, with the same verdicts as src/", async () => {
    // Beside the installed package's node_modules folder, so `import "aks-vnet-audit"` resolves to it.
    const folder = join(prefix, "lib/example");
    await mkdir(folder, { recursive: true });
    await cp(snapshot, join(folder, "snapshot.json"));
    await writeFile(join(folder, "example.mjs"), await readmeExample());
    const outcome = await run(process.execPath, ["example.mjs"], { cwd: folder });
    assert.equal(outcome.status, 0, outcome.stderr);

    const { run: expected } = await scan({ source: { kind: "snapshot", paths: [snapshot] } });
    const critical = expected.results.filter((r) => r.severity === "critical" && r.status === "fail");
    assert.ok(critical.length > 0, "the demo snapshot has critical findings to filter");
    const lines = outcome.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines.slice(0, -1),
      critical.map((r) => `${r.ruleId} ${r.resourceId}: ${r.message}`),
    );
    assert.equal(lines.at(-1), `${critical.length} critical of ${expected.summary.results} results`);
  });

  it("reads a snapshot's NSG rows on the installed package's worker (compiled to .js, started by file URL)", async () => {
    const file = join(root, "fleet.json");
    await writeSnapshotFile(generateFleet({ seed: 3, clusters: 20 }), file);
    const installedRead = (
      (await import(join(installed, "dist/inventory/collected.js"))) as {
        readSnapshotInventory: typeof readSnapshotInventory;
      }
    ).readSnapshotInventory;
    const read = await installedRead([file], { streamAbove: 0, splitAbove: 0, threads: 2 });
    assert.deepEqual(read.split, { used: true });
    assert.ok(read.inventory.networkSecurityGroups.size >= 20);
  });
});
