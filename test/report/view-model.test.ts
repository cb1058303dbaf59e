// Tests for the report view model: KPIs, posture grouping, which results are listed, ordering, masking, caps.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RunRecord } from "../../src/findings/run.ts";
import type { Diagnostic } from "../../src/inventory/model.ts";
import type { RuleMeta } from "../../src/rules/define.ts";
import { withVisibleControlCharacters } from "../../src/report/control-characters.ts";
import { evidenceView } from "../../src/report/evidence-view.ts";
import { maskSubscriptionId } from "../../src/report/mask.ts";
import type { PostureRow } from "../../src/report/view-model.ts";
import { buildReportView, diagnosticsShown, evidenceValueMaxLength } from "../../src/report/view-model.ts";
import {
  hostileClusterId,
  legacyClusterId,
  makeResult,
  sampleRules,
  sampleRun,
  subscriptionBatch,
  subscriptionLab,
  subscriptionProd,
  tenantOne,
  tenantTwo,
} from "./sample-run.ts";
import { hostileRules, hostileRun } from "./hostile-run.ts";

const defaultView = buildReportView(sampleRun(), { rules: sampleRules });

describe("buildReportView KPIs", () => {
  it("takes counts from the run summary and derives the integration share", () => {
    const { kpis } = defaultView;
    assert.deepEqual(
      [
        kpis.clusters,
        kpis.integrated,
        kpis.notIntegrated,
        kpis.percentIntegrated,
        kpis.percentIntegratedLabel,
      ],
      [4, 2, 2, 50, "50 %"],
    );
    assert.deepEqual(
      [kpis.failing, kpis.suppressed, kpis.new, kpis.resolved, kpis.hasPrevious],
      [6, 1, 1, 1, true],
    );
    assert.deepEqual(kpis.bySeverity, [
      { severity: "critical", count: 1 },
      { severity: "high", count: 2 },
      { severity: "medium", count: 2 },
      { severity: "low", count: 1 },
      { severity: "info", count: 0 },
    ]);
  });

  const shareCases: [clusters: number, integrated: number, percent: number, label: string][] = [
    [0, 0, 0, "—"],
    [3, 2, 66, "66 %"],
    [1000, 999, 99, "99 %"],
    [7, 7, 100, "100 %"],
  ];
  for (const [clusters, integrated, percent, label] of shareCases) {
    it(`shows ${integrated} of ${clusters} integrated as ${label}`, () => {
      const run = sampleRun();
      const view = buildReportView(
        sampleRun({ summary: { ...run.summary, clusters, integratedClusters: integrated } }),
        { rules: sampleRules },
      );
      assert.equal(view.kpis.percentIntegrated, percent);
      assert.equal(view.kpis.percentIntegratedLabel, label);
    });
  }

  it("says there is nothing to compare with when the run has no previous run", () => {
    const run = sampleRun();
    const view = buildReportView(sampleRun({ run: { ...run.run, previousRunId: undefined } }), {
      rules: sampleRules,
    });
    assert.equal(view.kpis.hasPrevious, false);
    assert.equal(view.header.previousRunId, "");
  });
});

describe("buildReportView posture", () => {
  type Row = [
    key: string,
    clusters: number,
    integrated: number,
    percent: number,
    failing: number,
    worst: string,
  ];
  const simplify = (rows: readonly PostureRow[]): Row[] =>
    rows.map((row) => [
      row.key,
      row.clusters,
      row.integrated,
      row.percentIntegrated,
      row.failingFindings,
      row.worstSeverity,
    ]);
  const cases: [name: string, rows: readonly PostureRow[], expected: Row[]][] = [
    [
      "tenant",
      defaultView.posture.byTenant.rows,
      [
        [tenantOne, 3, 2, 66, 5, "critical"],
        [tenantTwo, 1, 0, 0, 1, "medium"],
      ],
    ],
    [
      "subscription",
      defaultView.posture.bySubscription.rows,
      [
        [subscriptionProd, 2, 1, 50, 4, "critical"],
        [subscriptionLab, 1, 0, 0, 1, "medium"],
        [subscriptionBatch, 1, 1, 100, 1, "low"],
      ],
    ],
    [
      // The subnet finding has no region; only findings on clusters count here.
      "region",
      defaultView.posture.byRegion.rows,
      [
        ["westeurope", 2, 1, 50, 3, "high"],
        ["eastus", 1, 0, 0, 1, "medium"],
        ["northeurope", 1, 1, 100, 0, "none"],
      ],
    ],
  ];
  for (const [name, rows, expected] of cases) {
    it(`groups clusters and failing findings by ${name}, worst first`, () => {
      assert.deepEqual(simplify(rows), expected);
    });
  }

  it("groups ids that differ only in case into one row", () => {
    const run = sampleRun();
    const shouted = run.clusters.map((cluster) => ({
      ...cluster,
      subscriptionId: cluster.subscriptionId.toUpperCase(),
    }));
    const view = buildReportView(sampleRun({ clusters: shouted }), { rules: sampleRules });
    assert.equal(view.posture.bySubscription.rows.length, 3);
    assert.equal(
      view.posture.bySubscription.rows.reduce((total, row) => total + row.failingFindings, 0),
      6,
    );
  });
});

describe("buildReportView listed results", () => {
  const statusesOf = (showAll: boolean): string[] =>
    buildReportView(sampleRun(), { rules: sampleRules, showAll }).results.map((result) => result.status);

  it("lists actionable and suppressed results by default, actionable first", () => {
    assert.deepEqual(statusesOf(false), [
      "fail",
      "error",
      "fail",
      "fail",
      "fail",
      "unverified",
      "suppressed",
    ]);
  });

  it("lists every result with showAll, passing ones last", () => {
    assert.deepEqual(statusesOf(true).slice(-3), ["suppressed", "pass", "not_applicable"]);
    assert.equal(statusesOf(true).length, 9);
  });

  it("groups findings by rule, worst rule first, without suppressed ones", () => {
    assert.deepEqual(
      defaultView.findings.map((group) => [group.ruleId, group.worstSeverity, group.count]),
      [
        ["apiserver-subnet-ip-exhaustion", "critical", 1],
        ["cluster-identity-missing-subnet-role", "high", 1],
        ["enablement-restart-unverified", "high", 1],
        ["cluster-not-vnet-integrated", "medium", 2],
        ["rule-pinned-to-apiserver-ip", "low", 1],
      ],
    );
    assert.deepEqual(
      defaultView.suppressed.map((result) => [result.ruleId, result.suppression.owner]),
      [["nsg-blocks-apiserver-traffic", "netops"]],
    );
  });

  it("sorts results of one rule by severity, then resource id", () => {
    const run = sampleRun({
      results: [
        makeResult({
          ruleId: "cluster-not-vnet-integrated",
          resourceId: "/subscriptions/x/b",
          severity: "medium",
        }),
        makeResult({
          ruleId: "cluster-not-vnet-integrated",
          resourceId: "/subscriptions/x/c",
          severity: "high",
        }),
        makeResult({
          ruleId: "cluster-not-vnet-integrated",
          resourceId: "/subscriptions/x/A",
          severity: "medium",
        }),
      ],
    });
    const [group] = buildReportView(run, { rules: sampleRules }).findings;
    assert.deepEqual(
      group?.results.map((result) => result.resourceId),
      ["/subscriptions/x/c", "/subscriptions/x/A", "/subscriptions/x/b"],
    );
  });

  it("carries rule metadata, and falls back to the rule id for a rule it does not know", () => {
    const groups = buildReportView(sampleRun(), { rules: sampleRules, showAll: true }).findings;
    const known = groups.find((group) => group.ruleId === "cluster-not-vnet-integrated");
    const unknown = groups.find((group) => group.ruleId === "conversion-blocked");
    assert.equal(known?.title, "Cluster is not VNet integrated");
    assert.equal(known.docs, "https://learn.microsoft.com/azure/aks/api-server-vnet-integration");
    assert.deepEqual(
      [unknown?.title, unknown?.docs, unknown?.remediation],
      ["conversion-blocked", "", "Do the thing."],
    );
  });

  it("drops a docs link that is not https", () => {
    const rules = sampleRules.map((rule) => ({ ...rule, docs: "javascript:alert(1)" }));
    const view = buildReportView(sampleRun(), { rules });
    assert.ok(view.findings.every((group) => group.docs === ""));
  });

  it("marks new findings and names the resource by the last id segment", () => {
    const legacy = defaultView.results.find((result) => result.resourceId === legacyClusterId);
    assert.deepEqual([legacy?.isNew, legacy?.diff, legacy?.resourceName], [true, "new", "aks-legacy"]);
  });

  it("shows evidence as labelled lines: absent values left out, ids shortened, long values cut", () => {
    const long = "x".repeat(evidenceValueMaxLength + 10);
    const run = sampleRun({
      results: [
        makeResult({
          ruleId: "cluster-not-vnet-integrated",
          resourceId: legacyClusterId,
          evidence: { apiServerSubnetId: null, subnet: legacyClusterId, free: -7, missing: "", long },
        }),
      ],
    });
    const evidence = buildReportView(run, { rules: sampleRules }).results[0]?.evidence;
    assert.deepEqual(
      evidence?.lines.map((line) => [line.label, line.values.map((value) => value.text)]),
      [
        ["Subnet", ["aks-legacy"]],
        ["Free", ["-7"]],
        ["Long", [`${"x".repeat(evidenceValueMaxLength)}…`]],
      ],
    );
    assert.equal(evidence.lines[0]?.values[0]?.full, legacyClusterId);
  });

  // The evidence view is built when a renderer first reads it; it must be what building it at once gave.
  const runs: [name: string, run: RunRecord, rules: readonly RuleMeta[]][] = [
    ["the sample run", sampleRun(), sampleRules],
    ["a run with control characters in its evidence", hostileRun(), hostileRules],
  ];
  for (const [name, run, rules] of runs)
    it(`builds evidence on first read as it was built at once, and keeps it: ${name}`, () => {
      const view = buildReportView(run, { rules, showAll: true });
      assert.equal(view.results.length, run.results.length);
      for (const result of view.results) {
        const source = run.results.find((candidate) => candidate.fingerprint === result.fingerprint);
        assert.ok(source, result.fingerprint);
        const eager = evidenceView(
          withVisibleControlCharacters(source.evidence),
          new Set(["conversionPlan"]),
        );
        assert.deepEqual(result.evidence, eager);
        assert.equal(result.evidence, result.evidence, "built once");
        assert.deepEqual({ ...result }.evidence, eager, "a copy of the view carries it");
      }
    });
});

describe("buildReportView names beside ids", () => {
  it("names tenants and subscriptions in posture rows and results, empty where the name is unknown", () => {
    const names = (rows: readonly PostureRow[]): [string, string][] => rows.map((row) => [row.key, row.name]);
    assert.deepEqual(names(defaultView.posture.byTenant.rows), [
      [tenantOne, "Contoso"],
      [tenantTwo, ""],
    ]);
    assert.deepEqual(names(defaultView.posture.bySubscription.rows), [
      [subscriptionProd, "Contoso Production"],
      [subscriptionLab, ""],
      [subscriptionBatch, "Contoso Batch"],
    ]);
    const legacy = defaultView.results.find((result) => result.resourceId === legacyClusterId);
    assert.deepEqual([legacy?.tenantName, legacy?.subscriptionName], ["Contoso", "Contoso Production"]);
  });

  it("masks names with the ids: no name survives, each masked name still tells subscriptions apart", () => {
    const view = buildReportView(sampleRun(), { rules: sampleRules, mask: true });
    const text = JSON.stringify(view);
    for (const name of ["Contoso Production", "Contoso Batch", '"Contoso"'])
      assert.ok(!text.includes(name), name);
    assert.deepEqual(
      view.posture.bySubscription.rows.map((row) => row.name),
      ["masked …a1b2", "", "masked …c3d4"],
    );
    assert.equal(view.posture.byTenant.rows[0]?.name, "masked …1111");
  });
});

describe("buildReportView mask", () => {
  it("masks every subscription id, in ids, messages and coverage, and keeps tenant ids", () => {
    const view = buildReportView(sampleRun(), { rules: sampleRules, mask: true });
    const text = JSON.stringify(view);
    for (const subscriptionId of [subscriptionProd, subscriptionBatch, subscriptionLab]) {
      assert.ok(!text.toLowerCase().includes(subscriptionId), `${subscriptionId} leaked`);
    }
    assert.ok(text.includes("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxa1b2"));
    assert.ok(text.includes(tenantOne));
    assert.equal(view.header.masked, true);
    assert.ok(
      view.results.some(
        (result) =>
          result.resourceId ===
          hostileClusterId.replace(subscriptionLab, maskSubscriptionId(subscriptionLab)),
      ),
    );
  });

  it("masks a subscription id it only finds inside an ARM id, whatever its case", () => {
    const hidden = "dddddddd-0000-4000-8000-0000000099AA";
    const run = sampleRun({
      results: [
        makeResult({
          ruleId: "x",
          resourceId: "/x",
          message: `see /SUBSCRIPTIONS/${hidden}/resourceGroups/rg`,
        }),
      ],
    });
    const view = buildReportView(run, { rules: [], mask: true });
    assert.equal(
      view.results[0]?.message,
      "see /SUBSCRIPTIONS/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx99aa/resourceGroups/rg",
    );
  });

  it("keeps the last four digits so masked ids still tell apart", () => {
    assert.equal(
      maskSubscriptionId("aaaaaaaa-0000-4000-8000-00000000A1B2"),
      "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxa1b2",
    );
  });

  it("leaves the view unmasked by default", () => {
    assert.ok(JSON.stringify(defaultView).includes(subscriptionProd));
    assert.equal(defaultView.header.masked, false);
  });
});

describe("buildReportView diagnostics", () => {
  it("counts every level, lists errors first, and caps the list with a 'more' line", () => {
    const diagnostics: Diagnostic[] = Array.from({ length: diagnosticsShown + 50 }, (_, index) => ({
      level: index === diagnosticsShown + 49 ? "error" : "warning",
      code: "malformed-row",
      message: `Row ${index} has no id.`,
      row: index,
    }));
    const view = buildReportView(sampleRun({ diagnostics }), { rules: sampleRules }).diagnostics;
    assert.deepEqual(view.counts, [
      { level: "error", count: 1 },
      { level: "warning", count: diagnosticsShown + 49 },
      { level: "info", count: 0 },
    ]);
    assert.equal(view.items.length, diagnosticsShown);
    assert.equal(view.items[0]?.level, "error");
    assert.deepEqual(
      [view.total, view.more, view.moreLabel],
      [150, 50, "50 more diagnostics in findings.json"],
    );
  });

  it("says where a diagnostic came from", () => {
    assert.deepEqual(
      defaultView.diagnostics.items.map((item) => item.location),
      ["field type", "resources, row 12"],
    );
    assert.equal(defaultView.diagnostics.moreLabel, "");
  });
});

describe("buildReportView header and clusters", () => {
  it("describes scopes and coverage", () => {
    assert.deepEqual(defaultView.header.scopes, [
      `tenant ${tenantOne}: subscriptions ${subscriptionProd}, ${subscriptionBatch}`,
      `tenant ${tenantTwo}: management groups mg-lab`,
    ]);
    assert.deepEqual([defaultView.header.complete, defaultView.header.gaps.length], [true, 0]);
  });

  it("orders clusters worst first, then by name", () => {
    assert.deepEqual(
      defaultView.clusters.map((cluster) => cluster.name),
      ["aks-prod-weu", "<script>alert(1)</script>", "aks-legacy", "aks-batch"],
    );
  });
});
