import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import {
  listAdhocQueries,
  loadAdhocQuery,
  loadInventoryQueries,
  loadSubscriptionsQuery,
  queriesRoot,
  tableOf,
} from "../../src/collect/queries.ts";
import { CollectOptionError } from "../../src/collect/errors.ts";

const armColumns =
  "id, name, type, tenantId, subscriptionId, resourceGroup, location, sku, kind, identity, tags, properties";

async function allKqlFiles(): Promise<string[]> {
  const entries = await readdir(queriesRoot, { recursive: true });
  return entries.filter((entry) => entry.endsWith(".kql")).sort();
}

describe("queries", () => {
  it("uses every .kql file: inventory, ad-hoc or subscription discovery", async () => {
    const used = [
      ...(await loadInventoryQueries()).map((query) => `${query.name}.kql`),
      ...(await listAdhocQueries()).map((name) => `adhoc/${name}.kql`),
      "scopes/subscriptions.kql",
    ].sort();
    assert.deepEqual(await allKqlFiles(), used);
    await loadSubscriptionsQuery();
  });

  it("starts every .kql file with a // comment", async () => {
    for (const file of await allKqlFiles()) {
      const text = await readFile(new URL(file, queriesRoot), "utf8");
      assert.match(text, /^\/\/ \S/, file);
    }
  });

  it("keeps inventory queries in ARM shape, ordered by id", async () => {
    const queries = await loadInventoryQueries();
    assert.ok(queries.length >= 10);
    for (const query of queries) {
      const lines = query.kql.trimEnd().split("\n");
      assert.equal(lines.at(-1), "| order by id asc", query.name);
      assert.equal(lines.at(-2), `| project ${armColumns}`, query.name);
    }
  });

  it("maps each inventory query to its Resource Graph table", async () => {
    const tables = Object.fromEntries(
      (await loadInventoryQueries()).map((query) => [query.name, query.table]),
    );
    assert.equal(tables.clusters, "resources");
    assert.equal(tables["firewall-policy-rule-collection-groups"], "networkresources");
    assert.equal(tables["cluster-changes"], "resourcechanges");
    assert.equal(tables["role-assignments"], "authorizationresources");
  });

  const tableCases = [
    { kql: "// lists\nResources\n| take 1", table: "resources" },
    { kql: "\n  networkresources | where 1 == 1", table: "networkresources" },
    { kql: "authorizationresources", table: "authorizationresources" },
  ];
  for (const { kql, table } of tableCases) {
    it(`reads the table of ${JSON.stringify(kql)}`, () => {
      assert.equal(tableOf(kql), table);
    });
  }

  it("rejects KQL without a table and unknown ad-hoc names", async () => {
    assert.throws(() => tableOf("// only a comment"), CollectOptionError);
    await assert.rejects(loadAdhocQuery("no-such-query"), /Known queries: apiserver-subnets-free-ips/);
    assert.equal((await loadAdhocQuery("clusters-not-integrated")).table, "resources");
  });
});
