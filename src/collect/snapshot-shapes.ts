// The shapes a snapshot file may hold (rows, ARG responses, ARM lists, table-keyed objects, one resource, spec
// examples, the tool's own export), told apart and read into raw rows per ARG table.
import { typeFromId } from "../inventory/arm-id.ts";
import type { Diagnostic } from "../inventory/model.ts";
import { describeValue, isRecord, ownValue } from "../inventory/read.ts";
import type { Coverage, CoverageGap, CoverageScope } from "./source.ts";

export const argTables = [
  "resources",
  "networkresources",
  "resourcechanges",
  "authorizationresources",
  "resourcecontainers",
] as const;

/** Types that ARG keeps outside `resources`; a flat list of rows is split back into its tables by type. */
const tableByType: Readonly<Record<string, string>> = {
  "microsoft.resources/changes": "resourcechanges",
  "microsoft.authorization/roleassignments": "authorizationresources",
  "microsoft.authorization/roledefinitions": "authorizationresources",
  "microsoft.resources/subscriptions": "resourcecontainers",
  "microsoft.network/firewallpolicies/rulecollectiongroups": "networkresources",
};

/** What one file contributed. */
export interface FileContent {
  readonly tables: [string, readonly unknown[]][];
  readonly coverage?: Coverage;
  readonly gaps: CoverageGap[];
  readonly diagnostics: Diagnostic[];
}

export class UnreadableInput extends Error {}

function tableOf(row: unknown): string {
  if (!isRecord(row)) return "resources";
  const type = ownValue(row, "type");
  const id = ownValue(row, "id");
  const lowerType =
    typeof type === "string" ? type.toLowerCase() : typeof id === "string" ? typeFromId(id) : undefined;
  if (lowerType === undefined && typeof ownValue(row, "changeId") === "string") return "resourcechanges";
  return (
    (lowerType !== undefined && Object.hasOwn(tableByType, lowerType) ? tableByType[lowerType] : undefined) ??
    "resources"
  );
}

function byType(rows: readonly unknown[]): [string, unknown[]][] {
  const tables = new Map<string, unknown[]>();
  for (const row of rows) {
    const table = tableOf(row);
    const list = tables.get(table);
    if (list === undefined) tables.set(table, [row]);
    else list.push(row);
  }
  return [...tables];
}

function empty(tables: [string, readonly unknown[]][]): FileContent {
  return { tables, gaps: [], diagnostics: [] };
}

/** Older ARG API versions answer in table format: `{ columns: [{ name }], rows: [[…]] }`. */
function tableFormatRows(data: Record<string, unknown>): unknown[] | undefined {
  const columns: unknown = ownValue(data, "columns");
  const rows: unknown = ownValue(data, "rows");
  if (!Array.isArray(columns) || !Array.isArray(rows)) return undefined;
  const names = (columns as unknown[]).map((column) =>
    isRecord(column) && typeof column.name === "string" ? column.name : "",
  );
  return (rows as unknown[]).map((row) =>
    Array.isArray(row)
      ? Object.fromEntries(names.map((name, index): [string, unknown] => [name, (row as unknown[])[index]]))
      : row,
  );
}

/** `{ data, $skipToken, resultTruncated }` from the ARG REST API or `az graph query`. */
function readGraphResponse(file: string, response: Record<string, unknown>): FileContent {
  const data = ownValue(response, "data");
  const rows = Array.isArray(data) ? data : isRecord(data) ? tableFormatRows(data) : undefined;
  if (rows === undefined) throw new UnreadableInput("has a `data` field that is not a list of rows");
  const content = empty(byType(rows));
  const truncated = ownValue(response, "resultTruncated");
  if (truncated === true || (typeof truncated === "string" && truncated.toLowerCase() === "true")) {
    const message = `${file}: Resource Graph truncated this result; narrow the query or page it with $skipToken, then export again`;
    content.gaps.push({ code: "resultTruncated", message });
    content.diagnostics.push({ level: "error", code: "resultTruncated", message, origin: file });
  }
  const skipToken = ownValue(response, "$skipToken") ?? ownValue(response, "skip_token");
  if (typeof skipToken === "string" && skipToken !== "") {
    // A folder of pages carries a token in every page but the last, so this alone is not a gap.
    const message = `${file}: holds one page of a paged result; pass the following pages too, or rows are missing`;
    content.diagnostics.push({ level: "warning", code: "partial-page", message, origin: file });
  }
  return content;
}

/** `{ resources: [...], networkresources: [...] }`, table names in any case. */
function readTableKeyed(value: Record<string, unknown>): FileContent | undefined {
  const tables: [string, readonly unknown[]][] = [];
  for (const key of Object.keys(value)) {
    const table = key.toLowerCase();
    if (!(argTables as readonly string[]).includes(table)) continue;
    const rows = ownValue(value, key);
    if (!Array.isArray(rows)) throw new UnreadableInput(`has a \`${key}\` table that is not a list of rows`);
    tables.push([table, rows]);
  }
  return tables.length > 0 ? empty(tables) : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];
}

function optionalString(record: Record<string, unknown>, key: string): { [k: string]: string } {
  const value = ownValue(record, key);
  return typeof value === "string" ? { [key]: value } : {};
}

function readScope(scope: Record<string, unknown>): CoverageScope {
  const subscriptions = ownValue(scope, "subscriptions");
  const managementGroups = ownValue(scope, "managementGroups");
  return {
    ...optionalString(scope, "tenantId"),
    ...optionalString(scope, "file"),
    ...(Array.isArray(subscriptions) ? { subscriptions: strings(subscriptions) } : {}),
    ...(Array.isArray(managementGroups) ? { managementGroups: strings(managementGroups) } : {}),
    ...delegatedSubscriptions(ownValue(scope, "delegatedSubscriptions")),
  };
}

/** An export's Lighthouse delegations, so a replayed snapshot says "delegated from" as the live scan did. */
function delegatedSubscriptions(value: unknown): Pick<CoverageScope, "delegatedSubscriptions"> {
  if (!Array.isArray(value)) return {};
  const delegated = value.filter(isRecord).flatMap((entry) => {
    const subscriptionId = ownValue(entry, "subscriptionId");
    const tenantId = ownValue(entry, "tenantId");
    return typeof subscriptionId === "string" && typeof tenantId === "string"
      ? [{ subscriptionId, tenantId }]
      : [];
  });
  return delegated.length > 0 ? { delegatedSubscriptions: delegated } : {};
}

function readGap(gap: Record<string, unknown>): CoverageGap {
  const scope = ownValue(gap, "scope");
  const code = ownValue(gap, "code");
  const message = ownValue(gap, "message");
  return {
    ...optionalString(gap, "tenantId"),
    ...optionalString(gap, "query"),
    ...(Array.isArray(scope) ? { scope: strings(scope) } : {}),
    code: typeof code === "string" ? code : "unknown",
    message: typeof message === "string" ? message : "gap recorded by the export",
  };
}

function readCoverage(coverage: unknown): Coverage {
  const parts = isRecord(coverage)
    ? [ownValue(coverage, "scopes"), ownValue(coverage, "gaps"), ownValue(coverage, "tables")]
    : [];
  const [scopes, gaps, tables] = parts;
  if (
    !isRecord(coverage) ||
    typeof coverage.complete !== "boolean" ||
    !Array.isArray(scopes) ||
    !Array.isArray(gaps) ||
    !Array.isArray(tables)
  ) {
    throw new UnreadableInput("is an aks-vnet-audit export without a valid `coverage`");
  }
  return {
    complete: coverage.complete,
    scopes: scopes.filter(isRecord).map(readScope),
    gaps: gaps.filter(isRecord).map(readGap),
    tables: strings(tables).map((table) => table.toLowerCase()),
  };
}

/** The tool's own `export` file (`SnapshotFile`). */
function readExport(value: Record<string, unknown>): FileContent {
  const version = ownValue(value, "schemaVersion");
  if (version !== 1)
    throw new UnreadableInput(
      `has schemaVersion ${describeValue(version)}; this version reads 1, export again`,
    );
  const tablesValue = ownValue(value, "tables");
  if (!isRecord(tablesValue)) throw new UnreadableInput("is an aks-vnet-audit export without `tables`");
  const content = readTableKeyed(tablesValue) ?? empty([]);
  return { ...content, coverage: readCoverage(ownValue(value, "coverage")) };
}

/**
 * One resource: an ARM GET body, `az … show -o json` (properties flattened to the top level; the normalizer
 * re-nests them), or one change record of the resource changes API.
 */
function isSingleResource(value: Record<string, unknown>): boolean {
  const id = ownValue(value, "id");
  return (typeof id === "string" && id.trim() !== "") || typeof ownValue(value, "changeId") === "string";
}

/**
 * A REST API specification example (`x-ms-examples`: `{ parameters, responses: { "200": { body } } }`): the
 * body of its first successful response. A PUT example carries the same resource under 200 and 201; one is enough.
 */
function exampleBody(value: Record<string, unknown>): unknown {
  const responses = ownValue(value, "responses");
  if (!isRecord(responses) || !isRecord(ownValue(value, "parameters"))) return undefined;
  for (const status of Object.keys(responses).sort()) {
    const response = ownValue(responses, status);
    if (/^2\d\d$/.test(status) && isRecord(response) && Object.hasOwn(response, "body")) return response.body;
  }
  return undefined;
}

/** `{ "error": { "code", "message" } }`: what ARM answers instead of a resource; worth naming as such. */
function armError(value: Record<string, unknown>): string | undefined {
  const error = ownValue(value, "error");
  if (!isRecord(error)) return undefined;
  const code = ownValue(error, "code");
  return typeof code === "string" ? code : "unknown";
}

export function classify(file: string, value: unknown, depth = 0): FileContent {
  if (Array.isArray(value)) return empty(byType(value));
  if (!isRecord(value)) throw new UnreadableInput(`holds ${describeValue(value)}, not rows`);
  if (ownValue(value, "kind") === "aks-vnet-audit-snapshot") return readExport(value);
  if (Object.hasOwn(value, "data")) return readGraphResponse(file, value);
  const armList = ownValue(value, "value");
  if (Array.isArray(armList)) return empty(byType(armList));
  // The resource changes API answers `{ changes: [...] }`.
  const changes = ownValue(value, "changes");
  if (Array.isArray(changes)) return empty(byType(changes));
  const keyed = readTableKeyed(value);
  if (keyed !== undefined) return keyed;
  if (isSingleResource(value)) return empty(byType([value]));
  const body = depth === 0 ? exampleBody(value) : undefined;
  if (body !== undefined) return classify(file, body, depth + 1);
  const error = armError(value);
  if (error !== undefined)
    throw new UnreadableInput(`is an Azure error response (${error}), not resources; run the command again`);
  throw new UnreadableInput(
    "is a JSON object but none of the accepted shapes (rows array, {data}, {value}, {resources…}, one resource with an id, export)",
  );
}

/** Where the reading of snapshot inputs says what it could not read. */
export interface InputReport {
  readonly gaps: CoverageGap[];
  readonly diagnostics: Diagnostic[];
}

export function unreadable(into: InputReport, path: string, error: unknown): void {
  const problem = error instanceof UnreadableInput ? error.message : `cannot be read (${String(error)})`;
  const advice = problem.includes("--input")
    ? ""
    : "; fix the file or export it again with `aks-vnet-audit export`";
  const message = `${path} ${problem}${advice}`.replace(/\s+/g, " ");
  into.diagnostics.push({ level: "error", code: "unreadable-input", message, origin: path });
  into.gaps.push({ code: "unreadable-input", message });
}
