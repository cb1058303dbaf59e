// Microsoft's Kusto parser (@kusto/language-service-next) over a schema of the Resource Graph tables.
import { createRequire } from "node:module";
import { argTables } from "../../src/collect/snapshot-shapes.ts";

/** The few members of the Bridge.NET build that the test reads. */
interface SyntaxElement {
  GetFirstToken(): { Text: string };
  TextStart: number;
  Width: number;
}
interface KustoLanguage {
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: string) => unknown };
    DatabaseSymbol: {
      $ctor2: new (name: string, alternateName: string | null, members: unknown[]) => unknown;
    };
  };
  GlobalState: { Default: { WithDatabase(database: unknown): unknown } };
  KustoCode: {
    ParseAndAnalyze(
      text: string,
      globals: unknown,
    ): {
      GetDiagnostics(): {
        Count: number;
        getItem(index: number): { Severity: string; Message: string; Start: number };
      };
      Syntax: { WalkElements(visit: (element: SyntaxElement) => void): void };
    };
  };
  Syntax: { QueryOperator: unknown; JoinOperator: unknown };
}

const require = createRequire(import.meta.url);
require("@kusto/language-service-next/bridge.min.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
const globalScope = globalThis as unknown as {
  Kusto: { Language: KustoLanguage };
  Bridge: { is(value: unknown, type: unknown): boolean };
};
const kusto = globalScope.Kusto.Language;

/**
 * Every Resource Graph table shares the ARM resource columns
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language#resource-graph-tables).
 */
const armColumns =
  "(id:string, name:string, type:string, tenantId:string, ['kind']:string, location:string, resourceGroup:string, " +
  "subscriptionId:string, managedBy:string, sku:dynamic, plan:dynamic, properties:dynamic, tags:dynamic, " +
  "identity:dynamic, zones:dynamic, extendedLocation:dynamic)";

// The tables our queries read are the ARG tables the snapshot reader knows (KQL table names are case-sensitive).

const globals = kusto.GlobalState.Default.WithDatabase(
  new kusto.Symbols.DatabaseSymbol.$ctor2(
    "arg",
    null,
    argTables.map((table) => new kusto.Symbols.TableSymbol.$ctor7(table, armColumns, "")),
  ),
);

export interface KqlAnalysis {
  readonly diagnostics: readonly {
    readonly severity: string;
    readonly message: string;
    readonly line: number;
  }[];
  /** The first word of every tabular operator, nested ones included: `where`, `mv-expand`, `join`… */
  readonly operators: readonly string[];
  /** Each operator's text, to check its options (`kind=`, `limit`). */
  readonly operatorTexts: readonly string[];
}

export function analyzeKql(text: string): KqlAnalysis {
  const code = kusto.KustoCode.ParseAndAnalyze(text, globals);
  const found = code.GetDiagnostics();
  const diagnostics = [];
  for (let index = 0; index < found.Count; index++) {
    const diagnostic = found.getItem(index);
    diagnostics.push({
      severity: diagnostic.Severity,
      message: diagnostic.Message,
      line: text.slice(0, diagnostic.Start).split("\n").length,
    });
  }
  const operators: string[] = [];
  const operatorTexts: string[] = [];
  code.Syntax.WalkElements((element) => {
    if (!globalScope.Bridge.is(element, kusto.Syntax.QueryOperator)) return;
    operators.push(element.GetFirstToken().Text);
    operatorTexts.push(text.slice(element.TextStart, element.TextStart + element.Width));
  });
  return { diagnostics, operators, operatorTexts };
}
