// Tests that the committed demo fleet is what generate.ts writes, and that it is a multi-tenant fleet in ARG row shape.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildDemoFleet } from "../../examples/demo-fleet/generate.ts";
import { parseConfig } from "../../src/config/load.ts";

const fleetDir = join(import.meta.dirname, "../../examples/demo-fleet");
const tables = [
  "resources",
  "networkresources",
  "resourcechanges",
  "authorizationresources",
  "resourcecontainers",
];
const generated = buildDemoFleet();
/** The snapshots (current and earlier runs); runs.json lists them. */
const fleet = new Map([...generated].filter(([name]) => name !== "history/runs.json"));

function rowsOf(content: string): Record<string, unknown>[] {
  const file = JSON.parse(content) as Record<string, Record<string, unknown>[]>;
  return Object.values(file).flat();
}
const rows = [...fleet]
  .filter(([name]) => name.startsWith("fleet/"))
  .flatMap(([, content]) => rowsOf(content));
const typeOf = (row: Record<string, unknown>): string => String(row.type);

describe("demo fleet", () => {
  it("committed files equal a fresh generation byte for byte", () => {
    const committed = readdirSync(fleetDir, { recursive: true, encoding: "utf8" })
      .map((name) => name.split("\\").join("/"))
      .filter((name) => name.endsWith(".json") && name !== "config.json")
      .sort();
    assert.deepEqual(committed, [...generated.keys()].sort());
    for (const [name, content] of generated) {
      assert.equal(
        readFileSync(join(fleetDir, name), "utf8"),
        content,
        `${name} is stale: run examples/demo-fleet/generate.ts`,
      );
    }
  });

  it("generates the same content twice (no randomness)", () => {
    assert.deepEqual([...buildDemoFleet()], [...generated]);
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

  it("history/runs.json lists both earlier runs, oldest first, before the current fleet", () => {
    const runs = JSON.parse(generated.get("history/runs.json") ?? "{}") as {
      current: string;
      runs: { folder: string; at: string }[];
    };
    assert.deepEqual(
      runs.runs.map((run) => run.folder),
      ["run-1", "run-2"],
    );
    const times = [...runs.runs.map((run) => run.at), runs.current].map((at) => Date.parse(at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    for (const run of runs.runs) assert.ok(generated.has(`history/${run.folder}/contoso.json`), run.folder);
  });

  it("earlier runs differ from the current fleet", () => {
    for (const run of ["run-1", "run-2"])
      assert.notEqual(generated.get(`history/${run}/contoso.json`), generated.get("fleet/contoso.json"), run);
  });

  it("config.json is a valid scanner config with an active and an expired suppression", () => {
    const config = parseConfig(
      JSON.parse(readFileSync(join(fleetDir, "config.json"), "utf8")),
      "config.json",
    );
    const current = Date.parse(
      (JSON.parse(generated.get("history/runs.json") ?? "{}") as { current: string }).current,
    );
    const expiries = config.suppressions.map((suppression) => Date.parse(suppression.expires ?? ""));
    assert.ok(
      expiries.some((expires) => expires > current),
      "an active suppression",
    );
    assert.ok(
      expiries.some((expires) => expires <= current),
      "an expired suppression",
    );
    assert.ok(config.attestations.some((attestation) => attestation.restartedAt !== undefined));
    assert.equal(Object.keys(config.knownApiServerIps).length, 2, "one pinned old IP and one pinned nowhere");
  });
});
