// Tests that the committed demo fleet is what generate.ts writes, and that it is a multi-tenant fleet in ARG row shape.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildDemoFleet } from "../../examples/demo-fleet/generate.ts";

const fleetDir = join(import.meta.dirname, "../../examples/demo-fleet");
const tables = ["resources", "networkresources", "resourcechanges", "authorizationresources"];
const fleet = buildDemoFleet();

function rowsOf(content: string): Record<string, unknown>[] {
  const file = JSON.parse(content) as Record<string, Record<string, unknown>[]>;
  return Object.values(file).flat();
}
const rows = [...fleet.values()].flatMap(rowsOf);
const typeOf = (row: Record<string, unknown>): string => String(row.type);

describe("demo fleet", () => {
  it("committed files equal a fresh generation byte for byte", () => {
    const committed = readdirSync(fleetDir)
      .filter((name) => name.endsWith(".json"))
      .sort();
    assert.deepEqual(committed, [...fleet.keys()].sort());
    for (const [name, content] of fleet) {
      assert.equal(
        readFileSync(join(fleetDir, name), "utf8"),
        content,
        `${name} is stale: run examples/demo-fleet/generate.ts`,
      );
    }
  });

  it("generates the same content twice (no randomness)", () => {
    assert.deepEqual([...buildDemoFleet()], [...fleet]);
  });

  for (const [name, content] of fleet) {
    it(`${name} is keyed by ARG table, rows sorted by id`, () => {
      const file = JSON.parse(content) as Record<string, { id: string }[]>;
      assert.deepEqual(Object.keys(file), tables);
      for (const [table, tableRows] of Object.entries(file)) {
        const ids = tableRows.map((row) => row.id.toLowerCase());
        assert.deepEqual(ids, [...ids].sort(), `${name} ${table} is not sorted by id`);
      }
    });
  }

  const minimums = [
    { what: "tenants", count: new Set(rows.map((row) => row.tenantId)).size, min: 2 },
    { what: "subscriptions", count: new Set(rows.map((row) => row.subscriptionId)).size, min: 4 },
    {
      what: "clusters",
      count: rows.filter((row) => typeOf(row) === "microsoft.containerservice/managedclusters").length,
      min: 25,
    },
    {
      what: "change records",
      count: rows.filter((row) => typeOf(row) === "microsoft.resources/changes").length,
      min: 5,
    },
    {
      what: "role assignments",
      count: rows.filter((row) => typeOf(row) === "microsoft.authorization/roleassignments").length,
      min: 5,
    },
  ];
  for (const { what, count, min } of minimums) {
    it(`has at least ${min} ${what}`, () => {
      assert.ok(count >= min, `${count} ${what}`);
    });
  }

  it("every row has id, lower-cased type, tenantId and subscriptionId", () => {
    for (const row of rows) {
      for (const field of ["id", "type", "tenantId", "subscriptionId"]) {
        assert.equal(typeof row[field], "string", `${String(row.id)} lacks ${field}`);
        assert.notEqual(row[field], "", `${String(row.id)} has an empty ${field}`);
      }
      assert.equal(typeOf(row), typeOf(row).toLowerCase());
    }
  });

  it("ids are unique", () => {
    const ids = rows.map((row) => String(row.id).toLowerCase());
    assert.equal(new Set(ids).size, ids.length);
  });

  it("keeps firewall policy rule collection groups in networkresources only", () => {
    for (const [name, content] of fleet) {
      const file = JSON.parse(content) as Record<string, Record<string, unknown>[]>;
      const misplaced = Object.entries(file).filter(
        ([table, tableRows]) =>
          table !== "networkresources" &&
          tableRows.some((row) => typeOf(row).endsWith("/rulecollectiongroups")),
      );
      assert.deepEqual(misplaced, [], name);
    }
  });
});
