// The streaming JSON reader gives what JSON.parse gives, at any chunk size, and rejects what JSON.parse rejects.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import fc from "fast-check";
import {
  firstElementPath,
  leaveHeadBytes,
  parseJsonBytes,
  parseJsonFile,
  unparsedElement,
  type LeaveElement,
} from "../../src/collect/json-stream.ts";

const folder = mkdtempSync(join(tmpdir(), "json-stream-"));
const file = join(folder, "value.json");
after(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("parseJsonFile", () => {
  it("equals JSON.parse for any JSON value, compact or indented, at chunk sizes down to one byte", async () => {
    let indent = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 1, max: 9 }), async (value, chunkSize) => {
        const text = JSON.stringify(value, null, indent++ % 3);
        writeFileSync(file, text);
        assert.deepEqual(await parseJsonFile(file, chunkSize), JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps escapes that straddle chunk boundaries", async () => {
    const text = JSON.stringify([{ id: "a\\", b: 'q"\\"\\\\', c: "\\\\\\" }, 'x\\"y']);
    writeFileSync(file, text);
    for (const chunkSize of [1, 2, 3, 4, 5, 7])
      assert.deepEqual(await parseJsonFile(file, chunkSize), JSON.parse(text));
  });

  // A row longer than a chunk is decoded chunk by chunk: a character cut between two chunks must come out whole.
  const multiByte: [string, Buffer][] = [
    ["two-, three- and four-byte characters", Buffer.from('[{"name":"é€😀","tags":{"k":"𝄞ü"}},"ß"]')],
    [
      "a byte that is not UTF-8",
      Buffer.concat([Buffer.from('[{"name":"a'), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('b"}]')]),
    ],
  ];
  for (const [name, bytes] of multiByte) {
    it(`decodes ${name} across chunk boundaries as Buffer#toString does`, async () => {
      writeFileSync(file, bytes);
      for (const chunkSize of [1, 2, 3, 4, 5, 7, 1 << 20])
        assert.deepEqual(await parseJsonFile(file, chunkSize), JSON.parse(bytes.toString("utf8")));
    });
  }

  const shapes: [string, string][] = [
    ["row array", '[{"id":"a","type":"T"},{"id":"b"}]'],
    ["ARG response", '{"totalRecords":1,"data":[{"id":"a \\"quoted\\" é"}],"$skipToken":"x"}'],
    ["table keyed", '{"resources":[{"id":"a"}],"networkresources":[]}'],
    [
      "export",
      '{"kind":"k","tables":{"resources":[{"id":"a","properties":{"x":[1,{"y":null}]}}]},"coverage":{"complete":true}}',
    ],
    ["table format", '{"data":{"columns":[{"name":"id"}],"rows":[["a"],["b"]]}}'],
    ["byte order mark", '\uFEFF[1, 2.5e3, true, false, null, "s"]'],
    ["own __proto__ key", '{"__proto__":{"polluted":true},"data":[]}'],
  ];
  for (const [name, text] of shapes) {
    it(`reads the ${name} shape`, async () => {
      writeFileSync(file, text);
      assert.deepEqual(await parseJsonFile(file, 3), JSON.parse(text.replace(/^\uFEFF/, "")));
    });
  }

  for (const text of ["", "   ", "[1,]", '{"a" 1}', "[1 2]", "{", "[1]x", '{"a":1,}', "[}", '{"a":1]']) {
    it(`rejects ${JSON.stringify(text)}`, async () => {
      writeFileSync(file, text);
      await assert.rejects(parseJsonFile(file, 2), SyntaxError);
    });
  }

  // Rows laid out one a line, or indented, are cut by their layout (json-layout.ts) and parsed whole; the result
  // and the errors stay JSON.parse's whichever way a row was cut out.
  describe("rows cut by their layout", () => {
    const row = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 });
    const layouts: [string, (rows: unknown[]) => string][] = [
      ["comma at the end", (rows) => `[\n${rows.map((r) => JSON.stringify(r)).join(",\n")}\n]\n`],
      [
        "CRLF and spaces",
        (rows) => `{"data": [\r\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(" ,  \r\n")}  \r\n]}`,
      ],
      ["comma first", (rows) => `{"resources":[${rows.map((r) => JSON.stringify(r)).join("\n,")}\n]}`],
      [
        "two rows a line",
        (rows) => `[${rows.map((r, i) => `${JSON.stringify(r)}${i % 2 ? ",\n" : ","}`).join("")}0]`,
      ],
      ["indented by JSON.stringify", (rows) => JSON.stringify({ data: rows }, null, 2)],
      ["indented with tabs and CRLF", (rows) => JSON.stringify(rows, null, "\t").replaceAll("\n", "\r\n")],
      [
        "indented, an inner line as shallow as the row's",
        (rows) => `[\n${rows.map((r) => `  {\n  "x": 1,\n  "r": ${JSON.stringify(r)}\n  }`).join(",\n")}\n]`,
      ],
      [
        "a row broken after an inner object",
        (rows) => `[${rows.map((r) => `{"x":{"y":1}\n,"r":${JSON.stringify(r)}}`).join(",\n")}]`,
      ],
    ];
    for (const [name, layout] of layouts) {
      it(`equals JSON.parse: ${name}, at any chunk size`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(row, { maxLength: 6 }),
            fc.integer({ min: 1, max: 400 }),
            async (rows, chunkSize) => {
              const text = layout(rows);
              writeFileSync(file, text);
              assert.deepEqual(await parseJsonFile(file, chunkSize), JSON.parse(text));
              assert.deepEqual(await parseJsonFile(file, 1 << 20), JSON.parse(text));
            },
          ),
          { numRuns: 60 },
        );
      });
    }

    const invalid = [
      '[{"a":1}}\n]',
      '[{"a":"x\ny"}\n]',
      '[{"a":1},\n{"b":}\n]',
      '[{"a":1}\n{"b":2}\n]',
      '[{"a":1}\n,]',
      '[\n  {\n    "a": 1,\n  }\n]',
      '[\n  {\n    "a": [1\n  }\n]',
    ];
    for (const text of invalid) {
      it(`rejects ${JSON.stringify(text)} as JSON.parse does`, async () => {
        assert.throws(() => JSON.parse(text), SyntaxError);
        writeFileSync(file, text);
        for (const chunkSize of [3, 1 << 20])
          await assert.rejects(parseJsonFile(file, chunkSize), SyntaxError);
      });
    }

    it("hands each row to take once, in order, whichever way it was cut out", async () => {
      const rows = Array.from({ length: 50 }, (_, index) => ({ id: `r${index}`, n: index }));
      // Lines 10 to 19 hold two rows each: those are walked byte by byte, the others parsed as lines.
      const lines = rows.map((r, i) =>
        i >= 10 && i < 30 && i % 2 === 0 ? `${JSON.stringify(r)},` : `${JSON.stringify(r)},\n`,
      );
      writeFileSync(file, `[\n${lines.join("").replace(/,\n$/, "\n")}]`);
      const taken: unknown[] = [];
      const value = await parseJsonFile(file, 64, (_, element) => (taken.push(element), true));
      assert.deepEqual(taken, rows);
      assert.deepEqual(value, []);
    });
  });

  describe("elements left unparsed", () => {
    const marker = '"leave":1';
    // A row's verdict depends on its first leaveHeadBytes only: a marker past them must not count.
    const padding = "x".repeat(leaveHeadBytes);
    const rowText = (index: number, leave: boolean, late: boolean): string =>
      late
        ? `{"id":"r${String(index)}","pad":"${padding}",${marker}}`
        : `{"id":"r${String(index)}"${leave ? `,${marker}` : ""},"n":${String(index)}}`;
    const leave: LeaveElement = (path, head) => path[0] === "resources" && head.includes(marker);

    it("hands a left element as unparsedElement, whichever way it was cut out and at any chunk size", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom("keep", "leave", "late"), { minLength: 1, maxLength: 12 }),
          fc.boolean(),
          fc.integer({ min: 1, max: 2000 }),
          async (kinds, oneLine, chunkSize) => {
            const rows = kinds.map((kind, index) => rowText(index, kind === "leave", kind === "late"));
            // One row a line is cut by its layout; all rows on one line are walked byte by byte.
            const text = `{"coverage":{"leave":1},"resources":[${oneLine ? "\n" : ""}${rows.join(oneLine ? ",\n" : ",")}${oneLine ? "\n" : ""}]}`;
            writeFileSync(file, text);
            const taken: unknown[] = [];
            const take = (_: readonly string[], element: unknown) => (taken.push(element), true);
            const value = await parseJsonFile(file, chunkSize, take, undefined, leave);
            const expected = kinds.map((kind, index): unknown =>
              kind === "leave" ? unparsedElement : JSON.parse(rows[index]!),
            );
            assert.deepEqual(taken, expected);
            // Only array elements are offered: the walked object `coverage` is read as it is.
            assert.deepEqual(value, { coverage: { leave: 1 }, resources: [] });
          },
        ),
        { numRuns: 150 },
      );
    });

    it("offers nothing without a take, where a left element would land in the array", async () => {
      writeFileSync(file, `{"resources":[\n${rowText(0, true, false)}\n]}`);
      assert.deepEqual(await parseJsonFile(file, 1 << 20, undefined, undefined, leave), {
        resources: [JSON.parse(rowText(0, true, false))],
      });
    });
  });

  describe("firstElementPath", () => {
    const skipCoverage = (path: readonly string[]) => path[0] === "coverage";
    const cases: [string, string, readonly string[] | undefined][] = [
      ["a table-keyed file", '{"resources":[{"id":"a"},{"id":"b"}]}', ["resources"]],
      [
        "an export, its coverage passed over",
        '{"kind":"k","coverage":{"scopes":[{"file":"f"}]},"tables":{"resources":[{"id":"a"}]}}',
        ["tables", "resources"],
      ],
      ["a Resource Graph answer", '{"count":1,"data":[{"id":"a"}]}', ["data"]],
      ["a root array", '[{"id":"a"}]', []],
      ["the first element cut off by the head's end", '{"resources":[{"id":"a"', undefined],
      ["no array at all", '{"id":"a"}', undefined],
      ["not JSON", "{oops", undefined],
    ];
    for (const [name, text, expected] of cases)
      it(`${name}: ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(firstElementPath(Buffer.from(text), skipCoverage), expected);
      });
  });

  describe("repeated keys", () => {
    const cases: { name: string; text: string; value: unknown; repeats: [string, boolean][] }[] = [
      {
        name: "a table given twice is read whole",
        text: '{"resources":[{"id":"a"}],"resources":[{"id":"b"}]}',
        value: { resources: [{ id: "a" }, { id: "b" }] },
        repeats: [["resources", true]],
      },
      {
        name: "an empty second copy keeps the first one's rows",
        text: '{"resources":[{"id":"a"}],"resources":[]}',
        value: { resources: [{ id: "a" }] },
        repeats: [["resources", true]],
      },
      {
        name: "an export's table given twice",
        text: '{"tables":{"resources":[1],"resources":[2]}}',
        value: { tables: { resources: [1, 2] } },
        repeats: [["tables.resources", true]],
      },
      {
        name: "a scalar overwritten is named",
        text: '{"kind":"a","kind":"b","data":[]}',
        value: { kind: "b", data: [] },
        repeats: [["kind", false]],
      },
      {
        name: "a list replaced by a non-list is named",
        text: '{"data":[1],"data":{}}',
        value: { data: {} },
        repeats: [["data", false]],
      },
    ];
    for (const { name, text, value, repeats } of cases) {
      it(name, async () => {
        for (const chunkSize of [1, 4, 1 << 20]) {
          const seen: [string, boolean][] = [];
          writeFileSync(file, text);
          const parsed = await parseJsonFile(file, chunkSize, undefined, (path, key, merged) => {
            seen.push([[...path, key].join("."), merged]);
          });
          assert.deepEqual(parsed, value);
          assert.deepEqual(seen, repeats);
        }
        const seen: [string, boolean][] = [];
        const parsed = parseJsonBytes(Buffer.from(text), (path, key, merged) => {
          seen.push([[...path, key].join("."), merged]);
        });
        assert.deepEqual([parsed, seen], [value, repeats]);
      });
    }

    it("hands the rows of both copies to take, in file order", async () => {
      writeFileSync(file, '{"resources":[{"id":"a"}],"networkresources":[],"resources":[{"id":"b"}]}');
      const taken: unknown[] = [];
      await parseJsonFile(file, 3, (_path, element) => taken.push(element) > 0);
      assert.deepEqual(taken, [{ id: "a" }, { id: "b" }]);
    });
  });
});
