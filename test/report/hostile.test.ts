// Hostile resource data stays inert in every output: escaped HTML, formula-proof CSV, escaped Markdown, clean terminal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatRows } from "../../src/cli/query.ts";
import { renderClustersCsv, renderFindingsCsv } from "../../src/report/csv.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import { renderSummaryMarkdown } from "../../src/report/markdown.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import { hostile, hostileRules, hostileRun } from "./hostile-run.ts";

const view = buildReportView(hostileRun(), { rules: hostileRules, showAll: true });

/** Every cell of an RFC 4180 file, in order: quoted cells may hold commas, doubled quotes and line breaks. */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (quoted && character === '"' && text[index + 1] === '"') {
      cell += '"';
      index += 1;
    } else if (character === '"') quoted = !quoted;
    else if (!quoted && (character === "," || character === "\n")) {
      cells.push(cell);
      cell = "";
    } else if (quoted || character !== "\r") cell += character;
  }
  return cells;
}

describe("hostile data in report.html", () => {
  const html = renderReportHtml(view);

  const escaped: readonly [raw: string, shown: string][] = [
    [hostile.script, "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [hostile.attribute, "&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"],
    [hostile.hyperlink, "&#x3D;HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)"],
    [hostile.command, "+cmd|&#x27; /C calc&#x27;!A0"],
  ];
  for (const [raw, shown] of escaped) {
    it(`shows ${JSON.stringify(raw)} only escaped`, () => {
      assert.ok(!html.includes(raw), "raw text is absent");
      assert.ok(html.includes(shown), "escaped text is present");
    });
  }

  it("holds no element, handler or link that the data brought", () => {
    assert.deepEqual(html.match(/<script[^>]*>/gi), ["<script>"], "only the report's own inline script");
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /\sonerror\s*=/i);
    assert.doesNotMatch(html, /href="javascript:/i);
  });
});

describe("hostile data in findings.csv and clusters.csv", () => {
  const files = [
    ["findings.csv", renderFindingsCsv(view)],
    ["clusters.csv", renderClustersCsv(view)],
  ] as const;
  for (const [name, csv] of files) {
    it(`${name}: no cell starts a formula`, () => {
      const cells = csvCells(csv.replace(/^\uFEFF/, ""));
      assert.ok(cells.length > 20);
      assert.deepEqual(
        cells.filter((cell) => /^[=+\-@\t\r]/.test(cell)),
        [],
      );
    });
  }

  const guarded: readonly [file: string, csv: string, raw: string][] = [
    ["findings.csv", files[0][1], hostile.hyperlink],
    ["findings.csv", files[0][1], hostile.command],
    ["findings.csv", files[0][1], hostile.sum],
    ["clusters.csv", files[1][1], hostile.hyperlink],
    ["clusters.csv", files[1][1], hostile.command],
    ["clusters.csv", files[1][1], hostile.sum],
  ];
  for (const [file, csv, raw] of guarded) {
    it(`${file}: ${raw} becomes a text cell starting with '`, () => {
      assert.ok(csvCells(csv).includes(`'${raw}`));
    });
  }
});

describe("hostile data in summary.md", () => {
  const markdown = renderSummaryMarkdown(view);
  const tableLines = markdown.split("\n").filter((line) => line.startsWith("| "));
  const unescapedPipes = (line: string): number => line.match(/(?<!\\)\|/g)?.length ?? 0;

  it("keeps every table row to its column count (pipes in data are escaped)", () => {
    assert.ok(markdown.includes("\\|"), "a pipe from the data is escaped");
    const findingsHeader = tableLines.find((line) => line.startsWith("| Severity |"));
    assert.ok(findingsHeader);
    const findingRows = tableLines.slice(tableLines.indexOf(findingsHeader) + 2);
    assert.equal(findingRows.length, 5);
    for (const row of findingRows) assert.equal(unescapedPipes(row), unescapedPipes(findingsHeader), row);
  });

  it("holds no raw HTML tag but the line breaks it writes itself", () => {
    assert.doesNotMatch(markdown.replaceAll("<br>", ""), /(?<!\\)</);
    assert.ok(!markdown.includes(hostile.script));
    assert.ok(!markdown.includes("\r"), "a CRLF in data does not end the row");
  });
});

describe("hostile data in the query terminal table", () => {
  it("strips ANSI escapes and line breaks", () => {
    const rows = [
      { name: hostile.ansi, tags: { env: hostile.lineBreak }, note: `${hostile.script}\u001b]0;title\u0007` },
    ];
    const table = formatRows(rows, "table");
    assert.ok(!table.includes("\u001b"), "no ESC byte");
    assert.ok(!table.includes("\r"), "no carriage return");
    assert.equal(table.trimEnd().split("\n").length, 3, "header, rule and one row");
    assert.match(table, /red/);
  });
});
