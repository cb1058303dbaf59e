// Tests for findings.json: the contract's field order, every result kept, stable output.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RunRecord } from "../../src/findings/run.ts";
import { renderFindingsJson } from "../../src/report/json.ts";
import { sampleRun } from "./sample-run.ts";

describe("renderFindingsJson", () => {
  const run = sampleRun();
  const text = renderFindingsJson(run);

  it("writes the contract's top-level fields in order", () => {
    assert.deepEqual(Object.keys(JSON.parse(text)), [
      "schemaVersion",
      "tool",
      "run",
      "coverage",
      "summary",
      "results",
      "resolved",
      "diagnostics",
      "clusters",
      "names",
    ]);
  });

  it("keeps every result, passing and not applicable ones included", () => {
    const parsed = JSON.parse(text) as RunRecord;
    assert.deepEqual(parsed.results.map((result) => result.status).sort(), [
      "error",
      "fail",
      "fail",
      "fail",
      "fail",
      "not_applicable",
      "pass",
      "suppressed",
      "unverified",
    ]);
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(run)));
  });

  it("is pretty, ends with a newline, and does not depend on the order the run was built in", () => {
    const reordered = Object.fromEntries(Object.entries(run).reverse()) as unknown as RunRecord;
    assert.equal(renderFindingsJson(reordered), text);
    assert.ok(text.startsWith('{\n  "schemaVersion": 1,\n'));
    assert.ok(text.endsWith("}\n"));
  });
});
