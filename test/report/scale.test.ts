// 50,000 failing results over 10,000 clusters: report.html stays small and every count in it stays exact.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Result } from "../../src/findings/result.ts";
import type { ClusterPosture, RunRecord } from "../../src/findings/run.ts";
import { renderClustersCsv, renderFindingsCsv } from "../../src/report/csv.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import { buildReportView, defaultHtmlMaxRows } from "../../src/report/view-model.ts";
import {
  clusterId,
  makeResult,
  sampleClusters,
  sampleRules,
  sampleRun,
  subscriptionProd,
} from "./sample-run.ts";

const resultCount = 50_000;
const clusterCount = 10_000;
// The bench's M fleet (10,000 clusters) must stay under 5 MB; this run has the same shape of caps.
const maxHtmlBytes = 5 * 1000 * 1000;
const rules = sampleRules.slice(0, 5);

function largeRun(): RunRecord {
  const clusters: ClusterPosture[] = Array.from({ length: clusterCount }, (_, index) => ({
    ...sampleClusters[0]!,
    id: clusterId(subscriptionProd, `rg-${String(index % 100)}`, `aks-${String(index)}`),
    name: `aks-${String(index)}`,
    worstSeverity: "high",
    failingResults: resultCount / clusterCount,
  }));
  const results: Result[] = Array.from({ length: resultCount }, (_, index) => {
    const cluster = clusters[index % clusterCount]!;
    return makeResult({
      ruleId: rules[index % rules.length]!.id,
      resourceId: cluster.id,
      severity: "high",
      detail: `pool-${String(index)}`,
      fingerprint: `fp-${String(index)}`,
      message: `Cluster ${cluster.name} fails check ${String(index)}.`,
      evidence: { capacity: 11, used: 18, free: -7, ipv4Prefixes: ["10.0.0.0/28"] },
    });
  });
  const base = sampleRun();
  return {
    ...base,
    results,
    resolved: [],
    clusters,
    summary: {
      ...base.summary,
      clusters: clusterCount,
      integratedClusters: clusterCount,
      results: resultCount,
      byStatus: { fail: resultCount },
      bySeverity: { critical: 0, high: resultCount, medium: 0, low: 0, info: 0 },
      suppressed: 0,
      new: 0,
      resolved: 0,
    },
  };
}

/** The text of the KPI tile with this label, tags stripped. */
function tileValue(html: string, label: string): string {
  const tile = new RegExp(`data-kpi="${label}"[^>]*>[\\s\\S]*?class="tile-value"[^>]*>([^<]*)<`).exec(html);
  return tile?.[1] ?? "";
}

describe("report.html for 50,000 results", () => {
  const view = buildReportView(largeRun(), { rules });
  const html = renderReportHtml(view);
  const perRule = resultCount / rules.length;

  it(`stays under ${String(maxHtmlBytes)} bytes`, () => {
    assert.ok(Buffer.byteLength(html) < maxHtmlBytes, `${String(Buffer.byteLength(html))} bytes`);
  });

  it("shows exact totals in the KPI tiles", () => {
    assert.equal(tileValue(html, "Clusters"), String(clusterCount));
    assert.equal(tileValue(html, "Failing findings"), String(resultCount));
  });

  it("lists the first results of each rule and counts the rest exactly", () => {
    assert.equal(view.findings.length, rules.length);
    for (const group of view.findings) {
      assert.equal(group.count, perRule);
      assert.equal(group.results.length, defaultHtmlMaxRows);
      assert.ok(html.includes(`· ${String(perRule)} result(s)`));
    }
    const more = html.match(
      new RegExp(`${String(perRule - defaultHtmlMaxRows)} more in findings\\.csv`, "g"),
    );
    assert.equal(more?.length, rules.length);
    assert.equal(html.match(/<table[^>]* data-table="findings"/g)?.length, rules.length);
  });

  it("counts every cluster in readiness and lists the first of the wave, counting the rest exactly", () => {
    assert.deepEqual(
      view.readiness.rows.filter((row) => row.count > 0).map((row) => [row.state, row.count]),
      [["integrated", clusterCount]],
    );
    assert.ok(html.includes(`${String(clusterCount - defaultHtmlMaxRows)} more in clusters.csv`));
  });

  it("keeps every row in the CSV files", () => {
    const lines = (csv: string): number => csv.trimEnd().split("\r\n").length - 1;
    assert.equal(lines(renderFindingsCsv(view)), resultCount);
    assert.equal(lines(renderClustersCsv(view)), clusterCount);
  });
});
