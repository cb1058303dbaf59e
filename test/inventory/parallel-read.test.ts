// The split read (a worker reads the NSG rows) gives what one thread gives, or steps back to one thread.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { writeSnapshotFile } from "../../bench/snapshot-file.ts";
import { generateFleet } from "../../bench/fleet.ts";
import { readSnapshotInventory, type SnapshotInventory } from "../../src/inventory/collected.ts";
import { createNormalizer } from "../../src/inventory/normalize.ts";
import { mergeNsgRows } from "../../src/inventory/parallel-read.ts";
import { resourceGraphRow } from "./resource-graph-rows.ts";

const folder = mkdtempSync(join(tmpdir(), "split-read-"));
after(() => {
  rmSync(folder, { recursive: true, force: true });
});

const demo = JSON.parse(
  readFileSync(new URL("../../examples/demo-fleet/fleet/contoso.json", import.meta.url), "utf8"),
) as Record<string, unknown[]>;
const nsgExample = JSON.parse(
  readFileSync(
    new URL("../../../shared/fixtures/arm-examples/net-NetworkSecurityGroupGet.json", import.meta.url),
    "utf8",
  ),
) as { responses: { "200": { body: Record<string, unknown> } } };
const armNsg = nsgExample.responses["200"].body;
const nsgRow = resourceGraphRow(armNsg, "tenant-a");

/** Tables of rows, one row a line, as Resource Graph exports and the bench write them. */
function writeRows(name: string, tables: Record<string, readonly unknown[]>): string {
  const path = join(folder, `${name.replace(/\W+/g, "-")}.json`);
  const body = Object.entries(tables)
    .map(([table, rows]) => `"${table}": [\n${rows.map((row) => JSON.stringify(row)).join(",\n")}\n]`)
    .join(",\n");
  writeFileSync(path, `{\n${body}\n}\n`);
  return path;
}

const split = (path: string) => readSnapshotInventory([path], { streamAbove: 0, splitAbove: 0, threads: 2 });
const oneThread = (path: string) => readSnapshotInventory([path], { streamAbove: 0, splitAbove: Infinity });

function assertSameRead(actual: SnapshotInventory, expected: SnapshotInventory): void {
  assert.deepEqual(actual.inventory, expected.inventory);
  // deepEqual compares maps in any order; the rules walk them in insertion order.
  for (const [field, value] of Object.entries(actual.inventory))
    if (value instanceof Map)
      assert.deepEqual(
        [...value.keys()],
        [...(expected.inventory[field as keyof typeof expected.inventory] as Map<string, unknown>).keys()],
        field,
      );
  // The rule index keeps its lists in private fields, which deepEqual does not see.
  assert.deepEqual([...actual.inventory.securityRules], [...expected.inventory.securityRules]);
  assert.deepEqual(actual.collected, expected.collected);
  assert.equal(actual.rowCount, expected.rowCount);
  assert.deepEqual([...actual.tenants].sort(), [...expected.tenants].sort());
}

describe("readSnapshotInventory split across two threads", () => {
  it("reads a 200-cluster fleet on two threads (many batches, rows across read chunks) as one thread does", async () => {
    const path = join(folder, "fleet.json");
    await writeSnapshotFile(generateFleet({ seed: 7, clusters: 200 }), path);
    const [two, one] = [await split(path), await oneThread(path)];
    assert.deepEqual(two.split, { used: true });
    assert.deepEqual(one.split, { used: false });
    assert.ok(two.inventory.networkSecurityGroups.size >= 200);
    assertSameRead(two, one);
  });

  it("reads on one thread where the machine runs one at a time", async () => {
    const path = writeRows("one-core", { resources: [nsgRow] });
    const read = await readSnapshotInventory([path], { streamAbove: 0, splitAbove: 0, threads: 1 });
    assert.deepEqual(read.split, { used: false });
    assert.equal(read.inventory.networkSecurityGroups.size, 1);
  });

  it("reads the demo fleet and Microsoft's NSG example as Resource Graph lists it", async () => {
    const path = writeRows("demo", { ...demo, resources: [...demo.resources!, nsgRow] });
    const [two, one] = [await split(path), await oneThread(path)];
    assert.deepEqual(two.split, { used: true });
    assert.ok(two.inventory.networkSecurityGroups.has(String(nsgRow.id).toLowerCase()));
    assertSameRead(two, one);
  });

  it("reads an indented file (as `az graph query` and the export write it) on two threads", async () => {
    const path = join(folder, "indented.json");
    writeFileSync(path, JSON.stringify({ ...demo, resources: [...demo.resources!, nsgRow] }, null, 2));
    const [two, one] = [await split(path), await oneThread(path)];
    assert.deepEqual(two.split, { used: true });
    assertSameRead(two, one);
  });

  const wholeShapes: [string, (rows: unknown[]) => string][] = [
    ["a Resource Graph answer ({data: [...]})", (rows) => JSON.stringify({ count: rows.length, data: rows })],
    ["a root array of rows", (rows) => `[\n${rows.map((row) => JSON.stringify(row)).join(",\n")}\n]`],
  ];
  for (const [name, text] of wholeShapes)
    it(`reads ${name} on one thread without starting a worker: its rows are read whole`, async () => {
      const path = join(folder, `${name.replace(/\W+/g, "-")}.json`);
      writeFileSync(path, text([...demo.resources!, nsgRow]));
      const [two, one] = [await split(path), await oneThread(path)];
      assert.deepEqual(two.split, { used: false });
      assertSameRead(two, one);
    });

  it("reads this tool's export (coverage before its tables) on two threads", async () => {
    const path = join(folder, "export.json");
    const coverage = { complete: true, scopes: [{ tenantId: "tenant-a" }], gaps: [], tables: ["resources"] };
    const exported = {
      kind: "aks-vnet-audit-snapshot",
      schemaVersion: 1,
      coverage,
      tables: { resources: [nsgRow] },
    };
    writeFileSync(path, JSON.stringify(exported, null, 2));
    const [two, one] = [await split(path), await oneThread(path)];
    assert.deepEqual(two.split, { used: true });
    assertSameRead(two, one);
  });

  const secondNsg = JSON.parse(JSON.stringify(nsgRow).replaceAll("testnsg", "nsg2")) as Record<
    string,
    unknown
  >;
  const foreignRule = structuredClone(secondNsg) as { properties: { securityRules: { id: string }[] } };
  foreignRule.properties.securityRules[0]!.id = String(nsgRow.id) + "/securityRules/borrowed";
  const misfits: [string, unknown[], RegExp][] = [
    ["an NSG row twice (the worker's rows said in a diagnostic)", [nsgRow, secondNsg, nsgRow], /diagnostics/],
    [
      "an NSG as ARM spells its type, read by this thread",
      [nsgRow, JSON.parse(JSON.stringify(armNsg).replaceAll("testnsg", "armnsg")) as unknown],
      /this thread read itself/,
    ],
    [
      "a VNet whose first bytes hold an NSG's type (taken by the worker)",
      [
        nsgRow,
        {
          id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
          nested: { type: "microsoft.network/networksecuritygroups" },
          type: "microsoft.network/virtualnetworks",
          properties: {},
        },
      ],
      /rows of type microsoft\.network\/virtualnetworks/,
    ],
    ["a rule whose id names another NSG", [nsgRow, foreignRule], /not its NSG's own/],
    [
      "an NSG's id on a row of another type, read by this thread",
      [
        { ...nsgRow, type: "microsoft.network/loadbalancers" },
        secondNsg,
        { ...secondNsg, type: "microsoft.network/loadbalancers" },
      ],
      /both threads|read twice/,
    ],
  ];
  for (const [name, resources, reason] of misfits)
    it(`steps back to one thread, with the same result: ${name}`, async () => {
      const path = writeRows(name, { ...demo, resources: [...demo.resources!, ...resources] });
      const [two, one] = [await split(path), await oneThread(path)];
      assert.equal(two.split.used, false);
      assert.match(two.split.misfit ?? "", reason);
      assertSameRead(two, one);
    });

  it("steps back on a file that stops being JSON after its rows, and reports it as one thread does", async () => {
    const path = writeRows("cut", { resources: [nsgRow, secondNsg] });
    writeFileSync(path, readFileSync(path, "utf8").replace(/\n\]\n\}\n$/, ",\n{"));
    const [two, one] = [await split(path), await oneThread(path)];
    assert.equal(two.split.used, false);
    assert.match(two.split.misfit ?? "", /read failed/);
    assertSameRead(two, one);
    assert.ok(one.collected.coverage.gaps.length > 0);
  });
});

describe("mergeNsgRows", () => {
  // Each thread tells NSG rows from the bytes it read; the row numbers prove they split the rows the same way.
  const cases: [string, number[], number[], string | undefined, RegExp | undefined][] = [
    ["the rows this thread left are the worker's", [3, 5, 8], [3, 5, 8], undefined, undefined],
    [
      "a row left by this thread that the worker did not read (lost)",
      [3, 5, 8],
      [3, 8],
      undefined,
      /different rows/,
    ],
    ["a row the worker read that this thread read too", [3, 8], [3, 5, 8], undefined, /different rows/],
    ["the worker's own misfit", [3], [3], "rows with diagnostics", /rows with diagnostics/],
  ];
  for (const [name, left, read, workerMisfit, expected] of cases)
    it(name, () => {
      const rows = { batches: [], rows: read, tenants: [], misfit: workerMisfit };
      const misfit = mergeNsgRows(createNormalizer(), left, rows);
      if (expected === undefined) assert.equal(misfit, undefined);
      else assert.match(misfit ?? "", expected);
    });
});
