// Control characters from data or a file's bytes are shown visibly in every output, never passed on raw.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { showControlCharacters, withVisibleControlCharacters } from "../../src/report/control-characters.ts";
import { renderClustersCsv, renderFindingsCsv } from "../../src/report/csv.ts";
import { renderEmailHtml } from "../../src/report/email.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import { renderSummaryMarkdown } from "../../src/report/markdown.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import { hostileRules, hostileRun } from "./hostile-run.ts";

/** Any C0/C1 control except tab, line feed and carriage return (which CSV quoting and HTML allow). */
const rawControl = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe("showControlCharacters", () => {
  const cases: [input: string, keep: boolean, shown: string][] = [
    ["plain", false, "plain"],
    ["\u001b[2J\u001b]0;title\u0007", false, "\\u001b[2J\\u001b]0;title\\u0007"],
    ["nul\u0000del\u007fnel\u0085csi\u009b", false, "nul\\u0000del\\u007fnel\\u0085csi\\u009b"],
    ["tab\tline\nCRLF\r\nCR\r", false, "tab\\u0009line\\u000aCRLF\\u000d\\u000aCR\\u000d"],
    ["tab\tline\nCRLF\r\nCR\r", true, "tab\tline\nCRLF\r\nCR\\u000d"],
    ["é ü 漢字 \u2028", false, "é ü 漢字 \u2028"],
  ];
  for (const [input, keep, shown] of cases) {
    it(`shows ${JSON.stringify(input)}${keep ? " keeping tab and newline" : ""}`, () => {
      assert.equal(showControlCharacters(input, { keepTabAndNewline: keep }), shown);
    });
  }

  // The replace the quick tests stand in front of, written out: a string is only ever tested first, never changed.
  const replacedAlways = (text: string, keep: boolean): string =>
    text.replace(
      keep
        ? /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g
        : /[\u0000-\u001f\u007f-\u009f]/g,
      (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  const units = fc.constantFrom(
    "a",
    " ",
    "\t",
    "\n",
    "\r",
    "\u0000",
    "\u000b",
    "\u001b",
    "\u007f",
    "\u0085",
    "\u009f",
    "\u00a0",
    "é",
  );
  const texts = fc.array(units, { maxLength: 12 }).map((parts) => parts.join(""));

  it("gives what an unconditional replace gives, in both modes (property)", () => {
    fc.assert(
      fc.property(texts, fc.boolean(), (text, keep) => {
        assert.equal(showControlCharacters(text, { keepTabAndNewline: keep }), replacedAlways(text, keep));
      }),
      { numRuns: 2000 },
    );
  });

  it("changes nothing shown once when shown again, joined texts too (property)", () => {
    // The CSV files rely on it: the report view's texts are shown already, so they are not shown a second time.
    const shown = (text: string): string => showControlCharacters(text, { keepTabAndNewline: true });
    fc.assert(
      fc.property(texts, texts, (a, b) => {
        assert.equal(shown(shown(a)), shown(a));
        assert.equal(shown(`${shown(a)}: ${shown(b)}\n${shown(b)}`), `${shown(a)}: ${shown(b)}\n${shown(b)}`);
      }),
      { numRuns: 2000 },
    );
  });

  it("copies a structure only where a string changed", () => {
    const clean = { a: ["x", { b: "y" }], n: 1 };
    assert.equal(withVisibleControlCharacters(clean), clean);
    const dirty = { a: ["x", { b: "\u001by" }], c: { d: "z" } };
    const shown = withVisibleControlCharacters(dirty);
    assert.deepEqual(shown, { a: ["x", { b: "\\u001by" }], c: { d: "z" } });
    assert.equal(shown.c, dirty.c, "an unchanged branch is shared");
    assert.equal(dirty.a[1], dirty.a[1], "the input is not changed");
    assert.deepEqual(dirty.a[1], { b: "\u001by" });
  });
});

describe("every rendered output shows control characters visibly", () => {
  // ESC, BEL and NUL in a resource name and a message, as the fuzzing found them written raw into report.html.
  const run = JSON.parse(
    JSON.stringify(hostileRun()).replaceAll("red", "red\\u0000\\u0007\\u0085\\u001b[2J"),
  ) as RunRecord;
  const view = buildReportView(run, { rules: hostileRules, showAll: true });
  const outputs: [string, string][] = [
    ["report.html", renderReportHtml(view)],
    ["findings.csv", renderFindingsCsv(view)],
    ["clusters.csv", renderClustersCsv(view)],
    ["summary.md", renderSummaryMarkdown(view)],
    ["email", renderEmailHtml(view, { maxBodyBytes: 1 << 20 })],
  ];
  for (const [name, text] of outputs) {
    it(name, () => {
      assert.equal(rawControl.exec(text), null, `${name} holds a raw control character`);
      assert.ok(text.includes("\\u001b"), `${name} shows ESC as \\u001b`);
    });
  }
  it("the run itself is not changed (findings.json escapes through JSON)", () => {
    assert.ok(JSON.stringify(run).includes("\\u0000"));
    assert.ok(run.results.some((result) => result.message.includes("\u0000")));
  });
});
