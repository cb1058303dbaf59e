// `findings.csv` and `clusters.csv`: RFC 4180 with CRLF and a BOM for Excel, every cell formula-escaped.
import type { ClusterPosture } from "../engine/run.ts";
import type { ReportView, ResultView } from "./view-model.ts";

// Excel reads a UTF-8 file as the local code page unless it starts with a byte-order mark.
const byteOrderMark = "\uFEFF";
// A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

export function csvCell(value: string | number | boolean): string {
  let text = String(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv<Row>(
  columns: readonly string[],
  rows: readonly Row[],
  cellsOf: (row: Row) => readonly (string | number | boolean)[],
): string {
  const lines = [columns, ...rows.map(cellsOf)].map((cells) => cells.map(csvCell).join(","));
  return `${byteOrderMark}${lines.join("\r\n")}\r\n`;
}

const findingColumns = [
  "ruleId",
  "status",
  "severity",
  "resourceId",
  "resourceType",
  "detail",
  "message",
  "remediation",
  "tenantId",
  "subscriptionId",
  "fingerprint",
  "diff",
] as const satisfies readonly (keyof ResultView)[];

/** One row a listed result: actionable and suppressed ones, or every result when the view was built with showAll. */
export function renderFindingsCsv(view: ReportView): string {
  return renderCsv(findingColumns, view.results, (result) => findingColumns.map((column) => result[column]));
}

const clusterColumns = [
  "id",
  "name",
  "tenantId",
  "subscriptionId",
  "resourceGroup",
  "location",
  "sku",
  "kubernetesVersion",
  "enableVnetIntegration",
  "apiServerSubnetMode",
  "apiServerSubnetId",
  "enablePrivateCluster",
  "networkPlugin",
  "powerState",
  "worstSeverity",
  "failingResults",
] as const satisfies readonly (keyof ClusterPosture)[];

export function renderClustersCsv(view: ReportView): string {
  return renderCsv(clusterColumns, view.clusters, (cluster) =>
    clusterColumns.map((column) => cluster[column]),
  );
}
