// The layer rule (docs/architecture.md): dependency-cruiser with the checked-in `.dependency-cruiser.cjs` finds no
// cycle and no upward import in src/, and the same rule set does catch both when they are added on purpose.
import assert from "node:assert/strict";
import { appendFile, cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const repository = fileURLToPath(new URL("../../", import.meta.url));
const ruleFile = ".dependency-cruiser.cjs";

interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

/** Cruises `root/src` with the repository's rule set, from `root`, as `npm run lint:layers` does. */
async function violations(root: string): Promise<Violation[]> {
  const options = await extractDepcruiseOptions(join(repository, ruleFile));
  const tsConfig = extractTSConfig(join(root, "tsconfig.json"));
  const previous = process.cwd();
  // The rules name paths relative to the repository root (`^src/cli/`): cruise from the root being checked.
  process.chdir(root);
  try {
    const { output } = await cruise(["src"], { ...options, baseDir: root }, {}, { tsConfig });
    const result = output as ICruiseResult;
    return result.summary.violations.map((violation) => ({
      rule: violation.rule.name,
      from: violation.from,
      to: violation.cycle ? violation.cycle.map((step) => step.name).join(" → ") : violation.to,
    }));
  } finally {
    process.chdir(previous);
  }
}

let copy = "";
after(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe("layers import downward only, in no circle", () => {
  it("src/ has no violation", async () => {
    assert.deepEqual(await violations(repository), []);
  });

  it("the rule set catches an upward import and a cycle added on purpose", async () => {
    copy = await mkdtemp(join(tmpdir(), "aks-vnet-audit-layers-"));
    await cp(join(repository, "src"), join(copy, "src"), { recursive: true });
    await cp(join(repository, "tsconfig.json"), join(copy, "tsconfig.json"));
    await symlink(join(repository, "node_modules"), join(copy, "node_modules"), "dir");
    // Upward: the bottom layer (net) reaching the top (cli).
    await appendFile(join(copy, "src/net/prefix.ts"), '\nimport "../cli/main.ts";\n');
    // Upward across one layer: a rule importing the engine that runs it.
    await appendFile(join(copy, "src/rules/define.ts"), '\nimport "../engine/analyze.ts";\n');
    // A circle inside one layer: the model importing the normalizer that builds it.
    await appendFile(join(copy, "src/inventory/model.ts"), '\nimport "./normalize.ts";\n');
    // A folder that belongs to no layer.
    await cp(join(repository, "src/net/prefix.ts"), join(copy, "src/helpers/prefix.ts"));
    await appendFile(join(copy, "src/report/json.ts"), '\nimport "../helpers/prefix.ts";\n');

    const found = await violations(copy);
    const named = (rule: string, from: string, to?: string): boolean =>
      found.some(
        (violation) =>
          violation.rule === rule && violation.from === from && (to === undefined || violation.to === to),
      );
    assert.ok(
      named("no-upward-from-net-errors", "src/net/prefix.ts", "src/cli/main.ts"),
      JSON.stringify(found),
    );
    assert.ok(
      named("no-upward-from-rules-history-report-deliver", "src/rules/define.ts", "src/engine/analyze.ts"),
      JSON.stringify(found),
    );
    assert.ok(
      found.some(
        (violation) =>
          violation.rule === "no-circular" && violation.to.includes("src/inventory/normalize.ts"),
      ),
      JSON.stringify(found),
    );
    assert.ok(
      named("no-module-outside-a-layer", "src/report/json.ts", "src/helpers/prefix.ts"),
      JSON.stringify(found),
    );
  });
});
