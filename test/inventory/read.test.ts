// Node.holds says whether a field says anything: a missing, null or empty-list field does not.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Node, type RowContext } from "../../src/inventory/read.ts";

const context: RowContext = { origin: "test.json", row: 0, resourceId: undefined, diagnostics: [] };

describe("Node.holds", () => {
  const cases: [name: string, value: unknown, holds: boolean][] = [
    ["missing", undefined, false],
    ["null", null, false],
    ["an empty list", [], false],
    ["a list of one", ["*"], true],
    ["an empty string", "", true],
    ["zero", 0, true],
    ["false", false, true],
    ["an empty object", {}, true],
  ];
  for (const [name, value, holds] of cases)
    it(`${name}: ${String(holds)}`, () => {
      const node = new Node(context, value === undefined ? {} : { field: value });
      assert.equal(node.holds("field"), holds);
    });

  it("reads own fields only", () => {
    assert.equal(new Node(context, {}).holds("constructor"), false);
  });
});
