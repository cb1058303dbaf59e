// freeGarbage frees unreachable objects without giving the program a global `gc`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freeGarbage } from "../../src/engine/free-garbage.ts";

describe("freeGarbage", () => {
  it("frees what is no longer reachable and leaves no gc on the global object", () => {
    const holder: { garbage?: { index: number; text: string }[] } = {};
    holder.garbage = Array.from({ length: 500_000 }, (_, index) => ({
      index,
      text: `row ${String(index)}`,
    }));
    const before = process.memoryUsage().heapUsed;
    assert.equal(holder.garbage.length, 500_000);
    delete holder.garbage;
    freeGarbage();
    assert.ok(process.memoryUsage().heapUsed < before - 10_000_000, "at least 10 MB freed");
    assert.equal((globalThis as { gc?: unknown }).gc, undefined);
  });
});
