// Tests for matching rule address entries against known single IPs (pinned API server IPs).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildIpIndex } from "../../src/net/ip-index.ts";

describe("buildIpIndex lookupEntry", () => {
  const index = buildIpIndex([
    { ip: "10.1.2.4", value: "cluster-a" },
    { ip: "fd00::4", value: "cluster-b" },
    { ip: " 10.1.2.4 ", value: "cluster-c" },
    { ip: "2001:DB8:0:0::10", value: "cluster-d" },
  ]);

  const cases: [entry: string, expected: { ip: string; values: string[] } | undefined][] = [
    ["10.1.2.4", { ip: "10.1.2.4", values: ["cluster-a", "cluster-c"] }],
    ["10.1.2.4/32", { ip: "10.1.2.4", values: ["cluster-a", "cluster-c"] }],
    ["  10.1.2.4/32\t", { ip: "10.1.2.4", values: ["cluster-a", "cluster-c"] }],
    ["fd00::4", { ip: "fd00::4", values: ["cluster-b"] }],
    ["fd00::0004", { ip: "fd00::4", values: ["cluster-b"] }],
    ["FD00:0:0:0:0:0:0:4/128", { ip: "fd00::4", values: ["cluster-b"] }],
    ["2001:db8::10", { ip: "2001:db8::10", values: ["cluster-d"] }],
    ["10.1.2.0/24", undefined],
    ["10.1.2.4/31", undefined],
    ["fd00::/64", undefined],
    ["fd00::4/127", undefined],
    ["10.1.2.5", undefined],
    ["::ffff:10.1.2.4", undefined],
    ["*", undefined],
    ["Any", undefined],
    ["VirtualNetwork", undefined],
    ["AzureCloud.westeurope", undefined],
    ["myaks-dns-12345.hcp.westeurope.azmk8s.io", undefined],
    ["10.1.2.1-10.1.2.9", undefined],
    ["10.1.2.4-10.1.2.4", undefined],
    ["", undefined],
    ["010.1.2.4", undefined],
  ];
  for (const [entry, expected] of cases) {
    it(`${JSON.stringify(entry)} → ${expected?.ip ?? "no match"}`, () => {
      assert.deepEqual(index.lookupEntry(entry), expected);
    });
  }

  it("answers an entry asked again as the first time (answers are remembered)", () => {
    const fresh = buildIpIndex([{ ip: "10.1.2.4", value: "cluster-a" }]);
    for (const entry of ["10.1.2.4/32", "*", "10.1.2.5"]) {
      const first = fresh.lookupEntry(entry);
      assert.equal(fresh.lookupEntry(entry), first);
      assert.deepEqual(first, buildIpIndex([{ ip: "10.1.2.4", value: "cluster-a" }]).lookupEntry(entry));
    }
    assert.deepEqual(fresh.lookupEntry("10.1.2.4/32"), { ip: "10.1.2.4", values: ["cluster-a"] });
    assert.equal(fresh.lookupEntry("*"), undefined);
  });

  it("counts distinct addresses and skips ips that are not single addresses", () => {
    const mixed = buildIpIndex([
      { ip: "10.0.0.4", value: 1 },
      { ip: "10.0.0.4/32", value: 2 },
      { ip: "10.0.0.0/24", value: 3 },
      { ip: "not-an-ip", value: 4 },
    ]);
    assert.equal(mixed.size, 1);
    assert.deepEqual(mixed.lookupEntry("10.0.0.4"), { ip: "10.0.0.4", values: [1, 2] });
    assert.equal(mixed.lookupEntry("10.0.0.0/24"), undefined);
  });

  it("matches 100,000 rule entries against 10,000 IPs", () => {
    const ipCount = 10_000;
    const ipAt = (n: number): string =>
      `10.${String(n >> 16)}.${String((n >> 8) & 0xff)}.${String(n & 0xff)}`;
    const pinned = buildIpIndex(Array.from({ length: ipCount }, (_, n) => ({ ip: ipAt(n), value: n })));
    // Cycle of ten entry shapes: 4 pin an indexed IP (exact, /32, IPv4 padded by spaces), 6 do not.
    const entries = Array.from({ length: 100_000 }, (_, n) => {
      const ip = ipAt(n % ipCount);
      const shapes = [
        ip,
        `${ip}/32`,
        ` ${ip} `,
        `${ip}/32 `,
        `${ip}/24`,
        "*",
        "Internet",
        "api.example.com",
        `11.0.0.${String(n % 256)}`,
        `${ip}-${ip}`,
      ];
      return shapes[n % shapes.length]!;
    });
    let matches = 0;
    let valuesSeen = 0;
    for (const entry of entries) {
      const hit = pinned.lookupEntry(entry);
      if (hit === undefined) continue;
      matches++;
      valuesSeen += hit.values.length;
    }
    assert.equal(pinned.size, ipCount);
    assert.equal(matches, 40_000);
    assert.equal(valuesSeen, 40_000);
  });
});
