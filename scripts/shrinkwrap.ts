// `npm pack`'s prepack/postpack step: the tarball carries the lockfile as npm-shrinkwrap.json, so an install of the
// tarball gets the dependency versions this project was tested with, not whatever the registry has newest
// (https://docs.npmjs.com/cli/configuring-npm/npm-shrinkwrap-json). Only the tarball has it: in the checkout,
// package-lock.json stays the one lockfile.
import { copyFileSync, rmSync } from "node:fs";

const [step] = process.argv.slice(2);
if (step === "write") copyFileSync("package-lock.json", "npm-shrinkwrap.json");
else if (step === "remove") rmSync("npm-shrinkwrap.json", { force: true });
else {
  process.stderr.write(`scripts/shrinkwrap.ts: expected "write" or "remove", got ${String(step)}\n`);
  process.exit(2);
}
