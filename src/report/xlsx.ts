// `findings.xlsx`: the workbook compliance teams filter, written row by row through exceljs's streaming writer.
import ExcelJS from "exceljs";
import type { RunRecord } from "../findings/run.ts";
import type { Diagnostic } from "../inventory/model.ts";
import { chipColours } from "./chips.ts";
import { showControlCharacters } from "./control-characters.ts";
import type { CsvTable, CsvValue } from "./csv.ts";
import { clustersTable, plansTable } from "./csv.ts";
import type { EvidenceView } from "./evidence-view.ts";
import type { ResultView } from "./findings-view.ts";
import { subnetRows, subnetColumns } from "./subnets-view.ts";
import type { ReportView } from "./view-model.ts";

/** Excel shows at most 32,767 characters a cell; longer text (a plan's commands, a long message) is cut. */
const cellMaxLength = 32_000;
/** Fitted widths stay between these (Excel's width unit is about one character). */
const widthMin = 8;
const widthMax = 70;

/**
 * Text as the cell holds it: control characters made harmless (XML 1.0 cannot carry most of them at all), and a
 * leading `= + - @`, tab or carriage return prefixed with `'` exactly as in the CSV files, so a pasted or
 * re-saved cell never turns into a formula.
 */
function safeText(value: string): string {
  const text = showControlCharacters(value, { keepTabAndNewline: true });
  const clipped = text.length > cellMaxLength ? `${text.slice(0, cellMaxLength)}…` : text;
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(clipped) ? `'${clipped}` : clipped;
}

function cellValue(value: CsvValue): string | number | boolean {
  return typeof value === "string" ? safeText(value) : value;
}

function fittedWidths(table: CsvTable<unknown>): number[] {
  const widths = table.columns.map((column) => column.length + 2);
  for (const row of table.rows) {
    table.cells(row).forEach((value, index) => {
      const longestLine = Math.max(
        ...String(value)
          .split("\n")
          .map((line) => line.length),
      );
      widths[index] = Math.max(widths[index] ?? 0, Math.min(widthMax, longestLine + 2));
    });
  }
  return widths.map((width) => Math.max(widthMin, Math.min(widthMax, width)));
}

// Severity columns are coloured with the reports' chip palette (as ARGB).
const colouredColumns = new Set(["severity", "worstSeverity", "status", "level"]);

function argb(hex: string): string {
  return `FF${hex.slice(1).toUpperCase()}`;
}

function colour(cell: ExcelJS.Cell, value: CsvValue): void {
  const palette = chipColours[String(value)];
  if (palette === undefined) return;
  const [background, text] = palette;
  cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: argb(background) } };
  cell.font = { color: { argb: argb(text) }, bold: true };
}

/** One sheet: header row frozen and filtered, fitted widths, rows committed as they are written. */
function writeSheet<Row>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  table: CsvTable<Row>,
): void {
  const widths = fittedWidths(table as CsvTable<unknown>);
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = table.columns.map((column, index) => ({
    header: column,
    key: column,
    width: widths[index],
  }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  const coloured = table.columns.flatMap((column, index) => (colouredColumns.has(column) ? [index + 1] : []));
  for (const source of table.rows) {
    const values = table.cells(source);
    const row = sheet.addRow(values.map(cellValue));
    for (const index of coloured) colour(row.getCell(index), values[index - 1] ?? "");
    row.commit();
  }
  sheet.commit();
}

function evidenceText(evidence: EvidenceView): string {
  return [
    ...evidence.lines.map(
      (line) => `${line.label}: ${line.values.map((value) => value.full || value.text).join(", ")}`,
    ),
    ...evidence.tables.map(
      (table) => `${table.label}: ${String(table.rows.length)} row(s), see findings.json`,
    ),
  ].join("\n");
}

const findingColumns = [
  "severity",
  "status",
  "ruleId",
  "ruleTitle",
  "resourceName",
  "resourceId",
  "resourceType",
  "detail",
  "message",
  "evidence",
  "remediation",
  "tenantId",
  "tenantName",
  "subscriptionId",
  "subscriptionName",
  "diff",
  "fingerprint",
] as const;

/** Every non-passing result (what findings.csv lists without --all), with its evidence as lines. */
function findingsTable(view: ReportView): CsvTable<ResultView> {
  return {
    columns: findingColumns,
    rows: view.results.filter((result) => result.status !== "pass" && result.status !== "not_applicable"),
    cells: (result) =>
      findingColumns.map((column) =>
        column === "evidence" ? evidenceText(result.evidence) : result[column],
      ),
  };
}

function summaryTable(run: RunRecord, view: ReportView): CsvTable<readonly [string, CsvValue]> {
  const { header, kpis, readiness } = view;
  const rows: (readonly [string, CsvValue])[] = [
    ["Run", header.runId],
    ["Generated", header.generatedAt],
    ["Source", header.source],
    ["Tool", `${header.toolName} ${header.toolVersion}`],
    ["Coverage", header.complete ? "complete" : "INCOMPLETE"],
    ["Compared with", header.previousRunId || "no earlier run"],
    ["Clusters", kpis.clusters],
    ["Integrated clusters", kpis.integrated],
    ["% integrated", kpis.percentIntegrated],
    ["Failing findings", kpis.failing],
    ...kpis.bySeverity.map(({ severity, count }) => [`Failing: ${severity}`, count] as const),
    ["Suppressed", kpis.suppressed],
    ["New since the last run", kpis.hasPrevious ? kpis.new : "—"],
    ["Resolved since the last run", kpis.hasPrevious ? kpis.resolved : "—"],
    ...readiness.rows.map((row) => [`Readiness: ${row.label}`, row.count] as const),
    ["Results (all statuses)", run.summary.results],
  ];
  return { columns: ["item", "value"], rows, cells: (row) => row };
}

function coverageTable(view: ReportView): CsvTable<readonly CsvValue[]> {
  const scopes = view.header.scopes.map((scope) => ["scope", "", scope, "", "", ""] as const);
  const gaps = view.header.gaps.map(
    (gap) => ["gap", gap.tenantId, gap.scope, gap.query, gap.code, gap.message] as const,
  );
  return {
    columns: ["kind", "tenantId", "scope", "query", "code", "message"],
    rows: [...scopes, ...gaps],
    cells: (row) => row,
  };
}

function diagnosticsTable(diagnostics: readonly Diagnostic[]): CsvTable<Diagnostic> {
  return {
    columns: ["level", "code", "message", "origin", "row", "field", "resourceId"],
    rows: diagnostics,
    cells: (d) => [
      d.level,
      d.code,
      d.message,
      d.origin ?? "",
      d.row ?? "",
      d.field ?? "",
      d.resourceId ?? "",
    ],
  };
}

/** Writes the workbook to `path`. Each sheet is streamed to the file as it is written; only one row is held. */
export async function writeWorkbook(path: string, run: RunRecord, view: ReportView): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = `${run.tool.name} ${run.tool.version}`;
  writeSheet(workbook, "Summary", summaryTable(run, view));
  writeSheet(workbook, "Findings", findingsTable(view));
  writeSheet(workbook, "Clusters", clustersTable(view));
  writeSheet(workbook, "Conversion plans", plansTable(view));
  writeSheet(workbook, "Subnets", {
    columns: subnetColumns,
    rows: subnetRows(run.results),
    cells: (row) => row,
  });
  writeSheet(workbook, "Coverage", coverageTable(view));
  writeSheet(workbook, "Diagnostics", diagnosticsTable(run.diagnostics));
  await workbook.commit();
}
