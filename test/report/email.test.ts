// Tests for the email variant: inline styles only, escaping, the incomplete banner, and the body size cut.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import type { Result } from "../../src/findings/result.ts";
import { defaultMaxBodyBytes, renderEmailHtml } from "../../src/report/email.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import {
  clusterId,
  hostileAttribute,
  hostileScript,
  incompleteCoverage,
  makeResult,
  sampleRules,
  sampleRun,
  subscriptionProd,
} from "./sample-run.ts";

const render = (
  overrides: Parameters<typeof sampleRun>[0] = {},
  maxBodyBytes = defaultMaxBodyBytes,
): string => renderEmailHtml(buildReportView(sampleRun(overrides), { rules: sampleRules }), { maxBodyBytes });

const bytes = (html: string): number => Buffer.byteLength(html, "utf8");
const bodyOf = (html: string): string => html.slice(html.indexOf("<body"));
const rowCount = (html: string): number => (html.match(/<strong style=/g) ?? []).length;

describe("email templates", () => {
  const templatesDir = new URL("../../templates/", import.meta.url);
  const files = [
    new URL("email.hbs", templatesDir),
    ...readdirSync(new URL("partials/", templatesDir))
      .filter((name) => name.startsWith("email-"))
      .map((name) => new URL(`partials/${name}`, templatesDir)),
  ];
  it("has the body and its partials", () => {
    assert.ok(files.length >= 6);
  });
  for (const file of files) {
    it(`${file.pathname.split("/templates/")[1] ?? ""} never renders unescaped`, () => {
      const source = readFileSync(file, "utf8");
      assert.ok(!source.includes("{{{"));
      assert.ok(!source.includes("{{&"));
    });
  }
});

describe("renderEmailHtml", () => {
  const html = render({ coverage: incompleteCoverage });

  it("puts an inline style on every element of the body", () => {
    const tags = bodyOf(html).match(/<[a-z][a-z0-9]*\b[^>]*>/gi) ?? [];
    assert.ok(tags.length > 50);
    assert.deepEqual(
      tags.filter((tag) => !/\sstyle="/.test(tag)),
      [],
    );
  });

  it("has no script, style block, class, link, image or external source", () => {
    for (const pattern of [
      /<script/i,
      /<style/i,
      /\sclass=/i,
      /<link/i,
      /<img/i,
      /\ssrc\s*=/i,
      /url\(/i,
      /https?:\/\//i,
    ]) {
      assert.doesNotMatch(html, pattern);
    }
  });

  const escapes: [raw: string, escaped: string][] = [
    [hostileScript, "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [hostileAttribute, "&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"],
  ];
  for (const [raw, escaped] of escapes) {
    it(`shows ${raw} only escaped`, () => {
      assert.ok(!html.includes(raw));
      assert.ok(html.includes(escaped));
    });
  }

  const banners: [name: string, overrides: Parameters<typeof sampleRun>[0], shown: boolean][] = [
    ["incomplete coverage", { coverage: incompleteCoverage }, true],
    ["complete coverage", {}, false],
  ];
  for (const [name, overrides, shown] of banners) {
    it(`${shown ? "shows" : "hides"} the incomplete banner for ${name}`, () => {
      assert.equal(render(overrides).includes("Incomplete scan"), shown);
    });
  }

  it("shows the KPI numbers, posture by tenant and every listed finding when they fit", () => {
    const tile = (label: string, value: string): RegExp =>
      new RegExp(`${label}</div><div style="[^"]*">${value}</div>`);
    for (const [label, value] of [
      ["Clusters", "4"],
      ["Integrated", "50 %"],
      ["Failing", "6"],
      ["New", "1"],
      ["Resolved", "1"],
    ] as const) {
      assert.match(html, tile(label, value), label);
    }
    assert.ok(html.includes("22222222-2222-2222-2222-222222222222"));
    // Suppressed results are counted in the KPIs, not listed.
    assert.equal(rowCount(html), 6);
    assert.ok(!html.includes("more findings"));
  });

  it("says 'Nothing to act on.' only when there is no finding", () => {
    assert.ok(render({ results: [] }).includes("Nothing to act on."));
    assert.ok(!render({}, 9000).includes("Nothing to act on."));
  });

  it("keeps no row but counts them all when the cap leaves no room", () => {
    const tiny = render({}, 1000);
    assert.equal(rowCount(tiny), 0);
    assert.ok(tiny.includes("6 more findings in the attached findings.csv"));
  });
});

describe("renderEmailHtml with 50,000 failing results", () => {
  const total = 50_000;
  const results: Result[] = Array.from({ length: total }, (_, index) =>
    makeResult({
      ruleId: "cluster-not-vnet-integrated",
      resourceId: clusterId(subscriptionProd, "rg-fleet", `aks-${String(index).padStart(5, "0")}`),
      severity: index % 5 === 0 ? "critical" : "high",
    }),
  );
  const run = sampleRun({
    results,
    summary: {
      ...sampleRun().summary,
      results: total,
      bySeverity: { critical: total / 5, high: (total * 4) / 5, medium: 0, low: 0, info: 0 },
      new: 0,
    },
  });
  // A per-rule cap as large as the fleet, so the byte cap is what cuts.
  const html = renderEmailHtml(buildReportView(run, { rules: sampleRules, htmlMaxRows: total }), {
    maxBodyBytes: defaultMaxBodyBytes,
  });
  const shown = rowCount(html);

  it("lists the report's most severe results per rule (--html-max-rows) and counts the rest", () => {
    const capped = renderEmailHtml(buildReportView(run, { rules: sampleRules, htmlMaxRows: 50 }), {
      maxBodyBytes: defaultMaxBodyBytes,
    });
    assert.equal(rowCount(capped), 50);
    assert.ok(capped.includes(`${total - 50} more findings in the attached findings.csv`));
  });

  it("stays under the cap", () => {
    assert.ok(bytes(html) <= defaultMaxBodyBytes, `${bytes(html)} bytes`);
    assert.ok(shown > 100 && shown < total, `${shown} rows`);
  });

  it("adds rows until the next one would not fit", () => {
    const oneRow = (bytes(html) - bytes(render({ results: results.slice(0, 0) }))) / shown;
    assert.ok(defaultMaxBodyBytes - bytes(html) < oneRow * 2);
  });

  it("says exactly how many findings only the CSV carries", () => {
    assert.ok(html.includes(`${total - shown} more findings in the attached findings.csv`));
  });

  it("keeps the KPI counts exact and the worst findings first", () => {
    assert.match(html, new RegExp(`Failing</div><div style="[^"]*">${total}</div>`));
    assert.ok(html.includes(`critical</span> <span style="font-size:12px;">${total / 5}</span>`));
    assert.ok(html.includes(`high</span> <span style="font-size:12px;">${(total * 4) / 5}</span>`));
    const rowSeverities = [...html.matchAll(/">(critical|high)<\/span><div style=/g)].map(
      (match) => match[1],
    );
    assert.equal(rowSeverities.length, shown);
    // Fewer rows fit than there are critical findings, so every row shown is a critical one.
    assert.ok(shown < total / 5);
    assert.deepEqual(new Set(rowSeverities), new Set(["critical"]));
  });
});
