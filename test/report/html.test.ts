// Tests for report.html: escaping of hostile data, the incomplete banner, no external assets, strict templates.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { renderReportHtml } from "../../src/report/html.ts";
import type { ReportView } from "../../src/report/view-model.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import {
  completeCoverage,
  hostileAttribute,
  hostileScript,
  incompleteCoverage,
  sampleRules,
  sampleRun,
  subscriptionProd,
} from "./sample-run.ts";
import { planRun } from "./sample-plan.ts";

const templatesDir = new URL("../../templates/", import.meta.url);
const templateFiles = [
  new URL("report.hbs", templatesDir),
  ...readdirSync(new URL("partials/", templatesDir)).map((name) => new URL(`partials/${name}`, templatesDir)),
];

const render = (overrides: Parameters<typeof sampleRun>[0] = {}, showAll = false): string =>
  renderReportHtml(buildReportView(sampleRun(overrides), { rules: sampleRules, showAll }));

describe("report templates", () => {
  it("has partials to check", () => {
    assert.ok(templateFiles.length > 5);
  });
  for (const file of templateFiles) {
    const name = file.pathname.split("/templates/")[1] ?? "";
    it(`${name} never renders unescaped (no triple-stash, no {{&)`, () => {
      const source = readFileSync(file, "utf8");
      assert.ok(!source.includes("{{{"));
      assert.ok(!source.includes("{{&"));
    });
  }
});

describe("renderReportHtml escaping", () => {
  const html = render({ coverage: incompleteCoverage });
  const cases: [raw: string, escaped: string][] = [
    [hostileScript, "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [hostileAttribute, "&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"],
  ];
  for (const [raw, escaped] of cases) {
    it(`shows ${raw} only escaped`, () => {
      assert.ok(!html.includes(raw), "raw string is absent");
      assert.ok(html.includes(escaped), "escaped form is present");
    });
  }

  it("contains only its own inline script, no stylesheet link, no external source and no CSS url()", () => {
    assert.deepEqual(html.match(/<script[^>]*>/gi), ["<script>"]);
    assert.doesNotMatch(html, /<link/i);
    assert.doesNotMatch(html, /\ssrc\s*=/i);
    assert.doesNotMatch(html, /url\(/i);
    assert.doesNotMatch(html, /<img/i);
  });

  it("links out only to https documentation, and only from anchors; other links stay on the page", () => {
    const urls = [...html.matchAll(/https?:\/\/[^"\s<]+/g)].map((match) => match[0]);
    const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1] ?? "");
    const external = hrefs.filter((href) => !href.startsWith("#"));
    assert.ok(external.length > 0);
    assert.deepEqual(new Set(urls.filter((url) => url !== "http://www.w3.org/2000/svg")), new Set(external));
    assert.ok(external.every((href) => href.startsWith("https://learn.microsoft.com/")));
    // In-page links (readiness to its wave) point at an element that exists.
    for (const href of hrefs.filter((link) => link.startsWith("#")))
      assert.ok(html.includes(`id="${href.slice(1)}"`), `${href} has a target`);
  });
});

describe("renderReportHtml sections", () => {
  const coverageCases: [name: string, coverage: typeof completeCoverage, banner: boolean][] = [
    ["complete", completeCoverage, false],
    ["incomplete", incompleteCoverage, true],
  ];
  for (const [name, coverage, banner] of coverageCases) {
    it(`${banner ? "shows" : "hides"} the incomplete banner when coverage is ${name}`, () => {
      const html = render({ coverage });
      assert.equal(html.includes("Incomplete scan"), banner);
      assert.equal(html.includes("AuthorizationFailed"), banner);
    });
  }

  it("orders KPIs, trend, readiness, posture, findings, suppressed, resolved, waves, coverage, diagnostics", () => {
    const html = render();
    const order = [
      'data-kpi="Clusters"',
      ">Trend <span",
      ">Conversion readiness <span",
      ">Posture</h2>",
      ">Findings by rule <span",
      "API server subnet is running out of addresses",
      "az aks update --name &lt;cluster&gt; # fixes apiserver-subnet-ip-exhaustion",
      ">Suppressed <span",
      "Change CHG-42 in progress",
      ">Resolved since the last run <span",
      ">Conversion waves <span",
      ">Coverage</h2>",
      ">Diagnostics <span",
    ].map((text) => html.indexOf(text));
    assert.ok(
      order.every((position) => position > 0),
      JSON.stringify(order),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    // Evidence for humans: a labelled line, not JSON, and nothing for absent values.
    assert.match(html, /Plan API server subnet:<\/span> 10\.0\.8\.0\/28/);
    assert.doesNotMatch(html, /\{&quot;|&quot;:/, "no JSON in the report");
    assert.doesNotMatch(html, /Restarted at:/, "a null value is left out");
  });

  it("shows passing results only with showAll", () => {
    assert.ok(!render({}, false).includes('class="chip chip-pass"'));
    assert.ok(render({}, true).includes('class="chip chip-pass"'));
  });

  it("renders an empty run without findings, suppressed, resolved or diagnostics sections", () => {
    const html = render({ results: [], resolved: [], diagnostics: [], clusters: [] });
    assert.ok(html.includes("Nothing to act on."));
    assert.ok(!html.includes(">Conversion waves <span"));
    assert.ok(!html.includes(">Suppressed <span"));
    assert.ok(!html.includes(">Resolved since the last run <span"));
    assert.ok(!html.includes(">Diagnostics <span"));
  });

  it("has light, dark and print styles and inline styles for mail clients", () => {
    const html = render();
    assert.match(html, /@media \(prefers-color-scheme: dark\)/);
    assert.match(html, /@media print/);
    assert.match(html, /<body style="[^"]*font-family:/);
    assert.match(html, /class="chip chip-critical" style="background:#fde2e1;color:#9b1c1c;/);
  });

  it("masks subscription ids when the view is masked", () => {
    const html = renderReportHtml(buildReportView(sampleRun(), { rules: sampleRules, mask: true }));
    assert.ok(!html.includes(subscriptionProd));
    assert.ok(html.includes("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxa1b2"));
  });

  it("fails loudly (strict mode) when the view lacks a field a template names", () => {
    const view = buildReportView(sampleRun(), { rules: sampleRules });
    const header = Object.fromEntries(Object.entries(view.header).filter(([key]) => key !== "title"));
    const broken = { ...view, header } as unknown as ReportView;
    assert.throws(() => renderReportHtml(broken), /"title" not defined/);
  });
});

describe("renderReportHtml conversion plans", () => {
  const html = renderReportHtml(buildReportView(planRun(), { rules: sampleRules }));

  it("renders the plan in its wave, the commands in a pre block", () => {
    assert.match(html, /id="readiness-needs-apiserver-subnet"[^]*Conversion plan<\/summary>/);
    assert.match(html, /<pre[^>]*>az network vnet subnet create [^<]*az aks start [^<]*<\/pre>/);
  });

  it("shows the hostile cluster name only escaped", () => {
    assert.ok(!html.includes("<b onmouseover"));
    assert.ok(html.includes("&#x3D;x&#x27;; rm -rf /&lt;b onmouseover&#x3D;alert(1)&gt;"));
  });

  it("leaves the plan out of the finding's evidence instead of dumping it", () => {
    assert.ok(!html.includes("&quot;commands&quot;"));
    assert.ok(!html.includes("Conversion plan clusterId"));
  });

  it("shows no plan where no cluster has one", () => {
    assert.ok(!render().includes("Conversion plan</summary>"));
  });
});
