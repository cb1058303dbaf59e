// Tests for the reading order of results: the one-pass sort equals sorting with compareResults.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareResults, resultStatuses, severities, sortResults } from "../../src/findings/result.ts";
import type { Result } from "../../src/findings/result.ts";

function result(fields: Pick<Result, "ruleId" | "status" | "severity" | "resourceId" | "detail">): Result {
  return {
    ...fields,
    resourceType: "cluster",
    message: "",
    evidence: {},
    remediation: "",
    fingerprint: `${fields.ruleId}|${fields.resourceId}|${fields.detail}`,
    tenantId: "",
    subscriptionId: "",
  };
}

const resultArb = fc
  .record({
    ruleId: fc.constantFrom("nsg-blocks-apiserver-traffic", "cluster-not-vnet-integrated", "a-rule"),
    status: fc.constantFrom(...resultStatuses),
    severity: fc.constantFrom(...severities),
    resourceId: fc.constantFrom(
      "/subscriptions/s/aks-1",
      "/SUBSCRIPTIONS/S/AKS-1",
      "/subscriptions/s/aks-10",
      "",
      "é",
    ),
    detail: fc.constantFrom("", "pool-a", "Pool-A", "10.0.0.4"),
  })
  .map(result);

describe("sortResults", () => {
  const cases: [name: string, results: Result[], expected: string[]][] = [
    ["no results", [], []],
    [
      "status before severity before rule",
      [
        result({ ruleId: "b", status: "pass", severity: "critical", resourceId: "x", detail: "" }),
        result({ ruleId: "a", status: "fail", severity: "low", resourceId: "x", detail: "" }),
        result({ ruleId: "c", status: "fail", severity: "high", resourceId: "x", detail: "" }),
      ],
      ["c|x|", "a|x|", "b|x|"],
    ],
    [
      "resource ids compared without case, then details",
      [
        result({ ruleId: "a", status: "fail", severity: "high", resourceId: "B", detail: "2" }),
        result({ ruleId: "a", status: "fail", severity: "high", resourceId: "a", detail: "" }),
        result({ ruleId: "a", status: "fail", severity: "high", resourceId: "b", detail: "1" }),
      ],
      ["a|a|", "a|b|1", "a|B|2"],
    ],
  ];
  for (const [name, results, expected] of cases) {
    it(name, () => {
      assert.deepEqual(
        sortResults([...results]).map((entry) => entry.fingerprint),
        expected,
      );
    });
  }

  it("sorts in place and returns the same array", () => {
    const results = [
      result({ ruleId: "b", status: "pass", severity: "info", resourceId: "x", detail: "" }),
      result({ ruleId: "a", status: "fail", severity: "info", resourceId: "x", detail: "" }),
    ];
    const sorted = sortResults(results);
    assert.equal(sorted, results);
    assert.deepEqual(
      results.map((entry) => entry.ruleId),
      ["a", "b"],
    );
  });

  it("gives the order of a sort with compareResults, ties kept in input order", () => {
    fc.assert(
      fc.property(fc.array(resultArb, { maxLength: 40 }), (results) => {
        assert.deepEqual(sortResults([...results]), [...results].sort(compareResults));
      }),
      { numRuns: 300 },
    );
  });
});
