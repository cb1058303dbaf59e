// ARM GETs stay within ARM's read bucket (250, refilled at 25 a second) and follow ARM's own remaining count.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArmReadPacer, armReadBucket } from "../../src/collect/arm-pacing.ts";
import { VirtualClock } from "./fakes.ts";

async function sendTimes(count: number, setup?: (pacer: ArmReadPacer) => void): Promise<number[]> {
  const clock = new VirtualClock();
  const pacer = new ArmReadPacer(clock);
  setup?.(pacer);
  const times: number[] = [];
  await clock.run(
    Promise.all(
      Array.from({ length: count }, async () => {
        await pacer.acquire();
        times.push(clock.now());
        pacer.release();
      }),
    ),
  );
  return times.sort((a, b) => a - b);
}

describe("ArmReadPacer", () => {
  const counts = [10, 250, 400, 900];
  for (const count of counts) {
    it(`${count} GETs: no interval holds more than the bucket plus its refill`, async () => {
      const times = await sendTimes(count);
      assert.equal(times.length, count);
      for (let first = 0; first < times.length; first++) {
        for (let last = first; last < times.length; last += 17) {
          const seconds = (times[last]! - times[first]!) / 1000;
          const allowed = armReadBucket.size + armReadBucket.refillPerSecond * seconds + 1;
          assert.ok(last - first + 1 <= allowed, `${last - first + 1} in ${seconds} s`);
        }
      }
      // The bucket is used: the first 250 go at once.
      assert.equal(times.filter((time) => time === 0).length, Math.min(count, armReadBucket.size));
    });
  }

  it("spends no more than ARM says is left", async () => {
    const times = await sendTimes(30, (pacer) => {
      pacer.observe((name) => (name === "x-ms-ratelimit-remaining-subscription-reads" ? "5" : undefined));
    });
    assert.equal(times.filter((time) => time === 0).length, 5);
  });

  it("waits out a Retry-After", async () => {
    const times = await sendTimes(1, (pacer) => {
      pacer.observe((name) => (name === "retry-after" ? "3" : undefined));
    });
    assert.ok(times[0]! >= 3000);
  });
});
