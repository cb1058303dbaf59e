// Exit codes follow DESIGN §8: 2 > 3 > 1 > 0.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { combineExitCodes, exitCodes } from "../../src/errors/errors.ts";

const cases: readonly { codes: readonly (0 | 1 | 2 | 3)[]; expected: number }[] = [
  { codes: [], expected: 0 },
  { codes: [0, 0], expected: 0 },
  { codes: [0, 1], expected: 1 },
  { codes: [1, 3], expected: 3 },
  { codes: [3, 2, 1], expected: 2 },
  { codes: [2, 0], expected: 2 },
];

describe("combineExitCodes", () => {
  for (const { codes, expected } of cases) {
    it(`[${codes.join(", ")}] → ${expected}`, () => {
      assert.equal(combineExitCodes(...codes), expected);
    });
  }
  it("names the codes", () => {
    assert.deepEqual(exitCodes, { clean: 0, findings: 1, usage: 2, incomplete: 3 });
  });
});
