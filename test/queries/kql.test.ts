// Every .kql file parses with Microsoft's Kusto parser and uses only the tabular operators Resource Graph supports.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { queriesRoot } from "../../src/collect/queries.ts";
import { analyzeKql } from "./kusto-parser.ts";

/**
 * Resource Graph's supported tabular/top level operators, as documented at
 * https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language#supported-tabular-operators
 * (`order`/`sort`, `take`/`limit` are synonyms; `mvexpand` is the legacy spelling of `mv-expand`).
 */
const supportedOperators = new Set([
  "count",
  "distinct",
  "extend",
  "join",
  "limit",
  "mvexpand",
  "mv-expand",
  "order",
  "project",
  "project-away",
  "sort",
  "summarize",
  "take",
  "top",
  "union",
  "where",
]);
/** The same page: join flavors Resource Graph supports. */
const supportedJoinKinds = new Set(["innerunique", "inner", "leftouter", "fullouter"]);
/** `mv-expand` RowLimit: Resource Graph's maximum is 400, its default 128 (same page). */
const mvExpandLimit = 400;

interface QueryFile {
  readonly file: string;
  readonly text: string;
}

async function queryFiles(): Promise<QueryFile[]> {
  const entries = (await readdir(queriesRoot, { recursive: true })).filter((entry) => entry.endsWith(".kql"));
  return Promise.all(
    entries.sort().map(async (file) => ({ file, text: await readFile(new URL(file, queriesRoot), "utf8") })),
  );
}

/** Inventory queries and subscription discovery are paged with `$skipToken`; ad-hoc queries are not limited. */
function isPaged(file: string): boolean {
  return !file.startsWith("adhoc/");
}

/** Every reason a query is not one Resource Graph runs as we need it; empty when it is. */
function kqlProblems(file: string, text: string): string[] {
  const analysis = analyzeKql(text);
  const problems = analysis.diagnostics.map(
    (diagnostic) => `line ${diagnostic.line}: ${diagnostic.severity} ${diagnostic.message}`,
  );
  for (const [index, operator] of analysis.operators.entries()) {
    const operatorText = analysis.operatorTexts[index] ?? "";
    if (!supportedOperators.has(operator))
      problems.push(`${operator} is not a Resource Graph tabular operator`);
    if (operator === "join") {
      const kind = /\bkind\s*=\s*(\w+)/.exec(operatorText)?.[1] ?? "innerunique";
      if (!supportedJoinKinds.has(kind))
        problems.push(`join kind=${kind} is not supported by Resource Graph`);
    }
    if ((operator === "take" || operator === "limit") && isPaged(file))
      problems.push(`${operator} in a paged query turns paging off`);
    if (operator === "mv-expand" || operator === "mvexpand") {
      const limit = Number(/\blimit\s+(\d+)\s*$/.exec(operatorText)?.[1]);
      if (limit !== mvExpandLimit)
        problems.push(`${operator} without limit ${mvExpandLimit} stops at 128 items: ${operatorText}`);
      else if (!/^\/\/.*\b400/.test(text))
        problems.push(`${operator} limit 400: the first line must say what is cut beyond 400 items`);
    }
  }
  if (/\baddressPrefix\b/.test(text) && !/\baddressPrefixes\b/.test(text))
    problems.push("reads addressPrefix without addressPrefixes (subnets with several prefixes)");
  return problems;
}

const files = await queryFiles();

describe("KQL files", () => {
  it("finds the query files", () => {
    assert.ok(files.length >= 15);
  });

  for (const { file, text } of files) {
    it(`${file} parses and uses only what Resource Graph supports`, () => {
      assert.deepEqual(kqlProblems(file, text), []);
    });
  }
});

/** Deliberately broken queries: each must be caught, and by the reason given. */
const brokenQueries: readonly { name: string; file: string; kql: string; problem: RegExp }[] = [
  {
    name: "a misspelled operator",
    file: "clusters.kql",
    kql: "// x\nresources\n| where type =~ 'microsoft.containerservice/managedclusters'\n| projec id\n| order by id asc",
    problem: /line 4: Error/,
  },
  {
    name: "an unknown column",
    file: "clusters.kql",
    kql: "// x\nresources\n| project id, propertys\n| order by id asc",
    problem: /propertys/,
  },
  {
    name: "mv-apply, which Resource Graph does not run",
    file: "apiserver-private-endpoints.kql",
    kql: "// x\nresources\n| mv-apply c = properties.privateLinkServiceConnections on (where isnotnull(c) | take 1)\n| order by id asc",
    problem: /mv-apply is not a Resource Graph tabular operator/,
  },
  {
    name: "take in a paged inventory query",
    file: "clusters.kql",
    kql: "// x\nresources\n| take 10\n| order by id asc",
    problem: /take in a paged query turns paging off/,
  },
  {
    name: "mv-expand without a limit",
    file: "adhoc/x.kql",
    kql: "// x\nresources\n| mv-expand subnet = properties.subnets\n| project id",
    problem: /stops at 128 items/,
  },
  {
    name: "mv-expand limit 400 without the first line saying so",
    file: "adhoc/x.kql",
    kql: "// subnets\nresources\n| mv-expand subnet = properties.subnets limit 400\n| project id, p = subnet.properties.addressPrefixes",
    problem: /first line must say/,
  },
  {
    name: "addressPrefix without addressPrefixes",
    file: "adhoc/x.kql",
    kql: "// x\nresources\n| project id, p = properties.addressPrefix",
    problem: /addressPrefixes/,
  },
  {
    name: "a join flavor Resource Graph does not support",
    file: "adhoc/x.kql",
    kql: "// x\nresources\n| join kind=rightanti (resources | project id) on id",
    problem: /join kind=rightanti/,
  },
];

describe("the KQL check catches broken queries", () => {
  for (const broken of brokenQueries) {
    it(broken.name, () => {
      const problems = kqlProblems(broken.file, broken.kql);
      assert.ok(
        problems.some((problem) => broken.problem.test(problem)),
        problems.join("\n") || "(no problem found)",
      );
    });
  }
});
