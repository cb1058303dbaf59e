// The few KQL parts of queries/*.kql the simulator honours: the first table, `type =~ '…'`, `type in~ (…)` and `name =~ '…'`.
export interface RowFilter {
  readonly table: string;
  /** Lower-case types the query keeps; undefined keeps every type. */
  readonly types: ReadonlySet<string> | undefined;
  /** Lower-case name the query keeps, from `name =~ '…'`. */
  readonly name: string | undefined;
}

function quotedList(text: string): string[] {
  return [...text.matchAll(/'([^']*)'/g)].map((match) => (match[1] ?? "").toLowerCase());
}

/** Only the query's first pipeline counts: a `join` sub-query's filters belong to the other side. */
export function rowFilter(kql: string): RowFilter {
  const statements = kql
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("//"));
  const table = /^[A-Za-z_]\w*/.exec(statements[0] ?? "")?.[0]?.toLowerCase() ?? "";
  const outer = statements.join("\n").split(/\|\s*join\b/)[0] ?? "";
  const single = /\|\s*where\s+type\s*=~\s*'([^']*)'/.exec(outer)?.[1];
  const list = /\|\s*where\s+type\s+in~\s*\(([^)]*)\)/.exec(outer)?.[1];
  const types =
    single !== undefined ? [single.toLowerCase()] : list !== undefined ? quotedList(list) : undefined;
  const name = /\|\s*where\s+name\s*=~\s*'([^']*)'/.exec(outer)?.[1]?.toLowerCase();
  return { table, types: types && new Set(types), name };
}

export function matches(filter: RowFilter, row: Readonly<Record<string, unknown>>): boolean {
  if (filter.types && !(typeof row.type === "string" && filter.types.has(row.type.toLowerCase())))
    return false;
  if (filter.name !== undefined && !(typeof row.name === "string" && row.name.toLowerCase() === filter.name))
    return false;
  return true;
}
