// The Log Analytics example matches what the scanner sends: the Bicep table and stream declare every column the rows
// carry, with the type of its values, and every workbook query analyzes cleanly against that table with Microsoft's
// Kusto parser (an unknown column or a syntax error is an error diagnostic).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { logRows } from "../../src/deliver/log-analytics-rows.ts";
import { defaultStream } from "../../src/deliver/log-analytics.ts";
import { incompleteCoverage, sampleRun } from "../report/sample-run.ts";

const folder = join(import.meta.dirname, "../../examples/log-analytics");
const bicep = readFileSync(join(folder, "main.bicep"), "utf8");
const queryFiles = readdirSync(join(folder, "queries")).filter((name) => name.endsWith(".kql"));

/** `{ name: 'X', type: 'y', … }` entries of the template's `columns` variable. */
const declared = new Map(
  [...bicep.matchAll(/\{ name: '(\w+)', type: '(\w+)'/g)].map((match) => [match[1]!, match[2]!] as const),
);

function columnType(name: string, value: unknown): string {
  if (name === "TimeGenerated" || name === "StartedAt") return "datetime";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number")
    return Number.isInteger(value) && name !== "IntegratedPercent" ? "int" : "real";
  if (typeof value === "string") return "string";
  return "dynamic";
}

describe("examples/log-analytics/main.bicep", () => {
  const rows = [...logRows(sampleRun()), ...logRows(sampleRun({ coverage: incompleteCoverage }))];

  it("declares the stream the scanner sends to by default", () => {
    assert.match(bicep, /var tableName = 'AksVnetAudit_CL'/);
    assert.equal(defaultStream, "Custom-AksVnetAudit_CL");
    assert.match(bicep, /var streamName = 'Custom-\$\{tableName\}'/);
  });

  it("declares every column a run or result row carries, with its type, and nothing else", () => {
    const sent = new Map<string, string>();
    for (const row of rows) {
      for (const [name, value] of Object.entries(row)) {
        if (value !== null) sent.set(name, columnType(name, value));
      }
    }
    assert.deepEqual(new Map([...declared].sort()), new Map([...sent].sort()));
  });

  it("builds the workbook from the query files beside it", () => {
    const loaded = [...bicep.matchAll(/loadTextContent\('queries\/([\w-]+\.kql)'\)/g)].map(
      (match) => match[1],
    );
    assert.deepEqual(loaded.sort(), [...queryFiles].sort());
    assert.deepEqual(queryFiles.sort(), [
      "clusters-not-restarted.kql",
      "integrated-percent-over-time.kql",
      "new-critical-findings.kql",
    ]);
  });

  it("grants Monitoring Metrics Publisher on the rule", () => {
    assert.match(bicep, /monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'/);
    assert.match(bicep, /scope: rule/);
  });
});

interface KustoDiagnostic {
  readonly Message: string;
  readonly Severity: string;
}

/** Microsoft's Kusto parser (Bridge.NET build): loads as globals. */
function kustoAnalyzer(schema: string): (query: string) => KustoDiagnostic[] {
  const require = createRequire(import.meta.url);
  require("@kusto/language-service-next/bridge.js");
  require("@kusto/language-service-next/Kusto.Language.Bridge.js");
  // The bridge has typings for the whole .NET surface; this test needs four calls, typed loosely on purpose.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Kusto = (globalThis as unknown as { Kusto: { Language: any } }).Kusto.Language;
  const table = new Kusto.Symbols.TableSymbol.$ctor7("AksVnetAudit_CL", schema, null);
  const globals = Kusto.GlobalState.Default.WithDatabase(
    new Kusto.Symbols.DatabaseSymbol.ctor("workspace", [table]),
  );
  return (query) => {
    const diagnostics = Kusto.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
    return Array.from(
      { length: diagnostics.Count as number },
      (_, index) => diagnostics.getItem(index) as KustoDiagnostic,
    );
  };
}

describe("examples/log-analytics/queries", () => {
  const schema = `(${[...declared].map(([name, type]) => `${name}:${type === "boolean" ? "bool" : type}`).join(", ")})`;
  const analyze = kustoAnalyzer(schema);

  it("the analyzer does report an unknown column", () => {
    assert.ok(analyze("AksVnetAudit_CL | where NoSuchColumn == 1").some((d) => d.Severity === "Error"));
  });

  for (const file of queryFiles) {
    it(`${file} analyzes without an error against the table`, () => {
      const text = readFileSync(join(folder, "queries", file), "utf8");
      assert.match(text, /^\/\/ \S/, "the first line says what the query shows");
      const errors = analyze(text).filter((diagnostic) => diagnostic.Severity === "Error");
      assert.deepEqual(
        errors.map((error) => error.Message),
        [],
      );
    });
  }
});
