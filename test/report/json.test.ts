// Tests for findings.json: the contract's field order, every result kept, stable output.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RunRecord } from "../../src/findings/run.ts";
import { findingsJsonChunks, renderFindingsJson } from "../../src/report/json.ts";
import { makeResult, prodClusterId, sampleRun } from "./sample-run.ts";

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

describe("findingsJsonChunks", () => {
  /** What the file held when it was one `JSON.stringify` call: the pieces must join to exactly these bytes. */
  function wholeText(run: RunRecord): string {
    const ordered = {
      schemaVersion: run.schemaVersion,
      tool: run.tool,
      run: run.run,
      coverage: run.coverage,
      summary: run.summary,
      results: run.results,
      resolved: run.resolved,
      diagnostics: run.diagnostics,
      clusters: run.clusters,
    };
    return `${JSON.stringify(run.names ? { ...ordered, names: run.names } : ordered, null, 2)}\n`;
  }
  const manyResults = Array.from({ length: 7 }, (_, index) =>
    makeResult({
      ruleId: "rule-a",
      resourceId: `${prodClusterId}-${String(index)}`,
      evidence: { index, ids: [] },
    }),
  );
  const runs: [name: string, run: RunRecord][] = [
    ["the sample run", sampleRun()],
    ["empty lists", sampleRun({ results: [], resolved: [], diagnostics: [], clusters: [] })],
    ["no names", { ...sampleRun(), names: undefined }],
    [
      "seven results and one resolved",
      sampleRun({ results: manyResults, resolved: manyResults.slice(0, 1) }),
    ],
  ];
  for (const [name, run] of runs)
    for (const perPiece of [1, 2, 3, 7, 256]) {
      it(`${name}, ${String(perPiece)} elements a piece: the bytes of one JSON.stringify`, () => {
        const pieces = [...findingsJsonChunks(run, perPiece)];
        assert.equal(pieces.join(""), wholeText(run));
        const longest = Math.max(run.results.length, run.clusters.length);
        assert.ok(pieces.length >= Math.ceil(longest / perPiece), "a long array comes in several pieces");
      });
    }
});
