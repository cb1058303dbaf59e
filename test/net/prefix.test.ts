// Tests for prefix parsing, containment, overlap and Azure subnet capacity.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import fc from "fast-check";
import {
  addressCount,
  formatPrefix,
  hasHostBits,
  isSingleAddress,
  lastAddress,
  makePrefix,
  parseAddress,
  parsePrefix,
  prefixContains,
  prefixContainsAddress,
  prefixesOverlap,
  usableAddressCount,
} from "../../src/net/prefix.ts";
import type { IpFamily, Prefix } from "../../src/net/prefix.ts";

function prefix(text: string): Prefix {
  const parsed = parsePrefix(text);
  assert.ok(parsed, `test fixture ${text} must parse`);
  return parsed;
}

const prefixArb = (family: IpFamily, minLength = 0): fc.Arbitrary<Prefix> => {
  const bits = family === 4 ? 32 : 128;
  return fc
    .tuple(fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), fc.integer({ min: minLength, max: bits }))
    .map(([address, length]) => makePrefix(family, address, length));
};
const anyPrefixArb = fc.oneof(prefixArb(4), prefixArb(6));
// Short prefixes inside 10.0.0.0/16 so that random pairs often nest or overlap.
const nearbyPrefixArb = fc
  .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 16, max: 32 }))
  .map(([offset, length]) => makePrefix(4, 0x0a000000n + BigInt(offset), length));

describe("parsePrefix", () => {
  const valid: [input: string, family: IpFamily, network: bigint, length: number, text: string][] = [
    ["10.0.0.0/24", 4, 0x0a000000n, 24, "10.0.0.0/24"],
    ["  10.1.2.0/23 ", 4, 0x0a010200n, 23, "10.1.2.0/23"],
    ["10.0.0.4", 4, 0x0a000004n, 32, "10.0.0.4/32"],
    ["0.0.0.0/0", 4, 0n, 0, "0.0.0.0/0"],
    ["10.0.0.5/24", 4, 0x0a000000n, 24, "10.0.0.0/24"],
    ["255.255.255.255/32", 4, 0xffffffffn, 32, "255.255.255.255/32"],
    ["fd00::/64", 6, 0xfd00n << 112n, 64, "fd00::/64"],
    ["FD00:0000:0000:0000::/64", 6, 0xfd00n << 112n, 64, "fd00::/64"],
    ["fd00::4", 6, (0xfd00n << 112n) + 4n, 128, "fd00::4/128"],
    ["::/0", 6, 0n, 0, "::/0"],
    ["2001:db8::1/32", 6, 0x20010db8n << 96n, 32, "2001:db8::/32"],
    ["::ffff:10.0.0.1", 6, (0xffffn << 32n) + 0x0a000001n, 128, "::ffff:a00:1/128"],
  ];
  for (const [input, family, network, length, text] of valid) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parsePrefix(input), { family, network, length, text });
    });
  }

  const invalid: unknown[] = [
    "10.0.0.0/33",
    "banana",
    "",
    "   ",
    "10.0.0.0/",
    "fe80::1%eth0",
    "fe80::1%eth0/64",
    "fd00::/129",
    "10.0.0.0/24/1",
    "10.0.0/24",
    "10.0.0.256",
    "010.0.0.1",
    "10",
    "0x0a.0.0.1",
    "10.0.0.0/-1",
    "10.0.0.0/ 24",
    "10.0.0.0/024",
    "10.0.0.0/2a",
    "*",
    "VirtualNetwork",
    null,
    undefined,
    42,
    {},
    ["10.0.0.0/24"],
  ];
  for (const input of invalid) {
    it(`rejects ${inspect(input)}`, () => {
      assert.equal(parsePrefix(input), undefined);
    });
  }
});

describe("hasHostBits", () => {
  const cases: [input: unknown, expected: boolean][] = [
    ["10.0.0.5/24", true],
    ["10.0.0.0/24", false],
    ["10.0.0.5", false],
    ["fd00::1/64", true],
    ["fd00::/64", false],
    ["banana", false],
    [7, false],
  ];
  for (const [input, expected] of cases) {
    it(`${String(input)} → ${String(expected)}`, () => {
      assert.equal(hasHostBits(input), expected);
    });
  }
});

describe("parseAddress", () => {
  const cases: [input: unknown, expected: ReturnType<typeof parseAddress>][] = [
    ["10.0.0.4", { family: 4, value: 0x0a000004n }],
    [" 10.0.0.4\n", { family: 4, value: 0x0a000004n }],
    ["fd00::4", { family: 6, value: (0xfd00n << 112n) + 4n }],
    ["10.0.0.4/32", undefined],
    ["fd00::/64", undefined],
    ["fe80::1%eth0", undefined],
    ["", undefined],
    ["banana", undefined],
    [null, undefined],
  ];
  for (const [input, expected] of cases) {
    it(inspect(input), () => {
      assert.deepEqual(parseAddress(input), expected);
    });
  }
});

describe("containment and overlap", () => {
  const cases: [outer: string, inner: string, contains: boolean, overlaps: boolean][] = [
    ["10.0.0.0/16", "10.0.1.0/24", true, true],
    ["10.0.1.0/24", "10.0.0.0/16", false, true],
    ["10.0.0.0/24", "10.0.0.0/24", true, true],
    ["10.0.0.0/24", "10.0.1.0/24", false, false],
    ["10.0.0.0/25", "10.0.0.128/25", false, false],
    ["0.0.0.0/0", "192.168.1.1", true, true],
    ["10.0.0.0/8", "fd00::/8", false, false],
    ["::/0", "10.0.0.0/8", false, false],
    ["fd00::/48", "fd00:0:0:1::/64", true, true],
  ];
  for (const [outer, inner, contains, overlaps] of cases) {
    it(`${outer} vs ${inner}`, () => {
      assert.equal(prefixContains(prefix(outer), prefix(inner)), contains);
      assert.equal(prefixesOverlap(prefix(outer), prefix(inner)), overlaps);
    });
  }

  const addressCases: [p: string, address: string, expected: boolean][] = [
    ["10.0.0.0/24", "10.0.0.255", true],
    ["10.0.0.0/24", "10.0.1.0", false],
    ["10.0.0.4/32", "10.0.0.4", true],
    ["0.0.0.0/0", "fd00::1", false],
    ["fd00::/64", "fd00::ffff", true],
  ];
  for (const [p, address, expected] of addressCases) {
    it(`${p} contains address ${address}: ${String(expected)}`, () => {
      const parsed = parseAddress(address);
      assert.ok(parsed);
      assert.equal(prefixContainsAddress(prefix(p), parsed), expected);
    });
  }
});

describe("capacity", () => {
  const cases: [p: string, total: bigint, usable: number][] = [
    ["10.0.0.0/28", 16n, 11],
    ["10.0.0.0/29", 8n, 3],
    ["10.0.0.0/24", 256n, 251],
    ["10.0.0.0/30", 4n, 0],
    ["10.0.0.4/32", 1n, 0],
    ["10.0.0.0/16", 65536n, 65531],
    ["fd00::/64", 1n << 64n, Number.MAX_SAFE_INTEGER],
    ["fd00::/124", 16n, 11],
  ];
  for (const [p, total, usable] of cases) {
    it(`${p} holds ${String(total)} addresses, ${String(usable)} usable`, () => {
      assert.equal(addressCount(prefix(p)), total);
      assert.equal(usableAddressCount(prefix(p)), usable);
    });
  }

  const single: [p: string, expected: boolean][] = [
    ["10.0.0.4", true],
    ["10.0.0.4/31", false],
    ["fd00::1", true],
    ["fd00::/127", false],
  ];
  for (const [p, expected] of single) {
    it(`isSingleAddress(${p}) = ${String(expected)}`, () => {
      assert.equal(isSingleAddress(prefix(p)), expected);
    });
  }
});

describe("properties", () => {
  it("containment is reflexive", () => {
    fc.assert(fc.property(anyPrefixArb, (p) => prefixContains(p, p)));
  });

  it("containment is transitive", () => {
    fc.assert(
      fc.property(nearbyPrefixArb, nearbyPrefixArb, nearbyPrefixArb, (a, b, c) => {
        fc.pre(prefixContains(a, b) && prefixContains(b, c));
        assert.ok(prefixContains(a, c));
      }),
    );
  });

  it("containment implies overlap, and overlap is symmetric", () => {
    fc.assert(
      fc.property(nearbyPrefixArb, nearbyPrefixArb, (a, b) => {
        if (prefixContains(a, b)) assert.ok(prefixesOverlap(a, b));
        assert.equal(prefixesOverlap(a, b), prefixesOverlap(b, a));
        const shareAnAddress = a.network <= lastAddress(b) && b.network <= lastAddress(a);
        assert.equal(prefixesOverlap(a, b), shareAnAddress);
      }),
    );
  });

  it("prefixes of different families never contain or overlap each other", () => {
    fc.assert(
      fc.property(prefixArb(4), prefixArb(6), (v4, v6) => {
        assert.ok(!prefixesOverlap(v4, v6) && !prefixContains(v4, v6) && !prefixContains(v6, v4));
      }),
    );
  });

  it("parse(format(p)) round-trips", () => {
    fc.assert(
      fc.property(anyPrefixArb, (p) => {
        assert.equal(formatPrefix(p.family, p.network, p.length), p.text);
        assert.deepEqual(parsePrefix(p.text), p);
        assert.equal(hasHostBits(p.text), false);
      }),
    );
  });

  it("usable count is 2^(32−len) − 5, floored at 0, for IPv4", () => {
    fc.assert(
      fc.property(prefixArb(4), (p) => {
        assert.equal(usableAddressCount(p), Math.max(0, 2 ** (32 - p.length) - 5));
      }),
    );
  });
});

describe("parsePrefix of the plain IPv4 form", () => {
  // A padded entry is not the plain form (ipv4-syntax.ts), so it takes the generic ipaddr.js and bigint path;
  // both must give the same prefix, host bits, bare addresses and the /0 and /32 ends included.
  const octet = fc.oneof(fc.constantFrom(0, 1, 9, 10, 99, 100, 254, 255), fc.integer({ min: 0, max: 255 }));
  const plainArb = fc
    .tuple(fc.array(octet, { minLength: 4, maxLength: 4 }), fc.option(fc.integer({ min: 0, max: 32 })))
    .map(([octets, length]) => `${octets.join(".")}${length === null ? "" : `/${String(length)}`}`);

  it("gives what the generic path gives", () => {
    fc.assert(
      fc.property(plainArb, (text) => {
        assert.deepEqual(parsePrefix(text), parsePrefix(` ${text}`));
      }),
      { numRuns: 5000 },
    );
  });

  const cases: [input: string, text: string][] = [
    ["10.0.0.0/24", "10.0.0.0/24"],
    ["10.0.0.5/24", "10.0.0.0/24"],
    ["10.0.0.4", "10.0.0.4/32"],
    ["255.255.255.255/0", "0.0.0.0/0"],
    ["192.168.255.255/17", "192.168.128.0/17"],
  ];
  for (const [input, text] of cases) {
    it(`${input} → ${text}`, () => {
      assert.equal(parsePrefix(input)?.text, text);
    });
  }
});
