// findings.xlsx read back with exceljs: every sheet, its header row, frozen and filtered, severity colours, row
// counts matching the CSV files, and cells that cannot become formulas.
import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import ExcelJS from "exceljs";
import { buildReportView } from "../../src/report/view-model.ts";
import { writeWorkbook } from "../../src/report/xlsx.ts";
import { scanDemo } from "./demo-scan.ts";
import { hostileRules, hostileRun } from "./hostile-run.ts";

const expectedSheets: readonly [name: string, firstColumns: readonly string[]][] = [
  ["Summary", ["item", "value"]],
  ["Findings", ["severity", "status", "ruleId", "ruleTitle", "resourceName", "resourceId"]],
  ["Clusters", ["id", "name", "tenantId", "tenantName", "subscriptionId", "subscriptionName"]],
  ["Conversion plans", ["clusterId", "clusterName", "readiness", "blockers"]],
  [
    "Subnets",
    [
      "subnetName",
      "role",
      "status",
      "severity",
      "addressPrefixes",
      "capacity",
      "used",
      "free",
      "reserved",
      "utilisation",
    ],
  ],
  ["Coverage", ["kind", "tenantId", "scope", "query", "code", "message"]],
  ["Diagnostics", ["level", "code", "message", "origin", "row", "field", "resourceId"]],
];

function headerOf(sheet: ExcelJS.Worksheet): string[] {
  const values = sheet.getRow(1).values as unknown[];
  return values.slice(1).map(String);
}

/** Data lines of a CSV file written by the reports: CRLF ends a record, a bare LF sits inside a quoted cell. */
function csvRecords(text: string): number {
  return text.split("\r\n").filter((line) => line !== "").length - 1;
}

describe("findings.xlsx of the demo", () => {
  const workbook = new ExcelJS.Workbook();
  let out = "";

  before(async () => {
    out = await scanDemo("csv,xlsx");
    await workbook.xlsx.readFile(join(out, "findings.xlsx"));
  });

  it("has the seven sheets in order", () => {
    assert.deepEqual(
      workbook.worksheets.map((sheet) => sheet.name),
      expectedSheets.map(([name]) => name),
    );
  });

  for (const [name, firstColumns] of expectedSheets) {
    it(`${name}: header row, frozen, filtered, fitted widths`, () => {
      const sheet = workbook.getWorksheet(name);
      assert.ok(sheet, name);
      const header = headerOf(sheet);
      assert.deepEqual(header.slice(0, firstColumns.length), firstColumns);
      assert.ok(sheet.getRow(1).font.bold, "bold header");
      assert.deepEqual(
        sheet.views.map((view) => [view.state, (view as { ySplit?: number }).ySplit]),
        [["frozen", 1]],
      );
      const lastColumn = String.fromCharCode("A".charCodeAt(0) + header.length - 1);
      assert.equal(sheet.autoFilter, `A1:${lastColumn}1`, "an autofilter over the header row");
      // exceljs leaves out a column of Excel's default width (9), and reads it back as undefined.
      const widths = sheet.columns.slice(0, header.length).map((column) => column.width ?? 9);
      assert.ok(
        widths.every((width) => width >= 8 && width <= 70),
        widths.join(", "),
      );
      assert.ok(new Set(widths).size > 1 || widths.length === 1, "widths follow the content");
    });
  }

  it("lists as many findings, clusters and plans as the CSV files", async () => {
    const pairs: [sheet: string, csv: string][] = [
      ["Findings", "findings.csv"],
      ["Clusters", "clusters.csv"],
      ["Conversion plans", "plans.csv"],
    ];
    for (const [sheet, csv] of pairs) {
      const rows = workbook.getWorksheet(sheet)!.actualRowCount - 1;
      assert.equal(rows, csvRecords(await readFile(join(out, csv), "utf8")), sheet);
      assert.ok(rows > 0, sheet);
    }
  });

  it("colours severity cells and sizes the subnets", () => {
    const findings = workbook.getWorksheet("Findings")!;
    const fill = findings.getRow(2).getCell(1).fill as { fgColor?: { argb?: string } } | undefined;
    assert.match(fill?.fgColor?.argb ?? "", /^FF[0-9A-F]{6}$/);
    const subnets = workbook.getWorksheet("Subnets")!;
    const header = headerOf(subnets);
    const row = subnets.getRow(2).values as unknown[];
    const cell = (column: string): unknown => row[header.indexOf(column) + 1];
    assert.equal(typeof cell("capacity"), "number");
    assert.equal(cell("free"), (cell("capacity") as number) - (cell("used") as number));
  });
});

describe("findings.xlsx with hostile data", () => {
  it("keeps formulas and control characters out of every cell", async () => {
    const run = hostileRun();
    const path = join(await mkdtemp(join(tmpdir(), "aks-vnet-audit-xlsx-")), "findings.xlsx");
    await writeWorkbook(path, run, buildReportView(run, { rules: hostileRules, showAll: true }));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    let cells = 0;
    for (const sheet of workbook.worksheets) {
      sheet.eachRow((row) => {
        row.eachCell((cell) => {
          cells += 1;
          assert.equal(cell.formula, undefined, `${sheet.name}!${cell.address} is a formula`);
          if (typeof cell.value === "string") {
            assert.doesNotMatch(cell.value, /^[=+\-@\t\r]/, `${sheet.name}!${cell.address}`);
            assert.doesNotMatch(cell.value, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
          }
        });
      });
    }
    assert.ok(cells > 50);
  });
});
