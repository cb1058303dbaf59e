#!/usr/bin/env node
// Installed entry point. A published package runs the compiled dist/ (built by `prepack`); a git checkout
// without a build runs the TypeScript sources directly (Node >= 22.18 strips types).
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli/main.js", import.meta.url);
const entry = existsSync(compiled) ? compiled.href : new URL("../src/cli/main.ts", import.meta.url).href;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
