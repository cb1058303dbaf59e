// The demo's report.html as a new user first sees it: trends from the replayed history, readiness, waves,
// names beside ids, and evidence without `null` or JSON.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { scanDemo } from "./demo-scan.ts";

describe("the demo report", () => {
  let html = "";
  let clusters = 0;

  before(async () => {
    const out = await scanDemo();
    html = await readFile(join(out, "report.html"), "utf8");
    const findings = JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as {
      summary: { clusters: number };
    };
    clusters = findings.summary.clusters;
  });

  /** The evidence blocks of every listed finding, tags stripped. */
  const evidenceTexts = (): string[] =>
    [...html.matchAll(/<details class="evidence-details">([\s\S]*?)<\/details>/g)].map((match) =>
      (match[1] ?? "").replace(/<[^>]+>/g, " "),
    );

  it("shows the three trend charts of the replayed history (three runs)", () => {
    for (const id of ["trend-integrated", "trend-failing", "trend-churn"])
      assert.match(html, new RegExp(`<svg id="${id}" role="img"`));
    assert.match(html, />Trend <span[^>]*>\(3\)/);
  });

  it("shows readiness counts that add up to the clusters, and a wave for each non-empty state", () => {
    const counts = [
      ...html.matchAll(/<tr data-readiness="([a-z-]+)">[\s\S]*?<td class="num"[^>]*>(\d+)<\/td>/g),
    ];
    const total = counts.reduce((sum, match) => sum + Number(match[2]), 0);
    assert.equal(total, clusters);
    assert.ok(clusters > 30);
    for (const [, state, count] of counts)
      if (Number(count) > 0) assert.ok(html.includes(`id="readiness-${state!}"`), `wave ${state!}`);
    assert.ok(counts.some(([, state, count]) => state === "ready" && Number(count) > 0));
  });

  it("names tenants and subscriptions beside their ids", () => {
    assert.match(html, />Contoso<div class="id mono"[^>]*>11111111-1111-4111-8111-111111111111</);
    assert.match(html, />Fabrikam<div class="id mono"[^>]*>22222222-2222-4222-8222-222222222222</);
    assert.match(
      html,
      />contoso-platform-prod<div class="id mono"[^>]*>1b2c3d4e-0001-4a00-8c00-000000000001</,
    );
  });

  it("has evidence on findings, with no null value, no JSON and no raw ARM id", () => {
    const texts = evidenceTexts();
    assert.ok(texts.length > 20, `${String(texts.length)} evidence blocks`);
    for (const text of texts) {
      assert.doesNotMatch(text, /\bnull\b/);
      assert.doesNotMatch(text, /[{}]|&quot;/);
      assert.doesNotMatch(text, /\/subscriptions\//);
    }
  });
});
