// `scan --exclude-subscription` / `--exclude-management-group` / config `exclude` on a snapshot whose subscriptions
// come as Resource Graph `resourcecontainers` rows (a real ARG response, test/fixtures): excluded subscriptions
// leave every report, and every report's scope section lists them.
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readFindings, runCli, tempFolder } from "../reliability/cli.ts";
import { managedCluster, virtualNetwork } from "../reliability/fleet.ts";

const fixture = new URL("../fixtures/arg-resourcecontainers-subscriptions.json", import.meta.url);
interface SubscriptionRow {
  subscriptionId: string;
  id: string;
  properties: { managementGroupAncestorsChain: { name: string; displayName: string }[] };
}

let root = "";
let input = "";
let real: SubscriptionRow;
const sandbox = "5a1e5a1e-0000-4000-8000-00000000beef";
const unplaced = "0c0c0c0c-0000-4000-8000-000000000c0c";

/** The fleet's cluster and VNet rows, moved into `subscriptionId`. */
function inSubscription(rows: Record<string, unknown>[], subscriptionId: string): Record<string, unknown>[] {
  return JSON.parse(
    JSON.stringify(rows).replaceAll("00000000-0000-0000-0000-0000000000a1", subscriptionId),
  ) as Record<string, unknown>[];
}

before(async () => {
  root = await tempFolder("exclusions");
  real = (JSON.parse(await readFile(fixture, "utf8")) as { data: SubscriptionRow[] }).data[0]!;
  const [parent, tenantRoot] = real.properties.managementGroupAncestorsChain;
  // A second subscription in another group under the same root, written in the same shape.
  const sandboxRow = {
    ...real,
    id: `/subscriptions/${sandbox}`,
    subscriptionId: sandbox,
    name: "Sandbox",
    properties: {
      ...real.properties,
      managementGroupAncestorsChain: [{ name: "mg-sandbox", displayName: "Sandbox" }, tenantRoot],
    },
  };
  assert.ok(parent && tenantRoot);
  const rows = [
    ...inSubscription([virtualNetwork(0), managedCluster("aks-prod", 0, false)], real.subscriptionId),
    ...inSubscription([virtualNetwork(1), managedCluster("aks-sandbox", 1, false)], sandbox),
    ...inSubscription([virtualNetwork(2), managedCluster("aks-unplaced", 2, false)], unplaced),
  ];
  input = join(root, "fleet.json");
  await writeFile(input, JSON.stringify({ resources: rows, resourcecontainers: [real, sandboxRow] }));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function scan(name: string, ...extra: string[]) {
  const out = join(root, name);
  const result = await runCli(
    ["scan", "--input", input, "--out", out, "--no-history", "--quiet", ...extra],
    90_000,
  );
  assert.equal(result.status, 0, result.stderr);
  const findings = (await readFindings(out)) as unknown as {
    run: { excludedScopes?: { kind: string; id: string; subscriptions: string[] }[] };
    results: { subscriptionId: string }[];
    summary: { clusters: number };
    diagnostics: { code: string; message: string }[];
  };
  return {
    findings,
    subscriptions: [...new Set(findings.results.map((r) => r.subscriptionId.toLowerCase()))].sort(),
    html: await readFile(join(out, "report.html"), "utf8"),
    markdown: await readFile(join(out, "summary.md"), "utf8"),
  };
}

describe("scope exclusions", () => {
  it("without exclusions every subscription is reported", async () => {
    const { findings, subscriptions } = await scan("all");
    assert.deepEqual(subscriptions, [real.subscriptionId, sandbox, unplaced].sort());
    assert.equal(findings.summary.clusters, 3);
    assert.equal(findings.run.excludedScopes, undefined);
  });

  it("--exclude-subscription leaves that subscription out and lists it in every report's scope", async () => {
    const { findings, subscriptions, html, markdown } = await scan("sub", "--exclude-subscription", sandbox);
    assert.deepEqual(subscriptions, [real.subscriptionId, unplaced].sort());
    assert.equal(findings.summary.clusters, 2);
    assert.deepEqual(findings.run.excludedScopes, [
      { kind: "subscription", id: sandbox, subscriptions: [sandbox] },
    ]);
    assert.ok(html.includes(`excluded: subscription ${sandbox}`), "report.html names it");
    assert.ok(markdown.includes(`- Scope: excluded: subscription ${sandbox}`), "summary.md names it");
  });

  it("--exclude-management-group leaves out the subtree beneath it and warns about unplaced subscriptions", async () => {
    const parent = real.properties.managementGroupAncestorsChain[0]!.name;
    const { findings, subscriptions, html } = await scan("mg", "--exclude-management-group", parent);
    assert.deepEqual(subscriptions, [sandbox, unplaced].sort());
    assert.deepEqual(findings.run.excludedScopes, [
      { kind: "managementGroup", id: parent, subscriptions: [real.subscriptionId] },
    ]);
    assert.ok(
      html.includes(`excluded: management group ${parent} (1 subscription beneath: ${real.subscriptionId})`),
    );
    const warning = findings.diagnostics.find((d) => d.code === "management-group-ancestry-unknown");
    assert.ok(warning?.message.includes(unplaced), "the subscription without ancestry is named");
  });

  it("the config's exclude does the same; the tenant root group takes every placed subscription", async () => {
    const tenantRoot = real.properties.managementGroupAncestorsChain[1]!.name;
    const config = join(root, "config.json");
    await writeFile(
      config,
      JSON.stringify({ exclude: { managementGroups: [tenantRoot], subscriptions: [unplaced] } }),
    );
    const { findings, subscriptions } = await scan("config", "--config", config);
    assert.deepEqual(subscriptions, []);
    assert.equal(findings.summary.clusters, 0);
    assert.deepEqual(
      findings.run.excludedScopes?.map((s) => [s.kind, s.subscriptions]),
      [
        ["subscription", [unplaced]],
        ["managementGroup", [real.subscriptionId, sandbox].sort()],
      ],
    );
  });

  it("rejects an --exclude-subscription that is not a subscription id, in one line (exit 2)", async () => {
    const result = await runCli([
      "scan",
      "--input",
      input,
      "--out",
      join(root, "bad"),
      "--exclude-subscription",
      "prod",
    ]);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr.trim(),
      /^aks-vnet-audit: --exclude-subscription prod: expected a subscription id \(a GUID\)\.$/,
    );
  });
});
