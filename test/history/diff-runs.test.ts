// `diff RUN_A RUN_B`: new, resolved and persisting findings and their plain-text rendering.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffRuns, renderRunDiff } from "../../src/history/diff-runs.ts";
import { clusterA, clusterB, makeResult, makeRun } from "./fixtures/records.ts";

describe("diffRuns", () => {
  const stays = makeResult({ ruleId: "rule-a", resourceId: clusterA });
  const fixed = makeResult({ ruleId: "rule-b", resourceId: clusterB, severity: "medium", detail: "pool1" });
  const appears = makeResult({ ruleId: "rule-c", resourceId: clusterB, severity: "critical" });
  const runA = makeRun("20261125T000000Z-aaaaaa", [stays, fixed]);
  const runB = makeRun("20261126T000000Z-bbbbbb", [stays, { ...fixed, status: "pass" }, appears]);

  it("splits findings into new, resolved and persisting", () => {
    const diff = diffRuns(runA, runB);
    assert.deepEqual(
      [diff.new, diff.resolved, diff.persisting].map((list) => list.map((r) => r.ruleId)),
      [["rule-c"], ["rule-b"], ["rule-a"]],
    );
    assert.equal(diff.sameScope, true);
  });

  it("renders counts, then + and - lines", () => {
    assert.equal(
      renderRunDiff(diffRuns(runA, runB)),
      [
        "Changes from run 20261125T000000Z-aaaaaa to run 20261126T000000Z-bbbbbb",
        "new: 1  resolved: 1  persisting: 1",
        "",
        `+ [critical] rule-c  ${clusterB}`,
        `- [medium] rule-b  ${clusterB}  pool1`,
        "",
      ].join("\n"),
    );
  });

  it("warns when the runs scanned different inputs", () => {
    const other = makeRun("20261126T000000Z-cccccc", [], ["other.json"]);
    const diff = diffRuns(runA, other);
    assert.equal(diff.sameScope, false);
    assert.match(renderRunDiff(diff), /different inputs/);
  });
});
