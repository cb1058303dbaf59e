// Tests for the plain IPv4 prefix check: it says "valid" only where parsePrefix gives an IPv4 prefix.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { isPlainIpv4Prefix, readPlainIpv4Prefix } from "../../src/net/ipv4-syntax.ts";
import { parsePrefix } from "../../src/net/prefix.ts";

/**
 * parsePrefix by its generic path: it reads the plain form itself through `readPlainIpv4Prefix`, and a padded
 * text is never the plain form, while parsePrefix trims it. Comparing with parsePrefix of the text itself would
 * test the check against itself.
 */
const genericParse = (text: string): ReturnType<typeof parsePrefix> => parsePrefix(` ${text}`);

const cases: readonly [string, boolean][] = [
  ["10.0.0.0/8", true],
  ["192.168.1.0/24", true],
  ["0.0.0.0/0", true],
  ["255.255.255.255/32", true],
  ["10.0.0.5", true],
  ["10.0.0.5/24", true],
  ["10.0.0.0/33", false],
  ["10.0.0.0/05", false],
  ["10.0.0.0/", false],
  ["10.0.0.0/100", false],
  ["10.0.0.256", false],
  ["10.01.0.0", false],
  ["10.0.0", false],
  ["10.0.0.0.0", false],
  ["10..0.0", false],
  [".10.0.0", false],
  ["10.0.0.0/8/8", false],
  [" 10.0.0.0/8", false],
  ["10.0.0.0/8 ", false],
  ["fd00::/64", false],
  ["::ffff:10.0.0.1", false],
  ["VirtualNetwork", false],
  ["*", false],
  ["", false],
  ["10.0.0.1-10.0.0.9", false],
];

describe("isPlainIpv4Prefix", () => {
  for (const [text, plain] of cases) {
    it(`${JSON.stringify(text)} → ${String(plain)}`, () => {
      assert.equal(isPlainIpv4Prefix(text), plain);
    });
  }

  it("true only where parsePrefix gives an IPv4 prefix, and never a false yes (whitespace aside)", () => {
    // Texts of digits, dots and slashes near the grammar's edges: there the two must agree exactly.
    const part = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.constantFrom("", "0", "00", "01", "007", "255", "256"),
    );
    const text = fc.oneof(
      fc
        .tuple(fc.array(part, { minLength: 1, maxLength: 6 }), fc.option(part, { nil: undefined }))
        .map(([parts, length]) => `${parts.join(".")}${length === undefined ? "" : `/${length}`}`),
      fc.stringMatching(/^[0-9./]{0,20}$/),
    );
    fc.assert(
      fc.property(text, (candidate) => {
        assert.equal(isPlainIpv4Prefix(candidate), genericParse(candidate)?.family === 4, candidate);
      }),
      { numRuns: 5000 },
    );
  });

  it("any text it accepts parses, whatever its characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), (candidate) => {
        if (isPlainIpv4Prefix(candidate)) assert.equal(genericParse(candidate)?.family, 4, candidate);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("readPlainIpv4Prefix", () => {
  const read: readonly [string, number, number | undefined][] = [
    ["10.0.0.0/8", 0x0a000000, 8],
    ["192.168.1.7/24", 0xc0a80107, 24],
    ["0.0.0.0/0", 0, 0],
    ["255.255.255.255/32", 0xffffffff, 32],
    ["10.0.0.5", 0x0a000005, undefined],
  ];
  for (const [text, address, length] of read) {
    it(`${text} → ${String(address)}, ${String(length)}`, () => {
      assert.deepEqual(readPlainIpv4Prefix(text), { address, length });
    });
  }
});
