// report.html in real headless Chromium (Debian's): renders cleanly with and without JavaScript, at desktop and phone
// widths, sorts and filters, and hostile data never runs.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { chromiumPath as configuredChromium } from "../../scripts/ensure-chromium.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import { scanDemo } from "./demo-scan.ts";
import { hostileRules, hostileRun } from "./hostile-run.ts";

const chromiumPath = configuredChromium();
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const screenshotsDir = fileURLToPath(new URL("../../reports/screenshots/", import.meta.url));

interface OpenedPage {
  readonly page: Page;
  /** Console errors and uncaught page errors, as text. */
  readonly errors: string[];
  readonly dialogs: string[];
}

describe("report.html in Chromium", () => {
  let browser: Browser | undefined;
  let reportUrl: string;
  let summary: { clusters: number; bySeverity: Record<string, number> };

  before(async () => {
    // Never skip: a missing browser is a broken set-up, not a reason to ship an untested report.
    assert.ok(
      existsSync(chromiumPath),
      `${chromiumPath} is missing: npm test installs Debian's chromium package first when run as root (scripts/ensure-chromium.ts)`,
    );
    const out = await scanDemo();
    reportUrl = pathToFileURL(join(out, "report.html")).href;
    summary = (JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as { summary: typeof summary })
      .summary;
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    await mkdir(screenshotsDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
  });

  async function open(url: string, options: BrowserContextOptions = {}): Promise<OpenedPage> {
    assert.ok(browser, "Chromium did not start");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url);
    return { page, errors, dialogs };
  }

  async function kpiTexts(page: Page): Promise<string[]> {
    const tiles = page.locator("[data-kpi]");
    assert.ok((await tiles.count()) >= 4, "at least four KPI tiles");
    for (const tile of await tiles.all()) assert.ok(await tile.isVisible());
    return tiles.locator(".tile-value").allInnerTexts();
  }

  it("renders at 1280 px without errors: KPI tiles, three trend charts, readiness, a wave with its plan", async () => {
    const { page, errors } = await open(reportUrl);
    assert.equal(
      await page.locator('[data-kpi="Clusters"] .tile-value').innerText(),
      String(summary.clusters),
    );
    assert.equal(
      await page.locator('[data-kpi="Failing findings"] .tile-value').innerText(),
      String(Object.values(summary.bySeverity).reduce((total, count) => total + count, 0)),
    );
    await kpiTexts(page);
    await page.screenshot({ path: join(screenshotsDir, "report-1280.png") });
    const charts = page.locator('[data-section="trend"] svg[role="img"]');
    assert.equal(await charts.count(), 3);
    for (const chart of await charts.all()) {
      assert.ok(await chart.isVisible());
      // The text equivalent: a title and a description the chart is labelled by.
      const labelledBy = (await chart.getAttribute("aria-labelledby"))?.split(" ") ?? [];
      assert.equal(labelledBy.length, 2);
      for (const id of labelledBy)
        assert.notEqual((await page.locator(`[id="${id}"]`).textContent())?.trim(), "");
    }
    await page
      .locator('[data-section="trend"]')
      .screenshot({ path: join(screenshotsDir, "report-1280-trend.png") });
    const wave = page.locator('[data-section="conversion-waves"] .wave').first();
    await wave.scrollIntoViewIfNeeded();
    assert.ok(await wave.isVisible(), "the first conversion wave is shown");
    const plan = wave.locator("details.plan").first();
    assert.equal(await plan.locator("pre").isVisible(), false, "plans start folded");
    await plan.locator("summary").click();
    assert.ok(await plan.locator("pre").isVisible(), "the plan's commands show once opened");
    await wave.screenshot({ path: join(screenshotsDir, "report-1280-wave.png") });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? "on" : "off";
    it(`links each readiness count to its wave, JavaScript ${mode}`, async () => {
      const { page, errors } = await open(reportUrl, { javaScriptEnabled });
      const links = page.locator('[data-section="readiness"] a[href^="#readiness-"]');
      assert.ok((await links.count()) >= 4, "a link a non-empty readiness state");
      for (const link of await links.all()) {
        const href = (await link.getAttribute("href")) ?? "";
        await link.click();
        assert.ok(page.url().endsWith(href), `${page.url()} ends with ${href}`);
        const target = page.locator(`[id="${href.slice(1)}"]`);
        assert.ok(await target.isVisible(), `${href} is shown`);
        const box = await target.boundingBox();
        const viewport = page.viewportSize();
        assert.ok(
          box && viewport && box.y < viewport.height && box.y + box.height > 0,
          `${href} scrolled into view`,
        );
        const count = await page
          .locator(`[data-section="readiness"] tr:has(a[href="${href}"]) td.num`)
          .innerText();
        assert.match(await target.locator("h3").innerText(), new RegExp(`\\(${count}\\)`));
      }
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it(`folds evidence and ARM ids into <details> that open on click, JavaScript ${mode}`, async () => {
      const { page, errors } = await open(reportUrl, { javaScriptEnabled });
      const row = page.locator('table[data-table="findings"] > tbody > tr').first();
      const evidence = row.locator("details.evidence-details");
      assert.equal(await evidence.locator("ul.evidence, table").first().isVisible(), false);
      await evidence.locator("summary").click();
      assert.ok(await evidence.locator("ul.evidence, table").first().isVisible());
      const id = row.locator("details.id");
      await id.locator("summary").click();
      assert.match(await id.locator(".id").innerText(), /^\/subscriptions\//);
      assert.deepEqual(errors, []);
      await page.context().close();
    });
  }

  it("fits a 390 px phone: tiles wrap, nothing widens the page", async () => {
    const { page, errors } = await open(reportUrl, { viewport: { width: 390, height: 844 } });
    // A string, since the test compiles without the DOM library.
    const pageWidth = await page.evaluate<number>("document.documentElement.scrollWidth");
    assert.ok(pageWidth <= 390, `page is ${String(pageWidth)} px wide`);
    const tileTops = new Set<number | undefined>();
    for (const tile of await page.locator("[data-kpi]").all()) tileTops.add((await tile.boundingBox())?.y);
    assert.ok(tileTops.size > 1, "KPI tiles wrap onto more than one row");
    await page.screenshot({ path: join(screenshotsDir, "report-390.png") });
    await page
      .locator(".rule")
      .first()
      .screenshot({ path: join(screenshotsDir, "report-390-finding.png") });
    await page
      .locator('[data-section="trend"]')
      .screenshot({ path: join(screenshotsDir, "report-390-trend.png") });
    await page
      .locator('[data-section="readiness"]')
      .screenshot({ path: join(screenshotsDir, "report-390-readiness.png") });
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("reads the same with JavaScript off, without the script's controls", async () => {
    const withScript = await open(reportUrl);
    const withoutScript = await open(reportUrl, { javaScriptEnabled: false });
    assert.deepEqual(await kpiTexts(withoutScript.page), await kpiTexts(withScript.page));
    assert.equal(await withoutScript.page.locator('[data-filter="findings"]').count(), 0);
    assert.equal(await withScript.page.locator('[data-filter="findings"]').count(), 1);
    assert.ok(
      await withoutScript.page.locator('table[data-table="findings"] > tbody > tr').first().isVisible(),
    );
    assert.deepEqual([...withScript.errors, ...withoutScript.errors], []);
    await withScript.page.context().close();
    await withoutScript.page.context().close();
  });

  it("sorts a table by a clicked header, both ways", async () => {
    const { page, errors } = await open(reportUrl);
    const table = page.locator('table[data-table="wave"]').first();
    const names = (): Promise<string[]> =>
      table.locator("> tbody > tr > td:first-child > strong").allInnerTexts();
    const before = await names();
    assert.ok(before.length > 1, "the wave lists more than one cluster");
    const header = table.locator("thead th").first();
    await header.click();
    const ascending = await names();
    assert.deepEqual(
      ascending,
      [...before].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    assert.equal(await header.getAttribute("aria-sort"), "ascending");
    await header.click();
    assert.deepEqual(await names(), [...ascending].reverse());
    assert.equal(await header.getAttribute("aria-sort"), "descending");
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("filters findings rows by text and shows them all again when cleared", async () => {
    const { page, errors } = await open(reportUrl);
    const rows = page.locator('table[data-table="findings"] > tbody > tr');
    const total = await rows.count();
    const target = (await rows.first().locator("strong").innerText()).trim();
    const matching = (await rows.allInnerTexts()).filter((text) =>
      text.toLowerCase().includes(target.toLowerCase()),
    );
    assert.ok(matching.length < total, "the filter has something to hide");
    await page.locator('[data-filter="findings"]').fill(target);
    assert.equal(await rows.filter({ visible: true }).count(), matching.length);
    for (const text of await rows.filter({ visible: true }).allInnerTexts())
      assert.match(text, new RegExp(target));
    await page.locator('[data-filter="findings"]').fill("");
    assert.equal(await rows.filter({ visible: true }).count(), total);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("never runs hostile data: no dialog, no injected element", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "aks-vnet-audit-hostile-")), "report.html");
    await writeFile(
      file,
      renderReportHtml(buildReportView(hostileRun(), { rules: hostileRules, showAll: true })),
    );
    const { page, errors, dialogs } = await open(pathToFileURL(file).href);
    await page.locator('[data-filter="findings"]').fill("script");
    await page.locator('table[data-table="findings"] thead th').nth(1).click();
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator("img").count(), 0);
    assert.equal(await page.locator("script").count(), 1);
    assert.equal(await page.locator("a[href^='javascript:']").count(), 0);
    assert.ok(await page.getByText("<script>alert(1)</script>").first().isVisible(), "shown as text");
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
