// `query NAME|--kql TEXT`: an ad-hoc KQL query over the same scopes as `scan`, printed as a table, CSV or JSON.
import type { CoverageGap } from "../collect/source.ts";
import { collect } from "../collect/collect.ts";
import type { ResourceGraphOptions } from "../collect/resource-graph.ts";
import { graphQuery, loadAdhocQuery } from "../collect/queries.ts";
import { CollectOptionError } from "../collect/errors.ts";
import { showControlCharacters } from "../report/control-characters.ts";
import { csvText } from "../report/csv.ts";

export const queryFormats = ["table", "csv", "json"] as const;
export type QueryFormat = (typeof queryFormats)[number];

export interface QueryCommandOptions extends Omit<ResourceGraphOptions, "queries"> {
  /** `queries/adhoc/NAME.kql`; exclusive with `kql`. */
  readonly name?: string;
  readonly kql?: string;
  readonly format?: QueryFormat;
  readonly write?: (text: string) => void;
  readonly writeError?: (text: string) => void;
}

/** C0/C1 controls and ANSI escapes in resource data must not drive the user's terminal; a cell is one line. */
export function terminalSafe(text: string): string {
  return showControlCharacters(text.replace(/\r\n|[\r\n]/g, " "));
}

function cellText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value === null || value === undefined ? "" : JSON.stringify(value);
}

/** Column order: first appearance across rows, so ARM shape reads `id, name, type…`. */
export function columnsOf(rows: readonly unknown[]): string[] {
  const columns = new Set<string>();
  for (const row of rows)
    if (typeof row === "object" && row !== null) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

function cells(row: unknown, columns: readonly string[]): string[] {
  const record = (typeof row === "object" && row !== null ? row : {}) as Record<string, unknown>;
  return columns.map((column) => cellText(record[column]));
}

const maxCellWidth = 60;

export function formatTable(rows: readonly unknown[]): string {
  const columns = columnsOf(rows);
  const body = rows.map((row) => cells(row, columns).map((cell) => truncate(terminalSafe(cell))));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...body.map((line) => line[index]!.length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n") + "\n";
}

function truncate(text: string): string {
  return text.length > maxCellWidth ? `${text.slice(0, maxCellWidth - 1)}…` : text;
}

/** The same CSV as the reports: BOM for Excel, CRLF, formula-escaped cells. */
export function formatCsv(rows: readonly unknown[]): string {
  const columns = columnsOf(rows);
  return csvText({ columns, rows, cells: (row) => cells(row, columns) });
}

export function formatRows(rows: readonly unknown[], format: QueryFormat): string {
  if (format === "csv") return formatCsv(rows);
  if (format === "json") return JSON.stringify(rows, null, 2) + "\n";
  return formatTable(rows);
}

async function chooseQuery(options: QueryCommandOptions): Promise<ReturnType<typeof graphQuery>> {
  if ((options.name === undefined) === (options.kql === undefined)) {
    throw new CollectOptionError("Pass either a query NAME or --kql TEXT, not both.");
  }
  return options.kql !== undefined ? graphQuery("kql", options.kql) : loadAdhocQuery(options.name!);
}

export function describeGap(gap: CoverageGap): string {
  const where = [
    gap.tenantId && `tenant ${gap.tenantId}`,
    gap.query && `query ${gap.query}`,
    gap.scope && `${gap.scope.length} scope(s)`,
  ];
  return terminalSafe(`${where.filter(Boolean).join(", ")}: ${gap.code}: ${gap.message}`);
}

/**
 * Runs the query; exit code 0, 3 when some tenant or batch failed (the rows that came are still printed), and 2
 * when it failed everywhere (a KQL syntax error, no tenant reachable): nothing was answered at all.
 */
export async function runQueryCommand(options: QueryCommandOptions): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const writeError = options.writeError ?? ((text: string) => process.stderr.write(text));
  const query = await chooseQuery(options);
  const { collected } = await collect({ kind: "live", options: { ...options, queries: [query] } });
  write(
    formatRows(
      collected.rows.map((row) => row.value),
      options.format ?? "table",
    ),
  );
  for (const gap of collected.coverage.gaps) writeError(`incomplete: ${describeGap(gap)}\n`);
  if (collected.coverage.complete) return 0;
  const failedTenants = new Set(collected.coverage.gaps.map((gap) => gap.tenantId?.toLowerCase()));
  const everyTenantFailed = options.tenants.every((tenant) =>
    failedTenants.has(tenant.tenantId.toLowerCase()),
  );
  return collected.rows.length === 0 && everyTenantFailed ? 2 : 3;
}
