// Snapshot source: every accepted file shape, folders, and every kind of bad file.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readSnapshot, streamSnapshot } from "../../src/collect/snapshot.ts";

const vnet = {
  id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v",
  type: "Microsoft.Network/virtualNetworks",
};
const change = {
  id: "/subscriptions/s/providers/Microsoft.Resources/changes/c",
  type: "microsoft.resources/changes",
};
const role = {
  id: "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/r",
  type: "Microsoft.Authorization/roleAssignments",
};
const group = {
  id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/firewallPolicies/p/ruleCollectionGroups/rcg",
};

let folder = "";

before(async () => {
  folder = await mkdtemp(join(tmpdir(), "aks-vnet-audit-snapshot-"));
});

after(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("accepted shapes", () => {
  const cases: { name: string; content: unknown; tables: Record<string, number> }[] = [
    {
      name: "rows array",
      content: [vnet, change, role, group],
      tables: { resources: 1, resourcechanges: 1, authorizationresources: 1, networkresources: 1 },
    },
    {
      name: "ARG response",
      content: { totalRecords: 1, count: 1, resultTruncated: "false", data: [vnet] },
      tables: { resources: 1 },
    },
    {
      name: "ARG table format",
      content: { data: { columns: [{ name: "id" }, { name: "type" }], rows: [[vnet.id, vnet.type]] } },
      tables: { resources: 1 },
    },
    {
      name: "ARM list",
      content: { value: [vnet, role] },
      tables: { resources: 1, authorizationresources: 1 },
    },
    {
      name: "keyed by table, any case",
      content: { Resources: [vnet], NetworkResources: [group], authorizationresources: [] },
      tables: { resources: 1, networkresources: 1, authorizationresources: 0 },
    },
  ];
  for (const { name, content, tables } of cases) {
    test(name, async () => {
      const path = await file(`${name.replace(/\W+/g, "-")}.json`, content);
      const collected = await readSnapshot([path]);
      assert.equal(collected.kind, "snapshot");
      assert.deepEqual(collected.diagnostics, []);
      assert.deepEqual(collected.coverage, {
        complete: true,
        scopes: [{ file: path }],
        gaps: [],
        tables: Object.keys(tables).sort(),
      });
      const counts = Object.fromEntries(
        Object.keys(tables).map((table) => [
          table,
          collected.rows.filter((row) => row.table === table).length,
        ]),
      );
      assert.deepEqual(counts, tables);
      assert.deepEqual(
        collected.rows.map((row) => row.source),
        collected.rows.map((_, row) => ({ origin: path, row })),
      );
    });
  }

  test("the tool's own export carries its coverage", async () => {
    const coverage = {
      complete: false,
      scopes: [{ tenantId: "t1", subscriptions: ["s1"] }],
      gaps: [{ tenantId: "t1", code: "AuthorizationFailed", message: "no access to s2" }],
      tables: ["resources", "authorizationresources"],
    };
    const path = await file("export.json", {
      kind: "aks-vnet-audit-snapshot",
      schemaVersion: 1,
      exportedAt: "2025-08-01T00:00:00Z",
      coverage,
      tables: { resources: [vnet] },
    });
    const collected = await readSnapshot([path]);
    assert.equal(collected.rows.length, 1);
    assert.equal(collected.coverage.complete, false);
    assert.deepEqual(collected.coverage.scopes, [{ file: path }, { tenantId: "t1", subscriptions: ["s1"] }]);
    assert.deepEqual(collected.coverage.gaps, coverage.gaps);
    assert.deepEqual(collected.coverage.tables, ["authorizationresources", "resources"]);
  });

  test("a truncated ARG result is a coverage gap; a skip token a warning", async () => {
    const path = await file("page.json", { data: [vnet], $skipToken: "abc", resultTruncated: "true" });
    const collected = await readSnapshot([path]);
    assert.equal(collected.rows.length, 1);
    assert.equal(collected.coverage.complete, false);
    assert.deepEqual(
      collected.coverage.gaps.map((gap) => gap.code),
      ["resultTruncated"],
    );
    assert.deepEqual(
      collected.diagnostics.map((diagnostic) => [diagnostic.level, diagnostic.code]),
      [
        ["error", "resultTruncated"],
        ["warning", "partial-page"],
      ],
    );
  });

  test("a folder reads every .json below it, in path order", async () => {
    const tree = join(folder, "tree");
    await mkdir(join(tree, "b", "deeper"), { recursive: true });
    await writeFile(join(tree, "b", "deeper", "z.json"), JSON.stringify([change]));
    await writeFile(join(tree, "a.json"), JSON.stringify([vnet]));
    await writeFile(join(tree, "b", "notes.txt"), "not read");
    const collected = await readSnapshot([tree]);
    assert.deepEqual(
      collected.rows.map((row) => row.source.origin),
      [join(tree, "a.json"), join(tree, "b", "deeper", "z.json")],
    );
    assert.deepEqual(collected.coverage.scopes, [
      { file: join(tree, "a.json") },
      { file: join(tree, "b", "deeper", "z.json") },
    ]);
    assert.equal(collected.coverage.complete, true);
  });
});

describe("bad files never throw", () => {
  const cases: { name: string; content?: string; problem: RegExp }[] = [
    { name: "empty", content: "  \n", problem: /is empty/ },
    { name: "not JSON", content: "hello", problem: /is not valid JSON/ },
    { name: "truncated JSON", content: '{"data": [{"id": "/x"', problem: /is not valid JSON/ },
    { name: "a number", content: "42", problem: /holds 42, not rows/ },
    {
      name: "an object of no known shape",
      content: '{"hello": "world"}',
      problem: /none of the accepted shapes/,
    },
    { name: "data that is not rows", content: '{"data": 5}', problem: /`data` field/ },
    { name: "a table that is not rows", content: '{"resources": {}}', problem: /`resources` table/ },
    {
      name: "an export of another version",
      content: '{"kind": "aks-vnet-audit-snapshot", "schemaVersion": 2}',
      problem: /schemaVersion 2/,
    },
    {
      name: "an export without coverage",
      content: '{"kind": "aks-vnet-audit-snapshot", "schemaVersion": 1, "tables": {}}',
      problem: /valid `coverage`/,
    },
    { name: "a missing path", problem: /does not exist/ },
  ];
  for (const { name, content, problem } of cases) {
    test(name, async () => {
      const path =
        content === undefined
          ? join(folder, "missing", "nothing.json")
          : await file(`bad-${name.replace(/\W+/g, "-")}.json`, content);
      const good = await file("good.json", [vnet]);
      const collected = await readSnapshot([path, good]);
      assert.equal(collected.diagnostics.length, 1);
      const [diagnostic] = collected.diagnostics;
      assert.ok(diagnostic);
      assert.deepEqual(
        [diagnostic.level, diagnostic.code, diagnostic.origin],
        ["error", "unreadable-input", path],
      );
      assert.ok(diagnostic.message.startsWith(path), diagnostic.message);
      assert.match(diagnostic.message, problem);
      assert.doesNotMatch(diagnostic.message, /\n/);
      assert.equal(collected.coverage.complete, false);
      assert.deepEqual(collected.coverage.gaps, [{ code: "unreadable-input", message: diagnostic.message }]);
      assert.equal(collected.rows.length, 1, "the good file is still read");
    });
  }

  test("a table given twice: the rows of both are read, and the repeat is said", async () => {
    const path = await file("twice.json", `{"resources":[${JSON.stringify(vnet)}],"resources":[]}`);
    const collected = await readSnapshot([path]);
    assert.equal(collected.rows.length, 1);
    assert.deepEqual(
      collected.diagnostics.map((d) => [d.level, d.code, d.field]),
      [["warning", "duplicate-key", "resources"]],
    );
    assert.equal(collected.coverage.complete, true);
  });

  test("a table given twice in a streamed file: every row goes out, in file order", async () => {
    const other = { ...vnet, id: `${vnet.id}2` };
    const text = `{"resources":[${JSON.stringify(vnet)}],"resources":[${JSON.stringify(other)}]}`;
    const path = await file("twice-streamed.json", text);
    const ids: unknown[] = [];
    const read = await streamSnapshot([path], (row) => ids.push((row.value as { id: string }).id), 0);
    assert.deepEqual(ids, [vnet.id, other.id]);
    assert.equal(read.diagnostics[0]?.code, "duplicate-key");
  });

  test("a key spelled with an escape still counts as a repeat", async () => {
    const path = await file("escaped.json", `{"resources":[${JSON.stringify(vnet)}],"resourc\\u0065s":[]}`);
    const collected = await readSnapshot([path]);
    assert.equal(collected.rows.length, 1);
    assert.equal(collected.diagnostics[0]?.code, "duplicate-key");
  });

  test("a repeated value that is not a table is an error and a gap", async () => {
    const path = await file("kind.json", `{"kind":"x","kind":"y","resources":[${JSON.stringify(vnet)}]}`);
    const collected = await readSnapshot([path]);
    assert.deepEqual(
      collected.diagnostics.map((d) => [d.level, d.code, d.field]),
      [["error", "duplicate-key", "kind"]],
    );
    assert.equal(collected.coverage.complete, false);
  });

  test("an empty folder", async () => {
    const empty = join(folder, "empty");
    await mkdir(empty, { recursive: true });
    const collected = await readSnapshot([empty]);
    assert.match(collected.diagnostics[0]?.message ?? "", /without any \.json file/);
    assert.equal(collected.coverage.complete, false);
  });
});
