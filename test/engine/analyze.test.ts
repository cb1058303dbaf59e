// The engine: rule outcomes become contract results; a throwing rule becomes an error result, the rest go on.
import { normalize } from "../../src/inventory/normalize.ts";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../src/engine/analyze.ts";
import { fingerprint } from "../../src/engine/fingerprint.ts";
import type { RuleOutcome } from "../../src/findings/result.ts";
import { defineRule, type Rule, type RuleContext } from "../../src/rules/define.ts";

const subject = {
  id: "/subscriptions/S1/resourceGroups/rg/providers/X/y/Z",
  type: "x/y",
  tenantId: "t",
  subscriptionId: "s1",
};

function fakeRule(id: string, evaluate: () => Iterable<RuleOutcome>): Rule {
  return defineRule({
    meta: {
      id,
      title: id,
      severity: "medium",
      resource: "cluster",
      rationale: "r",
      remediation: `fix ${id}`,
      docs: "d",
    },
    evaluate,
  });
}

// Rules here ignore the context; analyze itself reads the inventory for content gaps.
const context = { inventory: normalize([]) } as unknown as RuleContext;

describe("analyze", () => {
  it("turns outcomes into results with the rule's severity, remediation and a fingerprint", () => {
    const rule = fakeRule("a-rule", () => [
      { status: "fail", subject, message: "bad", detail: "pool1" },
      { status: "pass", subject, message: "fine", detail: "pool2" },
      { status: "fail", severity: "critical", subject, message: "worse", detail: "pool3" },
    ]);
    const results = analyze([rule], context);
    assert.deepEqual(
      results.map((r) => [r.status, r.severity, r.detail, r.remediation]),
      [
        ["fail", "medium", "pool1", "fix a-rule"],
        ["pass", "medium", "pool2", ""],
        ["fail", "critical", "pool3", "fix a-rule"],
      ],
    );
    const [first] = results;
    assert.ok(first);
    assert.equal(first.fingerprint, fingerprint("a-rule", subject.id, "pool1"));
    assert.equal(first.subscriptionId, "s1");
  });

  it("keeps one result per (rule, resource, detail), ignoring id case", () => {
    const rule = fakeRule("dup", () => [
      { status: "fail", subject, message: "first" },
      { status: "fail", subject: { ...subject, id: subject.id.toLowerCase() }, message: "second" },
    ]);
    const results = analyze([rule], context);
    assert.equal(results.length, 1);
    assert.equal(results[0]?.message, "first");
  });

  it("records a throwing rule as an error result and runs the next rule", () => {
    const broken = fakeRule("broken", function* () {
      yield { status: "pass", subject, message: "before the throw" };
      throw new Error("boom");
    });
    const healthy = fakeRule("healthy", () => [{ status: "fail", subject, message: "still evaluated" }]);
    const results = analyze([broken, healthy], context);
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.status]),
      [
        ["broken", "pass"],
        ["broken", "error"],
        ["healthy", "fail"],
      ],
    );
    assert.match(results[1]?.message ?? "", /boom/);
  });
});

describe("fingerprint", () => {
  it("is stable across id casing and differs by rule and detail", () => {
    assert.equal(fingerprint("r", "/A/B", "x"), fingerprint("r", "/a/b", "x"));
    assert.notEqual(fingerprint("r", "/a/b", "x"), fingerprint("r", "/a/b", "y"));
    assert.notEqual(fingerprint("r", "/a/b", "x"), fingerprint("q", "/a/b", "x"));
    assert.match(fingerprint("r", "/a/b", ""), /^[0-9a-f]{20}$/);
  });

  // Stored runs compare fingerprints across versions: these are the digests every earlier version wrote.
  const known: [ruleId: string, resourceId: string, detail: string, expected: string][] = [
    [
      "nsg-blocks-apiserver-traffic",
      "/subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/aks-1",
      "",
      "72061d8a7c37bf900828",
    ],
    ["rule-pinned-to-apiserver-ip", "/subscriptions/s/x", "10.0.0.4", "e127787ca971de81e69a"],
    ["r", "", "error", "49305e25f8661fd13cce"],
    ["r", "/ä/Ü", "Détail", "8d2a2a81b51437c0e71c"],
  ];
  for (const [ruleId, resourceId, detail, expected] of known) {
    it(`keeps the digest of (${ruleId}, ${resourceId || "no id"}, ${detail || "no detail"})`, () => {
      assert.equal(fingerprint(ruleId, resourceId, detail), expected);
    });
  }
});
