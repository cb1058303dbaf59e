// Rule collection groups from resources, from networkresources, through ARM GET, or not at all (a coverage gap).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import nock from "nock";
import { main } from "../../src/cli/main.ts";
import { collect } from "../../src/collect/collect.ts";
import { resolveCloud } from "../../src/collect/clouds.ts";
import { loadInventoryQueries } from "../../src/collect/queries.ts";
import { createRuleCollectionGroupReader } from "../../src/collect/rule-collection-groups.ts";
import { normalize } from "../../src/inventory/normalize.ts";
import { blockNetwork, fakeClock, fakeCredentials } from "./fakes.ts";
import { serveEstate } from "./estate.ts";
import type { EstateRow } from "./estate.ts";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

function exampleBody(path: URL): Record<string, unknown> {
  const example = JSON.parse(readFileSync(path, "utf8")) as {
    responses: { 200: { body: Record<string, unknown> } };
  };
  return example.responses[200].body;
}

/** The spec examples as Resource Graph would return them: lower-cased type, tenant and subscription columns. */
function asArgRow(body: Record<string, unknown>): EstateRow {
  return {
    ...body,
    id: body.id as string,
    type: (typeof body.type === "string"
      ? body.type
      : "Microsoft.Network/firewallPolicies/ruleCollectionGroups"
    ).toLowerCase(),
    tenantId,
    subscriptionId: "subid",
    resourceGroup: "rg1",
  };
}

const policy = asArgRow(exampleBody(new URL("../fixtures/net-FirewallPolicyGet.json", import.meta.url)));
const groupBody = exampleBody(
  new URL(
    "../../../shared/fixtures/arm-examples/net-FirewallPolicyRuleCollectionGroupGet.json",
    import.meta.url,
  ),
);
const group = asArgRow(groupBody);
const groupKey = group.id.toLowerCase();

async function firewallQueries() {
  return (await loadInventoryQueries()).filter((query) => query.name.startsWith("firewall-polic"));
}

async function collectEstate() {
  return collect({
    kind: "live",
    options: {
      tenants: [{ tenantId, subscriptions: ["subid"] }],
      queries: await firewallQueries(),
      credentialFactory: fakeCredentials().factory,
      clock: fakeClock(),
      random: () => 0.5,
    },
  });
}

describe("rule collection groups, wherever they live", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  const sources: [string, Record<string, EstateRow[]>, ReadonlyMap<string, unknown> | undefined, string][] = [
    ["only in resources", { resources: [policy, group] }, undefined, "resources"],
    [
      "only in networkresources",
      { resources: [policy], networkresources: [group] },
      undefined,
      "networkresources",
    ],
    [
      "in both tables: kept once",
      { resources: [policy, group], networkresources: [group] },
      undefined,
      "networkresources",
    ],
    ["in no table: read by ARM GET", { resources: [policy] }, new Map([[groupKey, groupBody]]), "arm"],
  ];
  for (const [name, tables, arm, expected] of sources) {
    it(name, async () => {
      const log = serveEstate({ tables, ...(arm ? { arm } : {}) });
      const collection = await collectEstate();
      assert.equal(collection.ruleCollectionGroupSources?.get(groupKey), expected);
      assert.equal(collection.collected.coverage.complete, true);
      assert.deepEqual(log.armGets, expected === "arm" ? [group.id] : []);
      const inventory = normalize(collection.collected.rows);
      assert.deepEqual(
        inventory.diagnostics.filter((diagnostic) => diagnostic.level !== "info"),
        [],
      );
      assert.deepEqual([...inventory.firewallPolicyRuleCollectionGroups.keys()], [groupKey]);
      assert.equal(
        inventory.firewallPolicyRuleCollectionGroups.get(groupKey)?.rules[0]?.name,
        "network-rule1",
      );
      assert.deepEqual(inventory.unreadRuleCollectionGroups, []);
    });
  }

  it("not readable at all: a coverage gap naming the group, and the group is unread in the inventory", async () => {
    serveEstate({ tables: { resources: [policy] }, forbiddenIds: [group.id] });
    const collection = await collectEstate();
    assert.equal(collection.ruleCollectionGroupSources?.get(groupKey), "unread");
    assert.equal(collection.collected.coverage.complete, false);
    const gap = collection.collected.coverage.gaps[0];
    assert.equal(gap?.code, "AuthorizationFailed");
    assert.deepEqual(gap.scope, [group.id]);
    assert.match(
      gap.message,
      /ruleCollectionGroup1 of firewall policy .*firewallPolicy is in no Resource Graph table/,
    );
    const inventory = normalize(collection.collected.rows);
    assert.deepEqual(
      inventory.unreadRuleCollectionGroups.map((unread) => unread.id),
      [group.id],
    );
  });

  it("scan exits 3 and the pinned-IP rules answer unverified naming the unreadable group", async () => {
    serveEstate({ tables: { resources: [policy] }, forbiddenIds: [group.id] });
    const out = await mkdtemp(join(tmpdir(), "aks-vnet-audit-rcg-"));
    const code = await main(
      [
        "scan",
        "--tenant",
        tenantId,
        "--subscription",
        "subid",
        "--out",
        out,
        "--no-verify",
        "--quiet",
        "--format",
        "json",
      ],
      { credentialFactory: fakeCredentials().factory, clock: fakeClock(), random: () => 0.5 },
    );
    assert.equal(code, 3);
    const findings = JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as {
      results: { ruleId: string; status: string; resourceId: string; message: string }[];
    };
    const unverified = findings.results.filter((result) => result.resourceId === group.id);
    assert.deepEqual(unverified.map((result) => [result.ruleId, result.status]).sort(), [
      ["rule-pinned-to-apiserver-ip", "unverified"],
      ["rule-pinned-to-old-apiserver-ip", "unverified"],
    ]);
    for (const result of unverified) assert.ok(result.message.includes(group.id));
  });
});

describe("the rule collection group ARM GET", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("is paced by ARM's read bucket: an answer saying no reads are left makes the next GET wait for a token", async () => {
    const clock = fakeClock();
    const credentials = fakeCredentials();
    const read = createRuleCollectionGroupReader({
      cloud: resolveCloud("public"),
      credentialFor: (tenant) => credentials.factory(tenant, "default"),
      clock,
      random: () => 0.5,
    });
    const arm = nock("https://management.azure.com")
      .get(group.id)
      .query(true)
      .reply(200, groupBody, { "x-ms-ratelimit-remaining-subscription-reads": "0" })
      .get(group.id)
      .query(true)
      .reply(200, groupBody, { "x-ms-ratelimit-remaining-subscription-reads": "249" });
    await read(group.id, tenantId);
    assert.deepEqual(clock.sleeps, [], "a full bucket sends the first GET at once");
    await read(group.id, tenantId);
    // 25 reads a second refill the bucket: one token takes 40 ms.
    assert.equal(clock.sleeps.length, 1);
    assert.ok(clock.sleeps[0]! >= 40, `slept ${String(clock.sleeps[0])} ms`);
    assert.ok(arm.isDone());
  });
});
