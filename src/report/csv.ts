// `findings.csv`, `clusters.csv` and `plans.csv` through csv-stringify: RFC 4180 with CRLF and a BOM for Excel,
// control characters made harmless and every cell formula-escaped.
import type { Options } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";
import type { ClusterPosture } from "../findings/run.ts";
import { showControlCharacters } from "./control-characters.ts";
import type { PlanView, ReportView, ResultView } from "./view-model.ts";

export type CsvValue = string | number | boolean;

/** What one CSV file holds: its header, its rows and how a row becomes cells. */
export interface CsvTable<Row> {
  readonly columns: readonly string[];
  readonly rows: Iterable<Row>;
  readonly cells: (row: Row) => readonly CsvValue[];
  /**
   * Every string cell comes from the report view, whose control characters `buildReportView` has shown already
   * (tab and newline kept): shown again, such a text is the same (tested), so it is not searched a second time.
   */
  readonly shown?: boolean;
}

const cellOptions = {
  // A spreadsheet treats a cell starting with `= + - @`, a tab or a carriage return as a formula (OWASP "CSV
  // injection"); csv-stringify prefixes those with `'`, after the cast, so a cleaned cell is the one checked.
  escape_formulas: true,
  // With an explicit CRLF delimiter csv-stringify would only quote cells holding CRLF; a lone LF or CR must be
  // quoted too, or a reader splits the row there.
  quote_record_delimiter: true,
  record_delimiter: "\r\n",
  cast: {
    // csv-stringify writes booleans as `1` and an empty cell by default; the files have always said true/false.
    boolean: (value: boolean) => String(value),
    string: (value: string) => showControlCharacters(value, { keepTabAndNewline: true }),
  },
} as const satisfies Options;

/** One cell as the files write it. */
export function csvCell(value: CsvValue): string {
  return stringifySync([[value]], { ...cellOptions, eof: false });
}

/** A whole file as one string, for small outputs (`query --format csv`, tests). */
export function csvText<Row>(table: CsvTable<Row>): string {
  return [...csvChunks(table)].join("");
}

/**
 * Rows a piece: about 80 KB of a fleet's findings.csv, under V8's large-object size (128 KB), so pieces die young
 * in a scavenge rather than filling the old generation.
 */
export const rowsPerPiece = 64;

/**
 * A whole file in pieces of `perPiece` rows, so a large file is never one string; the byte-order mark and the
 * header come with the first piece only. The pieces join to the text of one csv-stringify call over all rows.
 */
export function* csvChunks<Row>(table: CsvTable<Row>, perPiece = rowsPerPiece): Generator<string> {
  const width = table.columns.length;
  const options = table.shown ? distinctShownCellOptions : distinctCellOptions;
  let header = stringifySync([], csvFileOptions(table.columns));
  let rows: (readonly CsvValue[])[] = [];
  for (const row of table.rows) {
    rows.push(table.cells(row));
    if (rows.length < perPiece) continue;
    yield header + csvRecords(rows, width, options);
    rows = [];
    header = "";
  }
  if (header !== "" || rows.length > 0) yield header + csvRecords(rows, width, options);
}

/** What csv-stringify writes for the whole file in one call: the reference the pieces are tested against. */
export function csvFileOptions(columns: readonly string[]): Options {
  // Excel reads a UTF-8 file as the local code page unless it starts with a byte-order mark.
  return { ...cellOptions, bom: true, header: true, columns: [...columns] };
}

/**
 * Ends each one-cell record of `distinctCellOptions`. No cell can hold it: every control character is shown as
 * text, by the cast or, in the report's tables, by the view. A record delimiter changes which cells csv-stringify
 * quotes only by cells holding it; `\r\n` is covered by the line feed and carriage return that
 * `quote_record_delimiter` quotes anyway.
 */
const cellEnd = "\u0000";
const distinctCellOptions = { ...cellOptions, record_delimiter: cellEnd } as const satisfies Options;
const distinctShownCellOptions = {
  ...distinctCellOptions,
  cast: { ...cellOptions.cast, string: (value: string) => value },
} as const satisfies Options;
const fieldDelimiter = ",";

/**
 * Rows as csv-stringify writes them, each distinct value of the rows stringified once. Most cells repeat within a
 * piece (rule ids, statuses, a rule's remediation, tenants and subscriptions), and csv-stringify's work per cell
 * (a cast, several searches for delimiters and quotes, escaping) was most of the files' CPU. A cell is the same
 * text wherever it stands (the options depend on no row or column), so the cells join with csv-stringify's own
 * delimiters, and a record keeps as many fields as there are columns, as csv-stringify cuts it.
 */
function csvRecords(rows: readonly (readonly CsvValue[])[], width: number, options: Options): string {
  const slots = new Map<CsvValue, number>();
  const distinct: [CsvValue][] = [];
  const cellSlots: number[] = [];
  for (const cells of rows) {
    const fields = Math.min(cells.length, width);
    for (let column = 0; column < fields; column++) {
      const cell = cells[column] as CsvValue;
      let slot = slots.get(cell);
      if (slot === undefined) {
        slot = distinct.push([cell]) - 1;
        slots.set(cell, slot);
      }
      cellSlots.push(slot);
    }
  }
  const texts = stringifySync(distinct, options).split(cellEnd);
  let text = "";
  let at = 0;
  for (const cells of rows) {
    const fields = Math.min(cells.length, width);
    for (let column = 0; column < fields; column++) {
      if (column > 0) text += fieldDelimiter;
      text += texts[cellSlots[at++] as number] as string;
    }
    text += cellOptions.record_delimiter;
  }
  return text;
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
  "tenantName",
  "subscriptionId",
  "subscriptionName",
  "fingerprint",
  "diff",
] as const satisfies readonly (keyof ResultView)[];

/** One row a listed result: actionable and suppressed ones, or every result when the view was built with showAll. */
export function findingsTable(view: ReportView): CsvTable<ResultView> {
  return {
    columns: findingColumns,
    rows: view.results,
    cells: (result) => findingColumns.map((column) => result[column]),
    shown: true,
  };
}

const clusterColumns = [
  "id",
  "name",
  "tenantId",
  "tenantName",
  "subscriptionId",
  "subscriptionName",
  "resourceGroup",
  "location",
  "mode",
  "tier",
  "kubernetesVersion",
  "enableVnetIntegration",
  "readiness",
  "apiServerSubnetMode",
  "apiServerSubnetId",
  "enablePrivateCluster",
  "networkPlugin",
  "powerState",
  "worstSeverity",
  "failingResults",
] as const satisfies readonly (keyof ClusterPosture)[];

export function clustersTable(view: ReportView): CsvTable<ClusterPosture> {
  return {
    columns: clusterColumns,
    rows: view.clusters,
    cells: (cluster) => clusterColumns.map((column) => cluster[column]),
    shown: true,
  };
}

const planColumns = [
  "clusterId",
  "clusterName",
  "readiness",
  "blockers",
  "apiServerSubnetAction",
  "apiServerSubnetPrefix",
  "apiServerSubnetId",
  "roleAssignmentsNeeded",
  "nsgRulesToAdd",
  "pinnedRules",
  "surgeRoom",
  "commands",
] as const;

/** Multi-valued cells hold one entry a line, so Excel shows them stacked in one cell. */
export function planCells(plan: PlanView): Record<(typeof planColumns)[number], string | number> {
  return {
    clusterId: plan.clusterId,
    clusterName: plan.clusterName,
    readiness: plan.readiness,
    blockers: plan.blockers.map((blocker) => `${blocker.severity}: ${blocker.reason}`).join("\n"),
    apiServerSubnetAction: plan.subnetAction,
    apiServerSubnetPrefix: plan.subnetPrefix,
    apiServerSubnetId: plan.subnetId,
    roleAssignmentsNeeded: plan.roleAssignmentsNeeded
      .map((role) => `Network Contributor for ${role.principalId} on ${role.scope}`)
      .join("\n"),
    nsgRulesToAdd: plan.nsgRules
      .map(
        (rule) =>
          `${rule.nsgName}: ${rule.direction} ${rule.protocol} ${rule.source} -> ${rule.destination} port ${rule.destinationPorts}`,
      )
      .join("\n"),
    pinnedRules: plan.pinnedRules.length,
    surgeRoom: plan.surgeRoom,
    commands: plan.commandsText,
  };
}

/** One row a non-integrated cluster with its conversion plan. */
export function plansTable(view: ReportView): CsvTable<PlanView> {
  return {
    columns: planColumns,
    rows: view.plans,
    cells: (plan) => {
      const cells = planCells(plan);
      return planColumns.map((column) => cells[column]);
    },
    shown: true,
  };
}

export const renderFindingsCsv = (view: ReportView): string => csvText(findingsTable(view));
export const renderClustersCsv = (view: ReportView): string => csvText(clustersTable(view));
export const renderPlansCsv = (view: ReportView): string => csvText(plansTable(view));
