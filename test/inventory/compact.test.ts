// Shared model lists: exact length, one copy of each short one-item list, and never writable.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { exactList, noItems, SharedLists } from "../../src/inventory/compact.ts";

describe("SharedLists", () => {
  const cases: { name: string; items: string[]; shared: boolean }[] = [
    { name: "empty is the one empty list", items: [], shared: true },
    { name: "a short one-item list is shared", items: ["*"], shared: true },
    { name: "a long one-item list is not", items: ["x".repeat(65)], shared: false },
    { name: "a list of two is not", items: ["10.0.0.0/8", "192.168.0.0/16"], shared: false },
  ];
  for (const { name, items, shared } of cases) {
    test(name, () => {
      const lists = new SharedLists();
      const first = lists.list([...items]);
      const second = lists.list([...items]);
      assert.deepEqual(first, items);
      assert.equal(first === second, shared);
      if (shared) assert.ok(Object.isFrozen(first));
    });
  }

  test("a shared list cannot be written to", () => {
    const list = new SharedLists().list(["443"]) as string[];
    assert.throws(() => list.push("80"), TypeError);
    assert.throws(() => (noItems as unknown as string[]).push("x"), TypeError);
  });

  test("exactList copies, so the reader's own list may change afterwards", () => {
    const items = ["a", "b"];
    const copy = exactList(items);
    items.push("c");
    assert.deepEqual(copy, ["a", "b"]);
    assert.equal(exactList([]), noItems);
  });
});
