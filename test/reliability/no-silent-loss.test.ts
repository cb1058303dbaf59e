// Issue 11, one test per item with inputs as small as the issue's: nothing the input leaves out turns into a pass.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readSnapshotInventory } from "../../src/inventory/collected.ts";
import { printScanSummary } from "../../src/cli/console-summary.ts";
import { runCli, tempFolder } from "./cli.ts";
import { managedCluster, virtualNetwork, vnetId } from "./fleet.ts";
import { asRows, scanRows } from "./in-process.ts";

const nsgId = `${vnetId(0).replace(/virtualNetworks\/vnet0$/, "")}networkSecurityGroups/nsg-apiserver`;
const firewallId = `${vnetId(0).replace(/virtualNetworks\/vnet0$/, "")}azureFirewalls/fw`;

/** The reliability fleet's VNet, its API server subnet behind an NSG that denies the nodes' 443. */
function fleet(nsgProperties: unknown, firewallProperties?: unknown): unknown[] {
  const vnet = virtualNetwork(0) as { properties: { subnets: { properties: Record<string, unknown> }[] } };
  vnet.properties.subnets[1]!.properties.networkSecurityGroup = { id: nsgId };
  const rows: unknown[] = [
    vnet,
    managedCluster("aks-good"),
    {
      id: nsgId,
      name: "nsg-apiserver",
      type: "Microsoft.Network/networkSecurityGroups",
      properties: nsgProperties,
    },
  ];
  if (firewallProperties !== undefined)
    rows.push({
      id: firewallId,
      name: "fw",
      type: "Microsoft.Network/azureFirewalls",
      properties: firewallProperties,
    });
  return rows;
}

const denyNodes = {
  name: "deny-nodes",
  properties: {
    priority: 100,
    direction: "Inbound",
    access: "Deny",
    protocol: "Tcp",
    sourceAddressPrefix: "10.0.0.0/24",
    destinationAddressPrefix: "*",
    sourcePortRange: "*",
    destinationPortRange: "443",
  },
};

function nsgVerdict(rows: unknown[]): {
  status: string;
  message: string;
  exitCode: number;
  diagnostics: string[];
} {
  const { run, exitCode } = scanRows(asRows(rows));
  const result = run.results.find((r) => r.ruleId === "nsg-blocks-apiserver-traffic");
  assert.ok(result);
  return {
    status: result.status,
    message: result.message,
    exitCode,
    diagnostics: run.diagnostics.map((d) => `${d.level} ${d.code} ${d.resourceId ?? ""} ${d.field ?? ""}`),
  };
}

describe("1. missing content is never a pass", () => {
  it("the baseline fails: the NSG denies the nodes' 443", () => {
    assert.equal(nsgVerdict(fleet({ securityRules: [denyNodes] })).status, "fail");
  });

  for (const [name, properties] of [
    ["deleted", undefined],
    ["null", null],
    ["a string", "oops"],
  ] as const) {
    it(`NSG properties ${name}: a diagnostic names the NSG and the field, the verdict is unverified and says why`, () => {
      const rows = fleet(properties);
      if (properties === undefined) delete (rows[2] as { properties?: unknown }).properties;
      const verdict = nsgVerdict(rows);
      assert.equal(verdict.status, "unverified");
      assert.match(verdict.message, /NSG nsg-apiserver is incomplete in the input \(properties is/);
      assert.ok(
        verdict.diagnostics.includes(`warning missing-properties ${nsgId} properties`),
        verdict.diagnostics.join("\n"),
      );
    });
  }

  it("the Deny rule replaced by null: dropped-rule error, unverified, exit 3", () => {
    const verdict = nsgVerdict(fleet({ securityRules: [null] }));
    assert.equal(verdict.status, "unverified");
    assert.ok(verdict.diagnostics.includes(`error dropped-rule ${nsgId} properties.securityRules[0]`));
    assert.equal(verdict.exitCode, 3);
  });

  it("a firewall without properties: pinned-IP checks answer unverified, never pass", () => {
    const { run } = scanRows(asRows([...fleet({ securityRules: [] }, null)]));
    const pinned = run.results.filter((r) => r.ruleId.startsWith("rule-pinned"));
    assert.ok(
      pinned.every((r) => r.status !== "pass"),
      JSON.stringify(pinned.map((r) => r.status)),
    );
    const firewall = run.diagnostics.find((d) => d.resourceId === firewallId);
    assert.equal(firewall?.code, "missing-properties");
  });

  it("a VNet whose subnets list holds null: the element is named and dropped", () => {
    const vnet = virtualNetwork(0) as { properties: { subnets: unknown[] } };
    vnet.properties.subnets.push(null);
    const { run } = scanRows(asRows([vnet, managedCluster("aks-good")]));
    assert.ok(
      run.diagnostics.some((d) => d.code === "dropped-element" && d.field === "properties.subnets[2]"),
    );
  });

  it("an agent pool of null: the cluster's verdicts answer unverified", () => {
    const cluster = managedCluster("aks-good") as { properties: { agentPoolProfiles: unknown[] } };
    cluster.properties.agentPoolProfiles.push(null);
    const { run } = scanRows(asRows([virtualNetwork(0), cluster]));
    const onCluster = run.results.filter((r) => r.resourceId === (cluster as unknown as { id: string }).id);
    assert.ok(onCluster.length > 0);
    assert.ok(
      onCluster.every((r) => r.status === "unverified" || r.status === "error" || r.status === "suppressed"),
      JSON.stringify(onCluster.map((r) => [r.ruleId, r.status])),
    );
  });
});

describe("2. every key counts", () => {
  it('{"resources":[…],"resources":[]} keeps the clusters and says so', async () => {
    const folder = await tempFolder("repeated-key");
    const file = join(folder, "snapshot.json");
    await writeFile(
      file,
      `{"resources":${JSON.stringify([virtualNetwork(0), managedCluster("aks-good")])},"resources":[]}`,
    );
    const { inventory, collected } = await readSnapshotInventory([file]);
    assert.equal(inventory.clusters.size, 1);
    assert.ok(collected.diagnostics.some((d) => d.code === "duplicate-key" && d.field === "resources"));
  });
});

describe("3. aggregated diagnostics", () => {
  it("100,000 empty subnets are one aggregate with the exact count and 20 examples", () => {
    const vnet = virtualNetwork(0) as { properties: { subnets: unknown[] } };
    for (let index = 0; index < 100_000; index++) vnet.properties.subnets.push({});
    const { run } = scanRows(asRows([vnet, managedCluster("aks-good")]));
    const empty = run.diagnostics.filter((d) => d.code === "malformed-row");
    assert.equal(empty.length, 1);
    const [aggregate] = empty;
    assert.ok(aggregate);
    assert.deepEqual(
      [aggregate.count, aggregate.fieldPattern, aggregate.examples?.length],
      [100_000, "properties.subnets[*]", 20],
    );
    const lines: string[] = [];
    printScanSummary(run, [], (line) => lines.push(line));
    assert.ok(
      lines.some((line) => line.includes("100000 × malformed-row at properties.subnets[*]")),
      lines.join("\n"),
    );
  });

  it("200,000 non-object NSG rules (two million: npm run bench): one aggregate, and the scan is incomplete (exit 3)", () => {
    const securityRules: unknown[] = [denyNodes];
    for (let index = 0; index < 200_000; index++) securityRules.push(7);
    const { run, exitCode } = scanRows(asRows(fleet({ securityRules })));
    const dropped = run.diagnostics.filter((d) => d.code === "dropped-rule");
    assert.deepEqual(
      dropped.map((d) => d.count),
      [200_000],
    );
    assert.equal(exitCode, 3);
  });
});

describe("4. only regular files are read", () => {
  it("a named pipe as input: one-line error, exit 2, at once", async () => {
    const folder = await tempFolder("fifo");
    const pipe = join(folder, "rows.json");
    execFileSync("mkfifo", [pipe]);
    const outcome = await runCli(["scan", "--input", pipe, "--out", folder, "--no-history"], 60_000);
    assert.equal(outcome.status, 2);
    assert.match(outcome.stderr, /is a named pipe, not a file or folder/);
    assert.equal(outcome.stderr.trim().split("\n").length, 1, outcome.stderr);
  });
});

describe("5. no control bytes out", () => {
  it("a parse error quoting ESC[2J ESC]0;… BEL shows them visibly on the terminal", async () => {
    const folder = await tempFolder("control-bytes");
    const file = join(folder, "rows.json");
    await writeFile(file, "\u001b[2J\u001b]0;owned\u0007 not json");
    const outcome = await runCli(["scan", "--input", file, "--out", folder, "--no-history"], 60_000);
    assert.equal(outcome.status, 2);
    assert.doesNotMatch(outcome.stderr + outcome.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(outcome.stderr, /\\u001b/);
  });
});
