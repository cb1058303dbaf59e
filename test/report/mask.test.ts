// Tests for maskRun: every subscription id goes wherever it is, nothing else changes, and the shape is kept.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RunRecord } from "../../src/findings/run.ts";
import { maskRun, maskSubscriptionId } from "../../src/report/mask.ts";
import {
  makeResult,
  sampleRun,
  subscriptionBatch,
  subscriptionLab,
  subscriptionProd,
  tenantOne,
} from "./sample-run.ts";
import fc from "fast-check";

/** A subscription id the run names only inside an ARM id (no `subscriptionId` field carries it). */
const hiddenSubscription = "dddddddd-0000-4000-8000-0000000099aa";
/** A GUID that is no subscription (a principal): it must stay. */
const principal = "eeeeeeee-1111-4111-8111-111111111111";

/** The sample run with one more result; its resource id names `hiddenSubscription` unless told otherwise. */
function runWithEvidence(
  evidence: Record<string, unknown>,
  message = "m",
  resourceId = `/subscriptions/${hiddenSubscription}/resourceGroups/rg`,
): RunRecord {
  return sampleRun({
    results: [
      makeResult({
        ruleId: "x",
        resourceId,
        message,
        evidence,
      }),
    ],
  });
}

describe("maskRun", () => {
  const cases: [name: string, message: string, masked: string][] = [
    ["a subscription id alone, exactly a GUID long", subscriptionProd, maskSubscriptionId(subscriptionProd)],
    [
      "a subscription id in capitals",
      subscriptionProd.toUpperCase(),
      maskSubscriptionId(subscriptionProd.toUpperCase()),
    ],
    ["a GUID that is no subscription", principal, principal],
    ["a GUID one character short", subscriptionProd.slice(1), subscriptionProd.slice(1)],
    [
      "two ids in one message",
      `${subscriptionLab} and ${principal} and ${hiddenSubscription.toUpperCase()}`,
      `${maskSubscriptionId(subscriptionLab)} and ${principal} and ${maskSubscriptionId(hiddenSubscription)}`,
    ],
    ["a subscription's display name", "Contoso Production", "masked …a1b2"],
    [
      "a display name inside a longer text (names go by exact value)",
      "Contoso Production!",
      "Contoso Production!",
    ],
    ["a tenant id", tenantOne, tenantOne],
  ];
  for (const [name, message, masked] of cases)
    it(`masks ${name} as it should`, () => {
      assert.equal(maskRun(runWithEvidence({}, message)).results[0]?.message, masked);
    });

  // The run names the subscription in this one text only, so it must be found there to be masked anywhere.
  const segmentCases: [name: string, text: string, found: boolean][] = [
    ["the shortest text that names it", `/subscriptions/${hiddenSubscription}`, true],
    ["the same in other capitals", `/SubScriptions/${hiddenSubscription.toUpperCase()}`, true],
    ["a text one character short of it", `/subscriptions/${hiddenSubscription.slice(1)}`, false],
    ["a text with no `/subscriptions/` before it", `/tenants/${hiddenSubscription}`, false],
  ];
  for (const [name, text, found] of segmentCases)
    it(`learns a subscription id from its ARM id only: ${name}`, () => {
      const masked = maskRun(runWithEvidence({ other: hiddenSubscription }, text, "/x"));
      assert.equal(
        masked.results[0]?.evidence.other,
        found ? maskSubscriptionId(hiddenSubscription) : hiddenSubscription,
      );
    });

  it("masks keys as well as values, and keeps a `__proto__` key as data", () => {
    const evidence = JSON.parse(
      `{"__proto__": "${subscriptionProd}", "${subscriptionLab}": {"nested": ["${subscriptionLab}", 7, null, true]}}`,
    ) as Record<string, unknown>;
    const masked = maskRun(runWithEvidence(evidence)).results[0]?.evidence as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(masked), Object.prototype);
    assert.deepEqual(Object.keys(masked), ["__proto__", maskSubscriptionId(subscriptionLab)]);
    assert.equal(
      Object.getOwnPropertyDescriptor(masked, "__proto__")?.value,
      maskSubscriptionId(subscriptionProd),
    );
    assert.deepEqual(masked[maskSubscriptionId(subscriptionLab)], {
      nested: [maskSubscriptionId(subscriptionLab), 7, null, true],
    });
  });

  it("masks one run once: the files, the view and the email share the copy", () => {
    const run = sampleRun();
    assert.equal(maskRun(run), maskRun(run));
    assert.notEqual(maskRun(sampleRun()), maskRun(run));
  });

  const subscriptions = [subscriptionProd, subscriptionLab, hiddenSubscription, subscriptionBatch];
  /** Texts that put ids, ARM id segments and display names next to each other, in any case. */
  const text = fc
    .array(
      fc.constantFrom(
        subscriptionProd,
        subscriptionLab.toUpperCase(),
        hiddenSubscription,
        principal,
        "/subscriptions/",
        "/SubScriptions/",
        "-",
        "x",
        "Contoso Batch",
        "0000",
      ),
      { maxLength: 5 },
    )
    .map((pieces) => pieces.join(""));
  /** Puts every masked id and name back: the unmasked run again, had only those changed, in place. */
  const unmask = (json: string): string =>
    json
      .replaceAll("masked …c3d4", "contoso batch")
      .replaceAll("masked …a1b2", "contoso production")
      .replaceAll("masked …1111", "contoso")
      .replace(
        /xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx([0-9a-f]{4})/g,
        // The principal is masked too where a text puts it after `/subscriptions/`.
        (mask, last: string) => [...subscriptions, principal].find((id) => id.endsWith(last)) ?? mask,
      );

  it("leaves no subscription id nor display name, and changes nothing else (property)", () => {
    fc.assert(
      fc.property(text, fc.array(fc.tuple(text, text, text), { maxLength: 4 }), (message, entries) => {
        const evidence: Record<string, unknown> = { owner: principal };
        for (const [key, value, inner] of entries) evidence[key] = [value, { inner }, 4, null];
        const run = runWithEvidence(evidence, message);
        const masked = maskRun(run);
        const json = JSON.stringify(masked).toLowerCase();
        for (const subscription of subscriptions)
          assert.ok(!json.includes(subscription), `${subscription} leaked`);
        for (const name of ["contoso batch", "contoso production"])
          assert.ok(!JSON.stringify(masked.results).toLowerCase().includes(`"${name}"`), `${name} leaked`);
        assert.equal(
          unmask(JSON.stringify({ ...masked, names: run.names }).toLowerCase()),
          JSON.stringify(run).toLowerCase(),
        );
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});
