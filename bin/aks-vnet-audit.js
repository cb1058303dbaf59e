#!/usr/bin/env node
// Installed entry point. A published package runs the compiled dist/ (built by `prepack`); a git checkout
// without a build runs the TypeScript sources directly (Node >= 22.18 strips types).
import { existsSync, readFileSync } from "node:fs";

// Checked before anything else is loaded: an older Node would fail somewhere inside with a stack trace.
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const needed = manifest.engines.node;
const [wantMajor, wantMinor] = needed
  .replace(/^>=\s*/, "")
  .split(".")
  .map(Number);
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < wantMajor || (major === wantMajor && minor < (wantMinor ?? 0))) {
  process.stderr.write(
    `aks-vnet-audit: needs Node.js ${needed}, this is ${process.version}; install Node.js 24 LTS (https://nodejs.org).\n`,
  );
  process.exit(2);
}

const compiled = new URL("../dist/cli/main.js", import.meta.url);
const entry = existsSync(compiled) ? compiled.href : new URL("../src/cli/main.ts", import.meta.url).href;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
