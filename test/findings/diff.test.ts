// Tests for the run diff: withoutDiff equals the copy-and-delete it replaced, and spares results without `diff`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { diffResults, withoutDiff } from "../../src/findings/diff.ts";
import { diffStates, resultStatuses } from "../../src/findings/result.ts";
import type { Result } from "../../src/findings/result.ts";

function result(status: Result["status"], fingerprint: string, diff?: Result["diff"]): Result {
  return {
    ruleId: "a-rule",
    status,
    severity: "high",
    resourceId: `/subscriptions/s/${fingerprint}`,
    resourceType: "cluster",
    detail: "",
    message: "",
    evidence: {},
    remediation: "",
    fingerprint,
    tenantId: "",
    subscriptionId: "",
    ...(diff === undefined ? {} : { diff }),
  };
}

/** The implementation before issue 15: every result copied, `diff` deleted from the copy. */
function copyWithoutDiff(source: Result): Result {
  const copy: { -readonly [K in keyof Result]: Result[K] } = { ...source };
  delete copy.diff;
  return copy;
}

describe("withoutDiff", () => {
  it("equals copy-and-delete, key order included, and returns a result without diff as it is", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...resultStatuses),
        fc.option(fc.constantFrom(...diffStates), { nil: undefined }),
        fc.boolean(),
        (status, diff, undefinedDiff) => {
          const source: Result = undefinedDiff
            ? { ...result(status, "f"), diff: undefined }
            : result(status, "f", diff);
          const stripped = withoutDiff(source);
          assert.equal(JSON.stringify(stripped), JSON.stringify(copyWithoutDiff(source)));
          assert.deepEqual(Object.keys(stripped), Object.keys(copyWithoutDiff(source)));
          assert.equal("diff" in stripped, false);
          if (!("diff" in source)) assert.equal(stripped, source);
        },
      ),
    );
  });
});

describe("diffResults", () => {
  it("marks failing results new or persisting and strips diff from the rest", () => {
    const previous = [result("fail", "kept"), result("fail", "fixed"), result("pass", "passed")];
    const current = [result("fail", "kept"), result("unverified", "fresh"), result("pass", "fixed", "new")];
    const { results, resolved } = diffResults(current, previous);
    assert.deepEqual(
      results.map((entry) => [entry.fingerprint, entry.diff]),
      [
        ["kept", "persisting"],
        ["fresh", "new"],
        ["fixed", undefined],
      ],
    );
    assert.equal("diff" in results[2]!, false);
    assert.deepEqual(
      resolved.map((entry) => [entry.fingerprint, entry.diff]),
      [["fixed", "resolved"]],
    );
  });
});
