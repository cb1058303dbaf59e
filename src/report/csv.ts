// `findings.csv`, `clusters.csv` and `plans.csv`: RFC 4180 with CRLF and a BOM for Excel, every cell formula-escaped.
import type { ClusterPosture } from "../findings/run.ts";
import type { PlanView, ReportView, ResultView } from "./view-model.ts";

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

type CellsOf<Row> = (row: Row) => readonly (string | number | boolean)[];

export function renderCsv<Row>(
  columns: readonly string[],
  rows: readonly Row[],
  cellsOf: CellsOf<Row>,
): string {
  return [...csvChunks(columns, rows, cellsOf)].join("");
}

/** `renderCsv`'s text one line a piece, so a large file is written without being one string. */
export function* csvChunks<Row>(
  columns: readonly string[],
  rows: readonly Row[],
  cellsOf: CellsOf<Row>,
): Generator<string> {
  const line = (cells: readonly (string | number | boolean)[]): string => cells.map(csvCell).join(",");
  yield `${byteOrderMark}${line(columns)}`;
  for (const row of rows) yield `\r\n${line(cellsOf(row))}`;
  yield "\r\n";
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
  return [...findingsCsvChunks(view)].join("");
}

export function findingsCsvChunks(view: ReportView): Generator<string> {
  return csvChunks(findingColumns, view.results, (result) => findingColumns.map((column) => result[column]));
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

const planColumns = [
  "clusterId",
  "clusterName",
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
function planCells(plan: PlanView): Record<(typeof planColumns)[number], string | number> {
  return {
    clusterId: plan.clusterId,
    clusterName: plan.clusterName,
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
export function renderPlansCsv(view: ReportView): string {
  return [...plansCsvChunks(view)].join("");
}

export function plansCsvChunks(view: ReportView): Generator<string> {
  return csvChunks(planColumns, view.plans, (plan) => {
    const cells = planCells(plan);
    return planColumns.map((column) => cells[column]);
  });
}
