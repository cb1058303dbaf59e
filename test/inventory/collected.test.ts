// Reading a snapshot straight into the normalizer gives what reading it whole and normalizing gives, for every shape.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import { normalizeCollected, readSnapshotInventory } from "../../src/inventory/collected.ts";
import { runScope } from "../../src/engine/run-record.ts";

const folder = mkdtempSync(join(tmpdir(), "snapshot-scan-"));
after(() => {
  rmSync(folder, { recursive: true, force: true });
});

const demo = JSON.parse(
  readFileSync(new URL("../../examples/demo-fleet/fleet/contoso.json", import.meta.url), "utf8"),
) as Record<string, unknown[] | undefined>;
const resources = demo.resources ?? [];
const networkresources = demo.networkresources ?? [];
const coverage = { complete: true, scopes: [], gaps: [], tables: ["resources", "networkresources"] };
const exported = (schemaVersion: number): string =>
  `{"tables":${JSON.stringify({ resources, networkresources })},"kind":"aks-vnet-audit-snapshot","schemaVersion":${String(schemaVersion)},"coverage":${JSON.stringify(coverage)}}`;

const cases: readonly { name: string; files: readonly string[] }[] = [
  { name: "table-keyed file", files: [JSON.stringify({ Resources: resources, networkresources })] },
  { name: "export with its kind after the rows", files: [exported(1)] },
  { name: "export of an unknown schemaVersion (read again whole)", files: [exported(2)] },
  { name: "rows array (not streamed)", files: [JSON.stringify([...networkresources, ...resources])] },
  {
    name: "Resource Graph answer beside a table (read again whole)",
    files: [JSON.stringify({ resources, data: networkresources })],
  },
  {
    name: "file cut off after its rows (read again whole)",
    files: [JSON.stringify({ resources }).slice(0, -2)],
  },
  {
    name: "the same rows in two files: duplicates reported",
    files: [JSON.stringify({ resources }), JSON.stringify({ resources })],
  },
  {
    name: "a table key twice (read again whole)",
    files: [`{"resources":${JSON.stringify(resources)},"resources":[]}`],
  },
];

describe("readSnapshotInventory", () => {
  for (const testCase of cases) {
    it(`${testCase.name}: same inventory, coverage, diagnostics and scope as readSnapshot + normalize`, async () => {
      const paths = testCase.files.map((text, index) => {
        const path = join(folder, `${testCase.name.replace(/\W+/g, "-")}-${String(index)}.json`);
        writeFileSync(path, text);
        return path;
      });
      const whole = await readSnapshot(paths);
      // A threshold of 0 streams every file, however small.
      const streamed = await readSnapshotInventory(paths, { streamAbove: 0 });
      assert.deepEqual(streamed.inventory, normalizeCollected(whole));
      assert.deepEqual(streamed.collected, { ...whole, rows: [] });
      assert.equal(streamed.rowCount, whole.rows.length);
      assert.deepEqual(runScope(streamed.collected, paths, streamed.tenants), runScope(whole, paths));
    });
  }

  it("reads the rows at all (the comparison above is not between two empty inventories)", async () => {
    const path = join(folder, "plain.json");
    writeFileSync(path, JSON.stringify({ resources, networkresources }));
    const streamed = await readSnapshotInventory([path], { streamAbove: 0 });
    assert.equal(streamed.rowCount, resources.length + networkresources.length);
    assert.ok(streamed.inventory.clusters.size > 0);
  });
});
