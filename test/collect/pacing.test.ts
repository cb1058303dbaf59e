import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PrincipalPacer, latestResetMs, parseResetsAfter, retryDelay } from "../../src/collect/pacing.ts";
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

  // Rounded to its last digit, the written value can be up to one unit of that digit short.
  const latest = [
    { value: "00:00:03", ms: 4000 }, // the guidance's example, in whole seconds
    { value: "00:01:00", ms: 61_000 },
    { value: "00:00:00.5", ms: 600 },
    { value: "00:00:04.987", ms: 4988 },
    { value: "soon", ms: undefined },
  ];
  for (const { value, ms } of latest) {
    it(`takes resets-after ${value} as a reset at ${String(ms)} ms at the latest`, () => {
      assert.equal(latestResetMs(value), ms);
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
    // The latest reset whole seconds allow (up to a second more than written), plus the 10 ms guard.
    assert.equal(retryDelay(throttled(), 2, pacer), 6010);
  });

  // The reset counts from when the answer began to arrive (its headers come only once the body is read).
  const arrivals = [
    { name: "when it is read", arrivedAt: undefined, ms: 5011 },
    { name: "2 s before it was read", arrivedAt: 8000, ms: 3011 },
    { name: "a time still ahead, taken as now", arrivedAt: 12_000, ms: 5011 },
  ];
  for (const { name, arrivedAt, ms } of arrivals) {
    it(`counts resets-after from the answer's arrival: ${name}`, async () => {
      const clock = fakeClock();
      await clock.sleep(10_000);
      const pacer = new PrincipalPacer(clock);
      pacer.observe(
        headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:05.000" }),
        arrivedAt,
      );
      assert.equal(pacer.msUntilReset(), ms);
    });
  }

  // The example of Resource Graph's throttling guidance: "x-ms-user-quota-remaining: 10" and
  // "x-ms-user-quota-resets-after: 00:00:03" allow 10 more queries within the next 3 seconds
  // (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests).
  it("lets out the guidance's 10 queries at once, then waits out its 3 s and the second they may be short", async () => {
    const clock = fakeClock();
    const pacer = new PrincipalPacer(clock);
    pacer.observe(headers({ "x-ms-user-quota-remaining": "10", "x-ms-user-quota-resets-after": "00:00:03" }));
    for (let query = 0; query < 10; query++) await pacer.acquire();
    assert.deepEqual(clock.sleeps, []);
    await pacer.acquire();
    assert.deepEqual(clock.sleeps, [4010]);
  });

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
