// End to end: the CLI as a user runs it, on the demo fleet and on snapshot files of each accepted shape.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { rules } from "../../src/rules/index.ts";

const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const firstSixRules = [
  "cluster-not-vnet-integrated",
  "conversion-blocked",
  "apiserver-subnet-too-small",
  "apiserver-subnet-ip-exhaustion",
  "apiserver-subnet-misconfigured",
  "node-subnet-ip-exhaustion",
];

function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "aks-vnet-audit-scan-"));
}

interface FindingsJson {
  schemaVersion: number;
  tool: { name: string; version: string };
  run: { id: string; startedAt: string; source: string };
  coverage: { complete: boolean; gaps: unknown[] };
  summary: Record<string, unknown>;
  results: Record<string, unknown>[];
  diagnostics: { level: string; code: string; origin?: string; row?: number; field?: string }[];
}

async function readFindings(out: string): Promise<FindingsJson> {
  return JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as FindingsJson;
}

const resultKeys = [
  "ruleId",
  "status",
  "severity",
  "resourceId",
  "resourceType",
  "detail",
  "message",
  "evidence",
  "remediation",
  "fingerprint",
  "tenantId",
  "subscriptionId",
];

// A small fleet as ARG rows: one integrated cluster on a /29 API server subnet, one not integrated.
const sub =
  "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-net/providers/Microsoft.Network";
const rows = [
  {
    id: `${sub}/virtualNetworks/vnet1`,
    name: "vnet1",
    type: "microsoft.network/virtualnetworks",
    tenantId: "tenant-a",
    subscriptionId: "00000000-0000-0000-0000-0000000000a1",
    resourceGroup: "rg-net",
    location: "westeurope",
    properties: {
      addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
      subnets: [
        {
          id: `${sub}/virtualNetworks/vnet1/subnets/nodes`,
          name: "nodes",
          properties: { addressPrefix: "10.10.0.0/24" },
        },
        {
          id: `${sub}/virtualNetworks/vnet1/subnets/apiserver`,
          name: "apiserver",
          properties: {
            addressPrefix: "10.10.1.0/29",
            delegations: [
              { name: "d", properties: { serviceName: "Microsoft.ContainerService/managedClusters" } },
            ],
          },
        },
      ],
    },
  },
  cluster("aks-integrated", {
    enableVnetIntegration: true,
    subnetId: `${sub}/virtualNetworks/vnet1/subnets/apiserver`,
  }),
  cluster("aks-legacy", undefined),
];

function cluster(name: string, apiServerAccessProfile: object | undefined): object {
  return {
    id: `/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`,
    name,
    type: "Microsoft.ContainerService/ManagedClusters",
    tenantId: "tenant-a",
    subscriptionId: "00000000-0000-0000-0000-0000000000a1",
    resourceGroup: "rg-aks",
    location: "westeurope",
    sku: { name: "Base", tier: "Standard" },
    properties: {
      ...(apiServerAccessProfile ? { apiServerAccessProfile } : {}),
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
      agentPoolProfiles: [
        {
          name: "system",
          count: 3,
          vmSize: "Standard_D4s_v5",
          vnetSubnetID: `${sub}/virtualNetworks/vnet1/subnets/nodes`,
        },
      ],
    },
  };
}

describe("scan --input", () => {
  for (const [shape, content] of [
    ["a plain ARG row array", rows],
    ['{ "data": [...] } as az graph query returns it', { count: rows.length, data: rows, skip_token: null }],
    ["an object keyed by table", { resources: rows }],
  ] as const) {
    it(`reads ${shape} and writes a findings.json that follows the contract`, async () => {
      const folder = await tempDir();
      const input = join(folder, "fleet.json");
      await writeFile(input, JSON.stringify(content));
      const out = join(folder, "out");
      const { status, stderr } = run(["scan", "--input", input, "--out", out, "--format", "json", "--quiet"]);
      assert.equal(status, 0, stderr);
      assert.deepEqual(
        (await readdir(out)).sort(),
        ["findings.json", "runs"],
        "the json report plus the run store",
      );
      const findings = await readFindings(out);
      assert.equal(findings.schemaVersion, 1);
      assert.equal(findings.tool.name, "aks-vnet-audit");
      assert.match(findings.run.id, /^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{6}$/);
      assert.equal(findings.coverage.complete, true);
      for (const result of findings.results)
        assert.deepEqual(
          Object.keys(result)
            .filter((k) => resultKeys.includes(k))
            .sort(),
          [...resultKeys].sort(),
        );
      const verdict = (ruleId: string, name: string): unknown =>
        findings.results.find((r) => r.ruleId === ruleId && String(r.resourceId).endsWith(`/${name}`))
          ?.status;
      assert.equal(verdict("cluster-not-vnet-integrated", "aks-legacy"), "fail");
      assert.equal(verdict("cluster-not-vnet-integrated", "aks-integrated"), "pass");
      assert.equal(verdict("apiserver-subnet-too-small", "apiserver"), "fail");
      assert.ok(
        findings.results.some((r) => r.status === "not_applicable"),
        "results include not-applicables",
      );
    });
  }

  it("reports a malformed row as a diagnostic and still analyzes the other rows", async () => {
    const folder = await tempDir();
    const input = join(folder, "fleet.json");
    const broken = {
      ...(rows[0] as object),
      properties: { addressSpace: { addressPrefixes: ["10.10.0.0/33"] }, subnets: null },
    };
    await writeFile(input, JSON.stringify([broken, rows[1], rows[2], { name: "no id" }]));
    const out = join(folder, "out");
    const { status } = run(["scan", "--input", input, "--out", out, "--format", "json", "--quiet"]);
    const findings = await readFindings(out);
    const prefix = findings.diagnostics.find((d) => d.code === "invalid-prefix");
    assert.ok(prefix, "the bad prefix is named");
    assert.equal(prefix.origin, input);
    assert.equal(prefix.row, 0);
    assert.match(prefix.field ?? "", /addressPrefixes/);
    assert.ok(
      findings.diagnostics.some((d) => d.code === "malformed-row" && d.row === 3),
      "the row without id is named",
    );
    assert.equal(findings.results.filter((r) => r.ruleId === "cluster-not-vnet-integrated").length, 2);
    assert.equal(findings.coverage.complete, false, "a dropped row makes the run incomplete");
    assert.equal(status, 3);
  });

  it("fails with exit 2 and one line for an unreadable input", async () => {
    const folder = await tempDir();
    const { status, stderr } = run(["scan", "--input", join(folder, "missing.json"), "--out", folder]);
    assert.equal(status, 2);
    assert.match(stderr, /missing\.json/);
    assert.equal(stderr.trim().split("\n").length, 1);
  });
});

describe("scan --demo", () => {
  it("writes the report files and every rule fails and passes somewhere", async () => {
    const out = join(await tempDir(), "reports");
    const { status, stdout, stderr } = run(["scan", "--demo", "--out", out, "--state-dir", out]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /Scanned \d+ clusters/);
    assert.deepEqual((await readdir(out)).filter((name) => name !== "runs").sort(), [
      "clusters.csv",
      "findings.csv",
      "findings.json",
      "plans.csv",
      "report.html",
      "summary.md",
    ]);
    const findings = await readFindings(out);
    assert.equal(findings.run.source, "demo");
    for (const ruleId of rules.map((rule) => rule.meta.id)) {
      const statuses = new Set(findings.results.filter((r) => r.ruleId === ruleId).map((r) => r.status));
      assert.ok(statuses.has("fail"), `${ruleId} fails somewhere`);
      assert.ok(statuses.has("pass"), `${ruleId} passes somewhere`);
    }
  });

  for (const [failOn, expected] of [
    ["critical", 1],
    ["none", 0],
  ] as const) {
    it(`exits ${expected} with --fail-on ${failOn}`, async () => {
      const out = await tempDir();
      assert.equal(
        run([
          "scan",
          "--demo",
          "--out",
          out,
          "--state-dir",
          out,
          "--format",
          "json",
          "--fail-on",
          failOn,
          "--quiet",
        ]).status,
        expected,
      );
    });
  }

  it("rejects an unknown format and an unknown severity with exit 2", async () => {
    const out = await tempDir();
    assert.equal(run(["scan", "--demo", "--out", out, "--state-dir", out, "--format", "pdf"]).status, 2);
    assert.equal(run(["scan", "--demo", "--out", out, "--state-dir", out, "--fail-on", "severe"]).status, 2);
  });
});

describe("rules", () => {
  it("prints the catalog as JSON with the six rules", () => {
    const { status, stdout } = run(["rules", "--format", "json"]);
    assert.equal(status, 0);
    const ids = (JSON.parse(stdout) as { id: string }[]).map((meta) => meta.id);
    for (const ruleId of firstSixRules) assert.ok(ids.includes(ruleId));
  });

  it("prints --version from package.json", async () => {
    const manifest = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    assert.equal(run(["--version"]).stdout.trim(), manifest.version);
  });
});
