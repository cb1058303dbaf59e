// Reconcile: suppressions (ids, globs, expiry) and the diff against the previous run of the scope.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Suppression } from "../../src/config/config.ts";
import { expiryInstant, reconcile, resourceGlob } from "../../src/engine/reconcile.ts";
import type { Result } from "../../src/findings/result.ts";
import { clusterA, clusterB, makeResult, makeRun } from "../history/fixtures/records.ts";

const now = new Date("2026-11-26T10:00:00Z");

function suppression(overrides: Partial<Suppression>): Suppression {
  return {
    rule: "rule-a",
    resource: clusterA,
    reason: "accepted risk",
    owner: "team-net",
    expires: undefined,
    ...overrides,
  };
}

function statusesAfter(results: readonly Result[], suppressions: readonly Suppression[]): string[] {
  return reconcile(results, { suppressions, now, previous: undefined }).results.map((r) => r.status);
}

describe("reconcile suppressions", () => {
  const failA = makeResult({ ruleId: "rule-a", resourceId: clusterA });
  const cases: { name: string; resource: string; rule?: string; expected: string }[] = [
    { name: "exact id", resource: clusterA, expected: "suppressed" },
    { name: "exact id in another case", resource: clusterA.toUpperCase(), expected: "suppressed" },
    { name: "other id", resource: clusterB, expected: "fail" },
    {
      name: "* within a segment",
      resource:
        "/subscriptions/s1/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-*",
      expected: "suppressed",
    },
    { name: "* does not cross segments", resource: "/subscriptions/s1/resourceGroups/*", expected: "fail" },
    { name: "** across segments", resource: "/subscriptions/S1/**", expected: "suppressed" },
    {
      name: "**/ in the middle",
      resource: "/subscriptions/s1/**/managedClusters/aks-a",
      expected: "suppressed",
    },
    { name: "rule *", resource: clusterA, rule: "*", expected: "suppressed" },
    { name: "other rule", resource: clusterA, rule: "rule-b", expected: "fail" },
  ];
  for (const { name, resource, rule, expected } of cases) {
    it(`${name} → ${expected}`, () => {
      assert.deepEqual(statusesAfter([failA], [suppression({ resource, rule: rule ?? "rule-a" })]), [
        expected,
      ]);
    });
  }

  it("keeps severity and records reason, owner and expiry on a suppressed finding", () => {
    const result = makeResult({
      ruleId: "rule-a",
      resourceId: clusterA,
      severity: "critical",
      status: "unverified",
    });
    const [out] = reconcile([result], {
      suppressions: [suppression({ expires: "2027-01-01" })],
      now,
      previous: undefined,
    }).results;
    assert.equal(out?.status, "suppressed");
    assert.equal(out.severity, "critical");
    assert.deepEqual(out.suppression, { reason: "accepted risk", owner: "team-net", expires: "2027-01-01" });
  });

  it("never suppresses passes, not-applicable results or rule errors", () => {
    const results = (["pass", "not_applicable", "error"] as const).map((status, i) =>
      makeResult({ ruleId: "rule-a", resourceId: clusterA, detail: `d${i}`, status }),
    );
    assert.deepEqual(statusesAfter(results, [suppression({ resource: "**" })]), [
      "pass",
      "not_applicable",
      "error",
    ]);
  });

  it("restores the finding of an expired suppression and reports the suppression", () => {
    const expired = suppression({ expires: "2026-11-25" });
    const out = reconcile([failA], { suppressions: [expired], now, previous: undefined });
    assert.equal(out.results[0]?.status, "fail");
    assert.deepEqual(out.expiredSuppressions, [{ suppression: expired, restored: [failA.fingerprint] }]);
    assert.equal(out.warnings.length, 1);
    const [warning] = out.warnings;
    assert.equal(warning?.level, "warning");
    assert.equal(warning.code, "suppression-expired");
    for (const part of ["rule-a", clusterA, "team-net", "2026-11-25", "1 finding"])
      assert.match(warning.message, new RegExp(part.replace(/[.*/]/g, "\\$&")));
  });

  it("treats a date-only expiry as valid through that day (UTC)", () => {
    assert.deepEqual(statusesAfter([failA], [suppression({ expires: "2026-11-26" })]), ["suppressed"]);
    assert.equal(expiryInstant("2026-11-26"), Date.parse("2026-11-27T00:00:00Z"));
    assert.equal(expiryInstant("2026-11-26T09:00:00Z"), Date.parse("2026-11-26T09:00:00Z"));
  });

  it("lets an active suppression win over an expired one on the same finding", () => {
    const out = reconcile([failA], {
      suppressions: [suppression({ expires: "2020-01-01" }), suppression({ reason: "renewed" })],
      now,
      previous: undefined,
    });
    assert.equal(out.results[0]?.suppression?.reason, "renewed");
    assert.deepEqual(out.expiredSuppressions[0]?.restored, []);
    assert.equal(out.warnings.length, 1);
  });

  it("treats an unreadable expiry as expired", () => {
    const out = reconcile([failA], {
      suppressions: [suppression({ expires: "2026-13-45" })],
      now,
      previous: undefined,
    });
    assert.equal(out.results[0]?.status, "fail");
    assert.match(out.warnings[0]?.message ?? "", /unreadable expiry/);
  });
});

describe("resourceGlob", () => {
  const table: [string, string, boolean][] = [
    ["/a/*/c", "/a/b/c", true],
    ["/a/*/c", "/a/b/x/c", false],
    ["/a/**/c", "/a/c", true],
    ["/a/**/c", "/a/b/x/c", true],
    ["/a/**", "/a/b/c", true],
    ["/a.b/c", "/aXb/c", false],
    ["/A/(x)", "/a/(X)", true],
  ];
  for (const [pattern, id, expected] of table) {
    it(`${pattern} ${expected ? "matches" : "does not match"} ${id}`, () => {
      assert.equal(resourceGlob(pattern).test(id), expected);
    });
  }
});

describe("reconcile diff", () => {
  const persisting = makeResult({ ruleId: "rule-a", resourceId: clusterA });
  const fixed = makeResult({ ruleId: "rule-b", resourceId: clusterA });
  const gone = makeResult({ ruleId: "rule-c", resourceId: clusterB, status: "suppressed" });
  const fresh = makeResult({ ruleId: "rule-d", resourceId: clusterB });
  const previous = makeRun("20261125T000000Z-aaaaaa", [
    persisting,
    fixed,
    gone,
    makeResult({ ruleId: "rule-e", resourceId: clusterA, status: "pass" }),
  ]);

  it("marks failing results new or persisting and lists resolved ones", () => {
    const current = [
      { ...persisting, resourceId: clusterA.toLowerCase() },
      { ...fixed, status: "pass" as const },
      fresh,
      makeResult({ ruleId: "rule-e", resourceId: clusterA }),
    ];
    const out = reconcile(current, { suppressions: [], now, previous });
    assert.deepEqual(
      out.results.map((r) => [r.ruleId, r.status, r.diff]),
      [
        ["rule-a", "fail", "persisting"],
        ["rule-b", "pass", undefined],
        ["rule-d", "fail", "new"],
        ["rule-e", "fail", "new"],
      ],
    );
    assert.deepEqual(
      out.resolved.map((r) => [r.ruleId, r.status, r.diff]),
      [
        ["rule-b", "fail", "resolved"],
        ["rule-c", "suppressed", "resolved"],
      ],
    );
  });

  it("counts a finding that became suppressed as persisting, not resolved", () => {
    const out = reconcile([persisting], { suppressions: [suppression({})], now, previous });
    assert.equal(out.results[0]?.status, "suppressed");
    assert.equal(out.results[0].diff, "persisting");
    assert.ok(!out.resolved.some((r) => r.fingerprint === persisting.fingerprint));
  });

  it("marks every failing result new on a first run and leaves passes without diff", () => {
    const passing = {
      ...makeResult({ ruleId: "rule-z", resourceId: clusterA, status: "pass" }),
      diff: "new" as const,
    };
    const out = reconcile([persisting, passing], { suppressions: [], now, previous: undefined });
    assert.deepEqual(
      out.results.map((r) => r.diff),
      ["new", undefined],
    );
    assert.ok(!("diff" in out.results[1]!));
    assert.deepEqual(out.resolved, []);
  });
});
