// Issue 11 item 6: seeded mutations of every real payload and the demo snapshot; no verdict changes unseen.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Inventory } from "../../src/inventory/model.ts";
import { corpus, demoSnapshot, fuzzCases } from "./fuzz-corpus.ts";
import { FuzzHarness } from "./fuzz-property.ts";
import { drawAt } from "./mutations.ts";

/** FUZZ_RUNS=20000 npm run test:unit runs longer; FUZZ_SEED replays another campaign. */
const runs = Number(process.env.FUZZ_RUNS ?? 600);
const seed = Number(process.env.FUZZ_SEED ?? 20261201);

function workFolder(name: string): string {
  return mkdtempSync(join(tmpdir(), `aks-vnet-audit-fuzz-${name}-`));
}

/**
 * The bug issue 11 found, planted again: the normalizer forgets what the input left out, so a resource without
 * its content is judged as if it had none. Content gaps and the diagnostics that name them disappear.
 */
const forgetContentGaps = (inventory: Inventory): Inventory => {
  const forget = <T extends { contentGaps?: readonly string[] }>(
    resources: ReadonlyMap<string, T>,
  ): Map<string, T> =>
    new Map(
      [...resources].map(([key, resource]) => [
        key,
        Object.fromEntries(Object.entries(resource).filter(([field]) => field !== "contentGaps")) as T,
      ]),
    );
  return {
    ...inventory,
    networkSecurityGroups: forget(inventory.networkSecurityGroups),
    virtualNetworks: forget(inventory.virtualNetworks),
    subnets: forget(inventory.subnets),
    azureFirewalls: forget(inventory.azureFirewalls),
    clusters: forget(inventory.clusters),
    diagnostics: inventory.diagnostics.filter((diagnostic) => diagnostic.level === "info"),
  };
};

describe("mutation fuzzing of real payloads", () => {
  it(`${runs} seeded mutated inputs: every changed verdict is named by a diagnostic, exit 0–3, no stack trace`, async (t) => {
    const harness = new FuzzHarness(workFolder("property"));
    let cases = 0;
    const details = await fc.check(
      fc.asyncProperty(fuzzCases(corpus), async (fuzzCase) => {
        cases++;
        const found = await harness.check(fuzzCase);
        if (found.length > 0) throw new Error(found.slice(0, 5).join("\n"));
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    t.diagnostic(`fuzzed ${details.numRuns} cases (${cases} scans with shrinking), seed ${seed}`);
    assert.equal(
      details.failed,
      false,
      details.errorInstance instanceof Error ? details.errorInstance.message : "",
    );
    assert.equal(details.numRuns, runs);
  });

  it("finds the planted silent drop: an NSG whose properties are null judged as if it had no rules", async () => {
    const planted = new FuzzHarness(workFolder("planted"), forgetContentGaps);
    const contoso = demoSnapshot.files[0]!;
    // nsg-aks-apiserver-prod-weu denies the nodes' 4443: a fail of nsg-blocks-apiserver-traffic in the demo.
    const nullProperties = drawAt(contoso.value, "type-confusion", ["resources", 22, "properties"]);
    const found = await planted.check({ input: demoSnapshot, file: 0, draws: [nullProperties] });
    assert.ok(
      found.some((violation) =>
        /fail turned to pass with no diagnostic: nsg-blocks-apiserver-traffic/.test(violation),
      ),
      found.join("\n"),
    );
    const real = new FuzzHarness(workFolder("real"));
    assert.deepEqual(await real.check({ input: demoSnapshot, file: 0, draws: [nullProperties] }), []);
  });

  it("the seeded search finds the planted drop on its own", async () => {
    const planted = new FuzzHarness(workFolder("search"), forgetContentGaps);
    const details = await fc.check(
      fc.asyncProperty(fuzzCases(fc.constant(demoSnapshot)), async (fuzzCase) => {
        const found = await planted.check(fuzzCase);
        if (found.length > 0) throw new Error(found.join("\n"));
      }),
      { numRuns: 300, seed, endOnFailure: true },
    );
    assert.equal(details.failed, true, "300 cases did not notice verdicts that lost their content gaps");
    assert.match(
      details.errorInstance instanceof Error ? details.errorInstance.message : "",
      /with no diagnostic/,
    );
  });
});
