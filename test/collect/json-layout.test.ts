// layoutEnd guesses where a row ends from the file's layout; json-stream.ts lets JSON.parse confirm the guess.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layoutEnd } from "../../src/collect/json-layout.ts";

/** `text` with the row's `{` marked by `^` (removed); the expected row text is returned too. */
const cases: { name: string; text: string; row: string | undefined }[] = [
  { name: "one row a line, comma after", text: '[\n^{"a":1},\n{"b":2}\n]', row: '{"a":1}' },
  { name: "one row a line, spaces and CRLF", text: '[\r\n  ^{"a":1}  ,  \r\n]', row: '{"a":1}' },
  { name: "the last row of a line-per-row file", text: '[\n^{"a":1}\n]', row: '{"a":1}' },
  { name: "an empty object alone", text: "[\n^{}\n]", row: "{}" },
  {
    name: "indented by two",
    text: '[\n  ^{\n    "a": {\n      "b": 1\n    }\n  },\n  {}\n]',
    row: '{\n    "a": {\n      "b": 1\n    }\n  }',
  },
  {
    name: "indented by a tab, CRLF",
    text: '[\r\n\t^{\r\n\t\t"a": 1\r\n\t}\r\n]',
    row: '{\r\n\t\t"a": 1\r\n\t}',
  },
  { name: "indented at column 0", text: '[\n^{\n"a": 1\n}\n]', row: '{\n"a": 1\n}' },
  { name: "the line goes on past the chunk", text: '[^{"a":1', row: undefined },
  { name: "indented, closing line past the chunk", text: '[\n  ^{\n    "a": 1', row: undefined },
  { name: "the brace follows other text on its line", text: '[1, ^{\n  "a": 1\n}\n]', row: undefined },
  { name: "an object opens inside the row's first line", text: '[\n^{"a": {\n  "b": 1}}\n]', row: undefined },
  {
    name: "two rows on a line (a guess JSON.parse refuses)",
    text: '[\n^{"a":1},{"b":2}\n]',
    row: '{"a":1},{"b":2}',
  },
];

describe("layoutEnd", () => {
  for (const { name, text, row } of cases) {
    it(name, () => {
      const start = Buffer.byteLength(text.slice(0, text.indexOf("^")));
      const chunk = Buffer.from(text.replace("^", ""));
      const end = layoutEnd(chunk, start);
      assert.equal(end === undefined ? undefined : chunk.toString("utf8", start, end), row);
    });
  }
});
