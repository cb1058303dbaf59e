// Property laws the net tests leave open: free blocks across several spaces and both families, successive
// allocations that never overlap, and capacity laws (halving, containment, per-subnet sums).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { lowestFreeBlock } from "../../src/net/free-block.ts";
import {
  addressBits,
  addressCount,
  azureReservedAddressesPerPrefix,
  formatPrefix,
  makePrefix,
  parsePrefix,
  prefixContains,
  prefixesOverlap,
  usableAddressCount,
  type IpFamily,
  type Prefix,
} from "../../src/net/prefix.ts";
import { subnetIpv4Capacity } from "../../src/inventory/relations.ts";
import { subnet } from "../builders.ts";

const ipv4Base = 0x0a000000n; // 10.0.0.0
const ipv6Base = 0xfd000000000000000000000000000000n; // fd00::

/** Prefixes near a base so that random ones often nest, touch or overlap. */
function nearby(family: IpFamily, minLength: number): fc.Arbitrary<Prefix> {
  const base = family === 4 ? ipv4Base : ipv6Base;
  const bits = addressBits(family);
  return fc
    .tuple(fc.integer({ min: 0, max: 2047 }), fc.integer({ min: minLength, max: bits }))
    .map(([offset, length]) => makePrefix(family, base + (BigInt(offset) << BigInt(bits - 32)), length));
}

const spacesArb = fc.array(fc.oneof(nearby(4, 21), nearby(6, 21)), { minLength: 1, maxLength: 3 });
const takenArb = fc.array(fc.oneof(nearby(4, 21), nearby(6, 21)), { maxLength: 10 });
const blockLengthArb = fc.integer({ min: 24, max: 29 });

function isAligned(block: Prefix): boolean {
  return block.network % addressCount(block) === 0n;
}

describe("free-block search, several spaces and both families", () => {
  it("returns an aligned block of the asked length inside one space, overlapping no taken prefix", () => {
    fc.assert(
      fc.property(spacesArb, takenArb, blockLengthArb, (spaces, taken, length) => {
        const block = lowestFreeBlock(spaces, taken, length);
        if (block === undefined) return;
        assert.equal(block.length, length);
        assert.ok(isAligned(block), `${formatPrefix(block.family, block.network, block.length)} is aligned`);
        assert.ok(
          spaces.some((space) => prefixContains(space, block)),
          "inside one address space",
        );
        assert.ok(
          taken.every((p) => !prefixesOverlap(p, block)),
          "overlaps no taken prefix",
        );
      }),
      { numRuns: 400 },
    );
  });

  it("successive allocations, each added to the taken list, never overlap each other", () => {
    fc.assert(
      fc.property(
        spacesArb,
        takenArb,
        fc.array(blockLengthArb, { minLength: 1, maxLength: 8 }),
        (spaces, taken, lengths) => {
          const allocated: Prefix[] = [];
          for (const length of lengths) {
            const block = lowestFreeBlock(spaces, [...taken, ...allocated], length);
            if (block === undefined) continue;
            assert.ok(
              allocated.every((earlier) => !prefixesOverlap(earlier, block)),
              "a new block overlaps an earlier one",
            );
            allocated.push(block);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds nothing only when the space is full: the taken prefixes then cover every block", () => {
    fc.assert(
      fc.property(nearby(4, 26), takenArb, fc.integer({ min: 27, max: 29 }), (space, taken, length) => {
        if (lowestFreeBlock([space], taken, length) !== undefined) return;
        const step = 1n << BigInt(32 - length);
        for (
          let network = space.network;
          network <= space.network + addressCount(space) - step;
          network += step
        ) {
          const candidate = makePrefix(4, network, length);
          assert.ok(
            taken.some((p) => prefixesOverlap(p, candidate)),
            "a free block was missed",
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("capacity laws", () => {
  const ipv4Arb = fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 31 }))
    .map(([address, length]) => makePrefix(4, BigInt(address), length));

  it("a prefix holds exactly the addresses of its two halves", () => {
    fc.assert(
      fc.property(ipv4Arb, (p) => {
        const lower = makePrefix(4, p.network, p.length + 1);
        const upper = makePrefix(4, p.network + addressCount(lower), p.length + 1);
        assert.equal(addressCount(lower) + addressCount(upper), addressCount(p));
        // Azure keeps 5 addresses of every prefix, so splitting a subnet costs 5 usable ones once both halves can hold them.
        if (addressCount(lower) >= BigInt(azureReservedAddressesPerPrefix)) {
          assert.equal(
            usableAddressCount(lower) + usableAddressCount(upper),
            usableAddressCount(p) - azureReservedAddressesPerPrefix,
          );
        }
      }),
    );
  });

  it("a contained prefix never has more usable addresses than its container", () => {
    fc.assert(
      fc.property(ipv4Arb, fc.integer({ min: 0, max: 32 }), (outer, extra) => {
        const inner = makePrefix(4, outer.network, Math.min(32, outer.length + extra));
        assert.ok(prefixContains(outer, inner));
        assert.ok(usableAddressCount(inner) <= usableAddressCount(outer));
      }),
    );
  });

  it("a subnet's capacity is the sum over its IPv4 prefixes, in any order, and ignores IPv6 ones", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(ipv4Arb, nearby(6, 48)), { maxLength: 4 }), (prefixes) => {
        const texts = prefixes.map((p) => formatPrefix(p.family, p.network, p.length));
        const expected = prefixes
          .filter((p) => p.family === 4)
          .reduce((sum, p) => sum + usableAddressCount(p), 0);
        assert.equal(subnetIpv4Capacity(subnet({ addressPrefixes: texts })).capacity, expected);
        assert.equal(
          subnetIpv4Capacity(subnet({ addressPrefixes: [...texts].reverse() })).capacity,
          expected,
        );
        assert.ok(
          texts.every((text) => parsePrefix(text) !== undefined),
          "formatted prefixes parse back",
        );
      }),
    );
  });
});
