// The column encoding of stored runs: it gives back what JSON would, key order included, and refuses a broken file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ColumnsError,
  decodeColumns,
  encodeColumns,
  isColumnsDocument,
  type ColumnsDocument,
} from "../../src/history/columns.ts";
import { storedRunV1 } from "./fixtures/stored-run.ts";

/** What `JSON.stringify` then `JSON.parse` makes of a value: the contract the encoding keeps. */
function viaJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function roundTrip(value: unknown): unknown {
  return decodeColumns(JSON.parse(JSON.stringify(encodeColumns(value))) as ColumnsDocument);
}

const manyKeys = Object.fromEntries(
  Array.from({ length: 100 }, (_, index) => [`/subscriptions/s${index}`, index]),
);

describe("encodeColumns / decodeColumns", () => {
  const cases: readonly [string, unknown][] = [
    ["a string", "aks-a"],
    ["a number, true, null", [1.5, true, null]],
    ["an empty object and array", { a: {}, b: [] }],
    ["objects of different shapes in one array", [{ a: 1, b: "x" }, { b: "y" }, { c: [1, 2] }, {}]],
    [
      "the same keys in another order",
      [
        { a: 1, b: 2 },
        { b: 3, a: 4 },
      ],
    ],
    [
      "one key holding every kind",
      [{ v: "s" }, { v: 1 }, { v: { w: 1 } }, { v: [1] }, { v: null }, { v: false }],
    ],
    ["nested arrays", [[["a"], []], [["b", "a"]], []]],
    ["a map with more keys than a shape holds", { clusters: manyKeys }],
    [
      "a map of objects",
      { clusters: Object.fromEntries(Object.keys(manyKeys).map((key) => [key, { id: key }])) },
    ],
    ["undefined members dropped, undefined items null", { a: undefined, b: [undefined, 1], c: 2 }],
    ["numbers JSON cannot hold become null", [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21]],
    ["a Date through its toJSON", { at: new Date("2026-11-01T00:00:00Z") }],
    ["characters past ASCII", { message: "≥ 2 IPs → ✓ 日本 😀 \u2028 \ud800" }],
    ["an own __proto__ member", JSON.parse('{"__proto__": {"x": 1}, "y": [{"__proto__": 2}]}') as unknown],
  ];
  for (const [name, value] of cases) {
    it(`gives back ${name} as JSON would, key order included`, () => {
      const back = roundTrip(value);
      assert.deepEqual(back, viaJson(value));
      assert.equal(JSON.stringify(back), JSON.stringify(value));
    });
  }

  it("never sets a prototype from a __proto__ key", () => {
    const back = roundTrip(JSON.parse('[{"__proto__": {"polluted": true}}]')) as object[];
    assert.equal(Object.getPrototypeOf(back[0]), Object.prototype);
    assert.equal((back[0] as { polluted?: boolean }).polluted, undefined);
  });

  it("gives back a stored demo run, and stores each repeated string once", async () => {
    const { record } = await storedRunV1();
    const encoded = encodeColumns(record);
    assert.equal(JSON.stringify(roundTrip(record)), JSON.stringify(record));
    assert.equal(new Set(encoded.strings).size, encoded.strings.length);
    assert.ok(JSON.stringify(encoded).length < JSON.stringify(record).length);
  });
});

describe("a broken columns document", () => {
  const valid = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(encodeColumns([{ id: "a", n: 1 }, { id: "b" }]))) as Record<string, unknown>;
  const broken: readonly [string, (document: Record<string, unknown>) => void][] = [
    ["a string index past the table", (document) => (document.strings = ["a"])],
    ["a string table that is not a list", (document) => (document.strings = "a")],
    [
      "a column with fewer values than its objects",
      (document) => {
        const root = document.root as { a: { c: { o: { c: { v: unknown[] }[] } } } };
        root.a.c.o.c[1]!.v = [];
      },
    ],
    [
      "an object shape out of range",
      (document) => {
        const root = document.root as { a: { c: { o: { h: number[] } } } };
        root.a.c.o.h = [0, 7];
      },
    ],
    [
      "a kind this version does not know",
      (document) => {
        const root = document.root as { a: { c: { o: { c: { t?: string; v: unknown[] }[] } } } };
        root.a.c.o.c[1]!.t = "9";
      },
    ],
    [
      "a negative array length",
      (document) => {
        const root = document.root as { a: { n: number[] } };
        root.a.n = [-1];
      },
    ],
  ];
  for (const [name, breakIt] of broken) {
    it(`throws a ColumnsError for ${name}`, () => {
      const document = valid();
      breakIt(document);
      assert.throws(() => decodeColumns(document as unknown as ColumnsDocument), ColumnsError);
    });
  }

  it("isColumnsDocument tells a columns document from plain findings JSON", () => {
    assert.equal(isColumnsDocument(valid()), true);
    assert.equal(isColumnsDocument({ schemaVersion: 1, results: [] }), false);
    assert.equal(isColumnsDocument({ ...valid(), version: 2 }), false);
  });
});
