// The tool's own name and version, read from package.json so reports and `--version` never drift.
import { readFileSync } from "node:fs";
import type { ToolInfo } from "../findings/run.ts";

let cached: ToolInfo | undefined;

export function toolInfo(): ToolInfo {
  cached ??= (() => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      name: string;
      version: string;
    };
    return { name: manifest.name, version: manifest.version };
  })();
  return cached;
}
