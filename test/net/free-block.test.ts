// Tests for finding the lowest free aligned block in a VNet address space.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { addressRoom, lowestFreeBlock } from "../../src/net/free-block.ts";
import {
  lastAddress,
  makePrefix,
  parsePrefix,
  prefixContains,
  prefixesOverlap,
} from "../../src/net/prefix.ts";
import type { Prefix } from "../../src/net/prefix.ts";

function prefixes(texts: readonly string[]): Prefix[] {
  return texts.map((text) => {
    const parsed = parsePrefix(text);
    assert.ok(parsed, `test fixture ${text} must parse`);
    return parsed;
  });
}

describe("lowestFreeBlock", () => {
  const cases: [
    name: string,
    space: string[],
    taken: string[],
    length: number,
    expected: string | undefined,
  ][] = [
    ["empty space", ["10.0.0.0/16"], [], 28, "10.0.0.0/28"],
    [
      "after several subnets",
      ["10.0.0.0/16"],
      ["10.0.0.0/24", "10.0.1.0/26", "10.0.1.64/28"],
      28,
      "10.0.1.80/28",
    ],
    ["in a gap between subnets", ["10.0.0.0/24"], ["10.0.0.0/28", "10.0.0.32/27"], 28, "10.0.0.16/28"],
    [
      "taken given out of order",
      ["10.0.0.0/24"],
      ["10.0.0.32/27", "10.0.0.0/28", "10.0.0.16/28"],
      28,
      "10.0.0.64/28",
    ],
    ["aligns past a small subnet", ["10.0.0.0/24"], ["10.0.0.4/30"], 28, "10.0.0.16/28"],
    ["a space fully used", ["10.0.0.0/24"], ["10.0.0.0/25", "10.0.0.128/25"], 28, undefined],
    ["a space covered by a supernet", ["10.0.0.0/24"], ["10.0.0.0/16"], 28, undefined],
    ["first space full, second free", ["10.0.0.0/24", "10.1.0.0/24"], ["10.0.0.0/24"], 28, "10.1.0.0/28"],
    ["spaces listed high first", ["10.1.0.0/24", "10.0.0.0/24"], [], 28, "10.0.0.0/28"],
    ["block larger than the space", ["10.0.0.0/29"], [], 28, undefined],
    ["block exactly the space", ["10.0.0.0/28"], [], 28, "10.0.0.0/28"],
    ["other-family subnets ignored", ["10.0.0.0/24"], ["::/0"], 28, "10.0.0.0/28"],
    ["IPv6 space", ["fd00::/48"], ["fd00::/64"], 64, "fd00:0:0:1::/64"],
    ["IPv4 /28 cannot fit an IPv6 /48 space", ["10.0.0.0/28", "fd00::/48"], ["10.0.0.0/28"], 28, undefined],
    [
      "last block of the space",
      ["10.0.0.0/24"],
      ["10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/27", "10.0.0.224/28"],
      28,
      "10.0.0.240/28",
    ],
    ["no address space", [], [], 28, undefined],
    ["invalid length", ["10.0.0.0/16"], [], 33, undefined],
  ];
  for (const [name, space, taken, length, expected] of cases) {
    it(name, () => {
      assert.equal(lowestFreeBlock(prefixes(space), prefixes(taken), length)?.text, expected);
    });
  }

  // Speed is measured in `npm run bench`; this case proves the answer on a /8 with many subnets.
  it("finds the only free /28 of a /8 with hundreds of subnets", () => {
    // 1000 /24 subnets at the bottom, plus halves 10.0.0.0/9, 10.128.0.0/10, … /28 that leave only the top /28.
    const subnets = Array.from({ length: 1000 }, (_, i) => makePrefix(4, 0x0a000000n + BigInt(i) * 256n, 24));
    const halves = Array.from({ length: 20 }, (_, i) =>
      makePrefix(4, 0x0b000000n - (1n << BigInt(24 - i)), 9 + i),
    );
    const block = lowestFreeBlock(prefixes(["10.0.0.0/8"]), [...halves, ...subnets], 28);
    assert.equal(block?.text, "10.255.255.240/28");
  });
});

/** Reference answer: every aligned block of the space, lowest first. Only for small spaces. */
function bruteForce(space: Prefix, taken: readonly Prefix[], length: number): Prefix | undefined {
  const blockSize = 1n << BigInt(32 - length);
  for (let start = space.network; start + blockSize - 1n <= lastAddress(space); start += blockSize) {
    const block = makePrefix(4, start, length);
    if (!taken.some((p) => prefixesOverlap(p, block))) return block;
  }
  return undefined;
}

describe("lowestFreeBlock properties", () => {
  const space = makePrefix(4, 0x0a000000n, 24);
  // Subnets anywhere around the /24, including ones that straddle or cover it.
  const takenArb = fc.array(
    fc
      .tuple(fc.integer({ min: -256, max: 511 }), fc.integer({ min: 22, max: 32 }))
      .map(([offset, length]) => makePrefix(4, 0x0a000000n + BigInt(offset), length)),
    { maxLength: 12 },
  );
  const lengthArb = fc.integer({ min: 24, max: 32 });

  it("returns a block inside the space that overlaps no taken prefix", () => {
    fc.assert(
      fc.property(takenArb, lengthArb, (taken, length) => {
        const block = lowestFreeBlock([space], taken, length);
        if (block === undefined) return;
        assert.equal(block.length, length);
        assert.ok(prefixContains(space, block));
        assert.ok(taken.every((p) => !prefixesOverlap(p, block)));
      }),
    );
  });

  it("matches a brute-force scan, so no lower free block exists", () => {
    fc.assert(
      fc.property(takenArb, lengthArb, (taken, length) => {
        assert.deepEqual(lowestFreeBlock([space], taken, length), bruteForce(space, taken, length));
      }),
      { numRuns: 500 },
    );
  });
});

describe("addressRoom", () => {
  const cases: [
    name: string,
    space: string[],
    taken: string[],
    takes: string[],
    expected: string | undefined,
  ][] = [
    ["nothing taken later: as lowestFreeBlock", ["10.0.0.0/24"], ["10.0.0.0/28"], [], "10.0.0.16/28"],
    ["a taken block moves the answer on", ["10.0.0.0/24"], ["10.0.0.0/28"], ["10.0.0.16/28"], "10.0.0.32/28"],
    ["a block taken below the others", ["10.0.0.0/24"], ["10.0.0.32/27"], ["10.0.0.0/28"], "10.0.0.16/28"],
    [
      "takes that fill the space",
      ["10.0.0.0/26"],
      ["10.0.0.0/27"],
      ["10.0.0.32/28", "10.0.0.48/28"],
      undefined,
    ],
    ["an IPv6 take leaves IPv4 alone", ["10.0.0.0/24"], [], ["fd00::/64"], "10.0.0.0/28"],
    ["a take out of the space changes nothing", ["10.0.0.0/24"], [], ["10.9.0.0/28"], "10.0.0.0/28"],
  ];
  for (const [name, space, taken, takes, expected] of cases) {
    it(name, () => {
      const room = addressRoom(prefixes(space), prefixes(taken));
      for (const block of prefixes(takes)) room.take(block);
      assert.equal(room.lowestFree(28)?.text, expected);
      assert.equal(lowestFreeBlock(prefixes(space), prefixes([...taken, ...takes]), 28)?.text, expected);
    });
  }

  it("does not change the arrays it was given", () => {
    const space = prefixes(["10.1.0.0/24", "10.0.0.0/24"]);
    const taken = prefixes(["10.0.0.32/27", "10.0.0.0/28"]);
    const room = addressRoom(space, taken);
    room.take(prefixes(["10.0.0.16/28"])[0]!);
    assert.deepEqual(
      space.map((p) => p.text),
      ["10.1.0.0/24", "10.0.0.0/24"],
    );
    assert.deepEqual(
      taken.map((p) => p.text),
      ["10.0.0.32/27", "10.0.0.0/28"],
    );
  });

  it("answers as lowestFreeBlock over everything taken, after any sequence of takes", () => {
    const space = makePrefix(4, 0x0a000000n, 24);
    const prefixArb = fc
      .tuple(fc.integer({ min: -256, max: 511 }), fc.integer({ min: 22, max: 32 }))
      .map(([offset, length]) => makePrefix(4, 0x0a000000n + BigInt(offset), length));
    fc.assert(
      fc.property(
        fc.array(prefixArb, { maxLength: 8 }),
        fc.array(prefixArb, { maxLength: 8 }),
        fc.integer({ min: 24, max: 32 }),
        (taken, takes, length) => {
          const room = addressRoom([space], taken);
          const all = [...taken];
          for (const block of takes) {
            room.take(block);
            all.push(block);
            assert.deepEqual(room.lowestFree(length), lowestFreeBlock([space], all, length));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
