import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PrincipalPacer, parseResetsAfter, retryDelay } from "../../src/collect/pacing.ts";
import { GraphRequestError } from "../../src/collect/graph-client.ts";
import { subscriptionBatches } from "../../src/collect/scopes.ts";
import { fakeClock } from "./fakes.ts";

const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

describe("pacing", () => {
  const resets = [
    { value: "00:00:02", ms: 2000 },
    { value: "01:02:03", ms: 3_723_000 },
    { value: "00:00:00.5", ms: 500 },
    { value: "soon", ms: undefined },
  ];
  for (const { value, ms } of resets) {
    it(`parses resets-after ${value}`, () => {
      assert.equal(parseResetsAfter(value), ms);
    });
  }

  it("prefers Retry-After, then the quota reset, then backoff for 429", () => {
    const pacer = new PrincipalPacer(fakeClock());
    const throttled = (retryAfter?: string): GraphRequestError =>
      new GraphRequestError(
        "slow",
        429,
        "RateLimiting",
        [],
        headers(retryAfter ? { "retry-after": retryAfter } : {}),
      );
    assert.equal(retryDelay(throttled("3"), 0, pacer), 3000);
    assert.equal(retryDelay(throttled(), 2, pacer), 4000);
    pacer.observe(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:05" }));
    // The announced reset plus the 10 ms guard against its rounding.
    assert.equal(retryDelay(throttled(), 2, pacer), 5010);
  });

  // The reset counts from when the answer began to arrive (its headers come only once the body is read).
  const arrivals = [
    { name: "when it is read", arrivedAt: undefined, ms: 5010 },
    { name: "2 s before it was read", arrivedAt: 8000, ms: 3010 },
    { name: "a time still ahead, taken as now", arrivedAt: 12_000, ms: 5010 },
  ];
  for (const { name, arrivedAt, ms } of arrivals) {
    it(`counts resets-after from the answer's arrival: ${name}`, async () => {
      const clock = fakeClock();
      await clock.sleep(10_000);
      const pacer = new PrincipalPacer(clock);
      pacer.observe(
        headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:05" }),
        arrivedAt,
      );
      assert.equal(pacer.msUntilReset(), ms);
    });
  }

  it("does not retry client errors", () => {
    const pacer = new PrincipalPacer(fakeClock());
    const forbidden = new GraphRequestError("no", 403, "AuthorizationFailed", [], headers({}));
    assert.equal(retryDelay(forbidden, 0, pacer), undefined);
  });

  it("batches subscriptions below 300 and rejects a batch size of 300", () => {
    const batches = subscriptionBatches(
      Array.from({ length: 599 }, (_, n) => `s${n}`),
      299,
    );
    assert.deepEqual(
      batches.map((batch) => batch.subscriptions?.length),
      [299, 299, 1],
    );
    assert.throws(() => subscriptionBatches(["s"], 300), /from 1 to 299/);
  });
});
