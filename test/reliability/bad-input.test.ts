// Bad input matrix: each malformed snapshot is named in a diagnostic (file, row, field), the good cluster beside it is
// still analyzed, and the scan ends with the exit code the table gives; nothing crashes or hangs.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { clusterId, goodRows, managedCluster, vnetId, virtualNetwork } from "./fleet.ts";
import { readFindings, runCli, tempFolder, type FindingsFile } from "./cli.ts";

const tenMegabytes = "x".repeat(10 * 1024 * 1024);

/** A whole file the reader cannot use: alone it is "nothing to scan" (2); beside a good file the scan is incomplete (3). */
interface BadFile {
  readonly name: string;
  readonly text: string;
}

const badFiles: readonly BadFile[] = [
  { name: "an empty file", text: "" },
  { name: "a file of only whitespace and a byte order mark", text: "\uFEFF  \n\t" },
  { name: "a file that is not JSON", text: "id,name,type\n/subscriptions/x,aks,cluster\n" },
  { name: "a truncated JSON file", text: JSON.stringify(goodRows).slice(0, 300) },
  { name: "a JSON object of the wrong shape", text: JSON.stringify({ clusters: goodRows }) },
  { name: "JSON null", text: "null" },
  { name: "10 MB of one JSON string", text: JSON.stringify(tenMegabytes) },
  { name: "an ARG response whose data is not a list", text: JSON.stringify({ data: "rows" }) },
  {
    name: "a table-keyed object whose table is not a list",
    text: JSON.stringify({ resources: { id: "x" } }),
  },
  {
    name: "an export of an unknown schemaVersion",
    text: JSON.stringify({ kind: "aks-vnet-audit-snapshot", schemaVersion: 99 }),
  },
];

/** Rows placed after the good rows (0 and 1) in the same file; `row` is the one the diagnostic must name. */
interface BadRows {
  readonly name: string;
  readonly rows: readonly unknown[];
  readonly exit: 0 | 3;
  readonly code: string;
  readonly row: number;
  /** The field the diagnostic must name; undefined when the whole row is the problem. */
  readonly field: string | undefined;
}

const otherVnet = (properties: unknown): Record<string, unknown> => ({ ...virtualNetwork(1), properties });
const subnetOf = (addressPrefix: unknown): unknown =>
  otherVnet({
    addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
    subnets: [{ id: `${vnetId(1)}/subnets/s`, name: "s", properties: { addressPrefix } }],
  });

// Field-level problems keep the row (exit 0, rules answer `unverified` where they cannot prove);
// a dropped row is a resource no rule looked at, so the run is incomplete (exit 3).
const badRows: readonly BadRows[] = [
  {
    name: "a cluster with null properties",
    rows: [managedCluster("aks-bad", 0, true, null)],
    exit: 0,
    code: "missing-field",
    row: 2,
    field: "properties",
  },
  {
    name: "a cluster whose properties are 10 MB of one string",
    rows: [managedCluster("aks-bad", 0, true, tenMegabytes)],
    exit: 0,
    code: "wrong-type",
    row: 2,
    field: "properties",
  },
  {
    name: "a node count given as a string",
    rows: [
      managedCluster("aks-bad", 0, true, {
        agentPoolProfiles: [{ name: "p", count: "3", vnetSubnetID: `${vnetId(0)}/subnets/nodes` }],
      }),
    ],
    exit: 0,
    code: "number-as-string",
    row: 2,
    field: "properties.agentPoolProfiles[0].count",
  },
  {
    name: "enableVnetIntegration given as a string",
    rows: [managedCluster("aks-bad", 0, true, { apiServerAccessProfile: { enableVnetIntegration: "true" } })],
    exit: 0,
    code: "boolean-as-string",
    row: 2,
    field: "properties.apiServerAccessProfile.enableVnetIntegration",
  },
  {
    name: "agentPoolProfiles that is a string, not an array",
    rows: [managedCluster("aks-bad", 0, true, { agentPoolProfiles: "system" })],
    exit: 0,
    code: "wrong-type",
    row: 2,
    field: "properties.agentPoolProfiles",
  },
  {
    name: "address prefixes that hold a number",
    rows: [otherVnet({ addressSpace: { addressPrefixes: [7] }, subnets: [] })],
    exit: 0,
    code: "wrong-type",
    row: 2,
    field: "properties.addressSpace.addressPrefixes[0]",
  },
  {
    name: "a VNet address space 10.0.0.0/33",
    rows: [otherVnet({ addressSpace: { addressPrefixes: ["10.0.0.0/33"] }, subnets: [] })],
    exit: 0,
    code: "invalid-prefix",
    row: 2,
    field: "properties.addressSpace.addressPrefixes",
  },
  {
    name: "a subnet prefix 'banana'",
    rows: [subnetOf("banana")],
    exit: 0,
    code: "invalid-prefix",
    row: 2,
    field: "properties.subnets[0].properties.addressPrefix",
  },
  {
    name: "an IPv6 subnet prefix with a zone id",
    rows: [subnetOf("fe80::1%eth0/64")],
    exit: 0,
    code: "invalid-prefix",
    row: 2,
    field: "properties.subnets[0].properties.addressPrefix",
  },
  {
    name: "the same cluster id twice in different case",
    rows: [
      managedCluster("aks-dup"),
      { ...managedCluster("aks-dup"), id: clusterId("aks-dup").toUpperCase() },
    ],
    exit: 0,
    code: "duplicate-id",
    row: 3,
    field: "id",
  },
  {
    name: "a resource type the audit does not know",
    rows: [
      { id: "/subscriptions/x/resourceGroups/r/providers/Microsoft.Foo/bars/b", type: "Microsoft.Foo/bars" },
    ],
    exit: 0,
    code: "unknown-type",
    row: 2,
    field: "type",
  },
  {
    name: "a cluster whose API server subnet id points nowhere",
    rows: [
      managedCluster("aks-dangling", 0, true, {
        apiServerAccessProfile: { enableVnetIntegration: true, subnetId: `${vnetId(9)}/subnets/gone` },
      }),
    ],
    exit: 0,
    code: "subnet-not-found",
    row: 2,
    field: "properties.apiServerAccessProfile.subnetId",
  },
  {
    name: "a row without an id",
    rows: [{ name: "aks-anon", type: "microsoft.containerservice/managedclusters" }],
    exit: 3,
    code: "malformed-row",
    row: 2,
    field: "id",
  },
  { name: "a row that is a number", rows: [42], exit: 3, code: "malformed-row", row: 2, field: undefined },
  { name: "a row that is null", rows: [null], exit: 3, code: "malformed-row", row: 2, field: undefined },
];

function scanArgs(inputs: readonly string[], folder: string): string[] {
  return [
    "scan",
    ...inputs.flatMap((input) => ["--input", input]),
    ...["--out", join(folder, "out"), "--state-dir", join(folder, "state"), "--format", "json", "--quiet"],
  ];
}

/** The good cluster kept its verdict: the bad input cost nothing beside it. */
function assertGoodClusterAnalyzed(findings: FindingsFile): void {
  const verdict = findings.results.find(
    (result) =>
      result.ruleId === "cluster-not-vnet-integrated" && result.resourceId === clusterId("aks-good"),
  );
  assert.equal(verdict?.status, "pass", "the good cluster beside the bad input is still analyzed");
}

function assertCoverageMatches(findings: FindingsFile, exit: number): void {
  assert.equal(findings.coverage.complete, exit !== 3, "coverage is incomplete exactly when rows were lost");
  assert.equal(findings.coverage.gaps.length > 0, exit === 3, "a gap is listed exactly when rows were lost");
}

describe("bad snapshot files", { concurrency: 4 }, () => {
  for (const bad of badFiles) {
    it(`${bad.name}: alone exits 2 with one line naming the file`, async () => {
      const folder = await tempFolder("bad-file");
      const file = join(folder, "bad.json");
      await writeFile(file, bad.text);
      const { status, stderr } = await runCli(scanArgs([file], folder));
      assert.equal(status, 2, stderr);
      assert.equal(stderr.trim().split("\n").length, 1, stderr.slice(0, 500));
      assert.ok(stderr.includes(file), `stderr names ${file}: ${stderr.slice(0, 500)}`);
      assert.ok(stderr.length < 2000, `stderr stays short (${stderr.length} chars)`);
    });

    it(`${bad.name}: beside a good file exits 3, names the file and analyzes the good one`, async () => {
      const folder = await tempFolder("bad-file");
      const file = join(folder, "bad.json");
      const good = join(folder, "good.json");
      await writeFile(file, bad.text);
      await writeFile(good, JSON.stringify(goodRows));
      const { status, stderr } = await runCli(scanArgs([file, good], folder));
      assert.equal(status, 3, stderr);
      const findings = await readFindings(join(folder, "out"));
      const named = findings.diagnostics.find((d) => d.code === "unreadable-input" && d.origin === file);
      assert.ok(named, "an unreadable-input diagnostic names the file");
      assert.ok(named.message.length < 1000, `the diagnostic stays short (${named.message.length} chars)`);
      assert.ok(
        findings.coverage.gaps.some((gap) => gap.code === "unreadable-input"),
        "the file is a coverage gap",
      );
      assertCoverageMatches(findings, 3);
      assertGoodClusterAnalyzed(findings);
    });
  }
});

describe("bad rows beside good ones", { concurrency: 4 }, () => {
  for (const bad of badRows) {
    it(`${bad.name}: exits ${bad.exit} with ${bad.code} at row ${bad.row} ${bad.field ?? "(whole row)"}`, async () => {
      const folder = await tempFolder("bad-row");
      const file = join(folder, "fleet.json");
      await writeFile(file, JSON.stringify([...goodRows, ...bad.rows]));
      const { status, stderr } = await runCli(scanArgs([file], folder));
      assert.equal(status, bad.exit, stderr);
      const findings = await readFindings(join(folder, "out"));
      const named = findings.diagnostics.find((d) => d.code === bad.code);
      assert.ok(
        named,
        `a ${bad.code} diagnostic: ${JSON.stringify(findings.diagnostics.map((d) => d.code))}`,
      );
      assert.deepEqual([named.origin, named.row, named.field], [file, bad.row, bad.field]);
      assert.ok(named.message.startsWith(`${file} row ${bad.row}`), named.message.slice(0, 200));
      assert.ok(named.message.length < 1000, `the diagnostic stays short (${named.message.length} chars)`);
      assertCoverageMatches(findings, bad.exit);
      assertGoodClusterAnalyzed(findings);
    });
  }
});
