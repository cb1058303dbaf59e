// Loads the `.kql` files under `queries/`: inventory queries, ad-hoc queries and the subscription discovery query.
import { readdir, readFile } from "node:fs/promises";
import { CollectOptionError } from "./errors.ts";

/** A named KQL query and the ARG table it reads (its first table name). */
export interface GraphQuery {
  /** File name without `.kql`, e.g. `clusters`. */
  readonly name: string;
  readonly table: string;
  readonly kql: string;
  /**
   * Sent with queries of `authorizationresources`: by default Resource Graph returns only authorization resources at
   * or below the requested scopes, so an assignment inherited from a management group or the root would be missing.
   */
  readonly authorizationScopeFilter?: "AtScopeAboveAndBelow";
}

export const queriesRoot = new URL("../../queries/", import.meta.url);
const adhocRoot = new URL("adhoc/", queriesRoot);
const subscriptionsQueryUrl = new URL("scopes/subscriptions.kql", queriesRoot);

/** The ARG table a query reads: the first word of its first line that is not a comment. */
export function tableOf(kql: string): string {
  const firstStatement = kql
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "" && !line.startsWith("//"));
  const table = /^[A-Za-z_][A-Za-z0-9_]*/.exec(firstStatement ?? "")?.[0];
  if (table === undefined) throw new CollectOptionError("KQL text does not start with a table name");
  return table.toLowerCase();
}

export function graphQuery(name: string, kql: string): GraphQuery {
  const table = tableOf(kql);
  return {
    name,
    table,
    kql,
    ...(table === "authorizationresources" ? { authorizationScopeFilter: "AtScopeAboveAndBelow" } : {}),
  };
}

async function readQuery(folder: URL, name: string): Promise<GraphQuery> {
  return graphQuery(name, await readFile(new URL(`${name}.kql`, folder), "utf8"));
}

async function queryNames(folder: URL): Promise<string[]> {
  const files = await readdir(folder);
  return files
    .filter((file) => file.endsWith(".kql"))
    .map((file) => file.slice(0, -".kql".length))
    .sort();
}

/** Every inventory query (`queries/*.kql`), sorted by name so runs are reproducible. */
export async function loadInventoryQueries(): Promise<GraphQuery[]> {
  const names = await queryNames(queriesRoot);
  return Promise.all(names.map((name) => readQuery(queriesRoot, name)));
}

export async function listAdhocQueries(): Promise<string[]> {
  return queryNames(adhocRoot);
}

/** `queries/adhoc/NAME.kql`; an unknown name is a usage error that lists the known ones. */
export async function loadAdhocQuery(name: string): Promise<GraphQuery> {
  const known = await listAdhocQueries();
  if (!known.includes(name)) {
    throw new CollectOptionError(
      `Unknown query "${name}". Known queries: ${known.join(", ")}; or pass --kql TEXT.`,
    );
  }
  return readQuery(adhocRoot, name);
}

export async function loadSubscriptionsQuery(): Promise<GraphQuery> {
  return graphQuery("subscriptions", await readFile(subscriptionsQueryUrl, "utf8"));
}
