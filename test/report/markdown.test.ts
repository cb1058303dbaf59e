// Tests for summary.md: escaping, the incomplete banner, the findings cap, and a golden file.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { escapeMarkdown, renderSummaryMarkdown, summaryFindingsShown } from "../../src/report/markdown.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import { hostileAttribute, incompleteCoverage, makeResult, sampleRules, sampleRun } from "./sample-run.ts";

// Not `.md`: Prettier would re-align the tables and the golden file would drift from what we write.
const goldenFile = new URL("golden/summary.md.golden", import.meta.url);

describe("escapeMarkdown", () => {
  const cases: [input: string, expected: string][] = [
    ["plain text 10.0.0.0/28", "plain text 10.0.0.0/28"],
    ["a|b", "a\\|b"],
    ["line one\nline two", "line one<br>line two"],
    ["line one\r\nline two\rthree", "line one<br>line two<br>three"],
    ["<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"],
    ["[click](https://evil.example)", "\\[click\\](https://evil.example)"],
    ["*bold* _it_ `code` ~x~", "\\*bold\\* \\_it\\_ \\`code\\` \\~x\\~"],
    ["back\\slash &amp;", "back\\\\slash \\&amp;"],
  ];
  for (const [input, expected] of cases) {
    it(`escapes ${JSON.stringify(input)}`, () => {
      assert.equal(escapeMarkdown(input), expected);
    });
  }
});

/** Cells of a table row, split on pipes that are not escaped. */
function cellsOf(line: string): string[] {
  return line.slice(2, -2).split(/(?<!\\)\|/);
}

describe("renderSummaryMarkdown", () => {
  it("shows the incomplete banner only when coverage is incomplete", () => {
    const complete = renderSummaryMarkdown(buildReportView(sampleRun(), { rules: sampleRules }));
    const incomplete = renderSummaryMarkdown(
      buildReportView(sampleRun({ coverage: incompleteCoverage }), { rules: sampleRules }),
    );
    assert.ok(!complete.includes("Incomplete scan"));
    assert.ok(incomplete.includes("**Incomplete scan.**"));
    assert.ok(incomplete.includes("AuthorizationFailed"));
  });

  it("keeps each findings row to five cells even when data holds pipes and line breaks", () => {
    const run = sampleRun({
      results: [
        makeResult({ ruleId: "r", resourceId: "/x/a|b", message: `one | two\nthree ${hostileAttribute}` }),
      ],
    });
    const text = renderSummaryMarkdown(buildReportView(run, { rules: [] }));
    const row = text.split("\n").find((line) => line.startsWith("| medium"));
    assert.ok(row, text);
    assert.equal(cellsOf(row).length, 5);
    assert.ok(row.includes('one \\| two<br>three "\\>\\<img src=x onerror=alert(1)\\>'));
    assert.doesNotMatch(text, /(?<!\\)<img/);
  });

  it(`lists at most ${summaryFindingsShown} findings and counts the rest`, () => {
    const results = Array.from({ length: summaryFindingsShown + 10 }, (_, index) =>
      makeResult({ ruleId: "r", resourceId: `/x/${String(index).padStart(3, "0")}` }),
    );
    const text = renderSummaryMarkdown(buildReportView(sampleRun({ results }), { rules: [] }));
    assert.equal(text.split("\n").filter((line) => line.startsWith("| medium")).length, summaryFindingsShown);
    assert.ok(text.includes("10 more findings in report.html and findings.csv."));
  });

  it("lists only findings to act on, even with showAll", () => {
    const text = renderSummaryMarkdown(buildReportView(sampleRun(), { rules: sampleRules, showAll: true }));
    assert.ok(!text.includes("| pass |"));
    assert.ok(!text.includes("suppressed |"));
  });

  it("matches the golden file (UPDATE_GOLDEN=1 rewrites it)", () => {
    const text = renderSummaryMarkdown(
      buildReportView(sampleRun({ coverage: incompleteCoverage }), { rules: sampleRules }),
    );
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(goldenFile, text);
    assert.equal(text, readFileSync(goldenFile, "utf8"));
  });
});
