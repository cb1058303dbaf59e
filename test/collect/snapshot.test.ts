// Snapshot source: every accepted file shape, folders, and every kind of bad file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CollectOptionError } from "../../src/collect/errors.ts";
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

describe("only regular files are read", () => {
  test("a named pipe as input is a one-line usage error at once, never a wait", async () => {
    const pipe = join(folder, "rows.json.fifo");
    execFileSync("mkfifo", [pipe]);
    await assert.rejects(readSnapshot([pipe]), (error: unknown) => {
      assert.ok(error instanceof CollectOptionError);
      assert.match(error.message, /is a named pipe, not a file or folder/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  });

  test("a socket and a device as input are refused the same way", async () => {
    const socketPath = join(folder, "rows.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await assert.rejects(readSnapshot([socketPath]), /is a socket/);
      await assert.rejects(readSnapshot(["/dev/null"]), /is a device/);
    } finally {
      server.close();
    }
  });

  test("a symlinked file in a folder is read, and the diagnostic names its target", async () => {
    const data = join(folder, "linked-data");
    const scanned = join(folder, "linked-input");
    await mkdir(data, { recursive: true });
    await mkdir(scanned, { recursive: true });
    const target = join(data, "rows.json");
    await writeFile(target, JSON.stringify([vnet]));
    await symlink(target, join(scanned, "rows.json"));
    const collected = await readSnapshot([scanned]);
    assert.equal(collected.rows.length, 1, "a folder holding only a symlinked file is read");
    const followed = collected.diagnostics.find((d) => d.code === "symlink-followed");
    assert.ok(followed?.message.includes(target), followed?.message);
    assert.equal(collected.coverage.complete, true);
  });

  test("a symlink loop is detected, said, and read once", async () => {
    const looped = join(folder, "looped");
    await mkdir(join(looped, "sub"), { recursive: true });
    await writeFile(join(looped, "sub", "rows.json"), JSON.stringify([vnet]));
    await symlink(looped, join(looped, "sub", "back"));
    const collected = await readSnapshot([looped]);
    assert.equal(collected.rows.length, 1);
    assert.ok(
      collected.diagnostics.some((d) => d.code === "not-read" && /already read/.test(d.message)),
      JSON.stringify(collected.diagnostics),
    );
  });

  test("anything not read in a folder is a diagnostic; a dangling .json link or a pipe is a gap", async () => {
    const mixed = join(folder, "mixed");
    await mkdir(mixed, { recursive: true });
    await writeFile(join(mixed, "rows.json"), JSON.stringify([vnet]));
    await writeFile(join(mixed, "notes.txt"), "not rows");
    await symlink(join(mixed, "gone.json"), join(mixed, "dangling.json"));
    execFileSync("mkfifo", [join(mixed, "pipe.json")]);
    const collected = await readSnapshot([mixed]);
    const notRead = collected.diagnostics
      .filter((d) => d.code === "not-read")
      .map((d) => [d.level, d.origin?.slice(mixed.length + 1)]);
    assert.deepEqual(notRead.sort(), [
      ["info", "notes.txt"],
      ["warning", "dangling.json"],
      ["warning", "pipe.json"],
    ]);
    assert.equal(collected.rows.length, 1);
    assert.equal(collected.coverage.complete, false);
  });
});
