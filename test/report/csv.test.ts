// Tests for CSV output: RFC 4180 quoting, formula escaping, CRLF, the byte-order mark and the columns.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify as stringifySync } from "csv-stringify/sync";
import {
  csvCell,
  csvChunks,
  csvFileOptions,
  csvText,
  clustersTable,
  findingsTable,
  plansTable,
  renderClustersCsv,
  renderFindingsCsv,
  renderPlansCsv,
  type CsvTable,
  type CsvValue,
} from "../../src/report/csv.ts";
import { buildReportView } from "../../src/report/view-model.ts";
import type { RunRecord } from "../../src/findings/run.ts";
import {
  hostileScript,
  makeResult,
  sampleRules,
  sampleRun,
  subscriptionBatch,
  subscriptionProd,
  tenantOne,
} from "./sample-run.ts";
import { hostilePlanClusterName, planRun } from "./sample-plan.ts";

/** A strict RFC 4180 reader, so the tests check what a spreadsheet would see rather than our own strings. */
function parseCsv(text: string): string[][] {
  assert.ok(text.startsWith("\uFEFF"), "starts with a byte-order mark");
  assert.ok(text.endsWith("\r\n"), "ends with CRLF");
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let index = 1;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '"' && cell === "") {
      let end = index + 1;
      for (;;) {
        end = text.indexOf('"', end);
        if (text[end + 1] === '"') end += 2;
        else break;
      }
      cell = text.slice(index + 1, end).replaceAll('""', '"');
      index = end + 1;
    } else if (character === ",") {
      row.push(cell);
      cell = "";
      index += 1;
    } else if (text.startsWith("\r\n", index)) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      index += 2;
    } else {
      assert.ok(
        character !== "\n" && character !== "\r" && character !== '"',
        `bare ${JSON.stringify(character)} at ${index}`,
      );
      cell += character;
      index += 1;
    }
  }
  return rows;
}

describe("csvCell", () => {
  const cases: [input: string | number | boolean, expected: string][] = [
    ["plain", "plain"],
    [42, "42"],
    [true, "true"],
    ["", ""],
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ["+1", "'+1"],
    ["-2", "'-2"],
    ["@x", "'@x"],
    // A lone carriage return is shown visibly (control-characters.ts); only CRLF stays a line break.
    ["\rcmd", "\\u000dcmd"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line one\r\nline two", '"line one\r\nline two"'],
    ["line one\nline two", '"line one\nline two"'],
    ["a=1", "a=1"],
    ["10.0.0.0/28", "10.0.0.0/28"],
  ];
  for (const [input, expected] of cases) {
    it(`writes ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
      assert.equal(csvCell(input), expected);
    });
  }
});

describe("csvChunks", () => {
  const hostileRows: (readonly CsvValue[])[] = [
    ["=1+1", 'say "hi"', true],
    ["line one\r\nline two", "a,b", 0],
    ["\u001b[2J", "", false],
    ["-2", "lone\nline feed", 3.5],
    ["plain", "@x", true],
  ];
  const tableOf = (rows: readonly (readonly CsvValue[])[]): CsvTable<readonly CsvValue[]> => ({
    columns: ["formula", "text", "value"],
    rows,
    cells: (row) => row,
  });
  for (const count of [0, 1, 2, 5])
    for (const perPiece of [1, 2, 3]) {
      it(`${String(count)} rows, ${String(perPiece)} a piece: the bytes of one call over all rows`, () => {
        const table = tableOf(hostileRows.slice(0, count));
        const pieces = [...csvChunks(table, perPiece)];
        assert.equal(pieces.join(""), [...csvChunks(table, Number.POSITIVE_INFINITY)].join(""));
        assert.equal(pieces.length, Math.max(1, Math.ceil(count / perPiece)));
        assert.ok(pieces[0]?.startsWith("\uFEFFformula,text,value\r\n"), "the first piece has the header");
        assert.ok(
          pieces.slice(1).every((piece) => !piece.includes("\uFEFF") && !piece.includes("formula,text")),
          "no later piece repeats the byte-order mark or the header",
        );
      });
    }
});

describe("csvChunks against one csv-stringify call (property)", () => {
  const unit = fc.constantFrom(
    "a",
    "Z",
    " ",
    ",",
    '"',
    "'",
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\u0000",
    "\u001b",
    "\u0085",
    "é",
    "😀",
    "\uff1d",
  );
  const text = fc.array(unit, { maxLength: 8 }).map((units) => units.join(""));
  // Few distinct values, so cells repeat within a piece as a fleet's do; numbers include negatives and -0.
  const value: fc.Arbitrary<CsvValue> = fc.oneof(
    text,
    fc.constantFrom("", "fail", "-1", "=SUM(A1)", "line\r\nbreak"),
    fc.constantFrom(-1, 0, -0, 3.5, Number.NaN),
    fc.boolean(),
  );
  const columns = ["a", "b", "c"];
  // Rows narrower and wider than the header too: csv-stringify cuts a record to the columns and pads nothing.
  const rows = fc.array(fc.array(value, { maxLength: 4 }), { maxLength: 12 });
  it("joins to the bytes csv-stringify writes for all rows at once, whatever the piece size", () => {
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 5 }), (records, perPiece) => {
        const table: CsvTable<readonly CsvValue[]> = { columns, rows: records, cells: (row) => row };
        const pieces = [...csvChunks(table, perPiece)];
        assert.equal(pieces.join(""), stringifySync(records, csvFileOptions(columns)));
        assert.equal(pieces.length, Math.max(1, Math.ceil(records.length / perPiece)));
      }),
      { numRuns: 1500 },
    );
  });
});

describe("the report's tables, whose texts the view has shown", () => {
  // Control characters in every kind of text the tables read: names, messages, ids, plan commands.
  const controls = "\\u0000\\u0007\\u0085\\u001b[2J\\r \\t\\r\\n";
  const withControls = (run: RunRecord, word: string): RunRecord =>
    JSON.parse(JSON.stringify(run).replaceAll(word, `${word}${controls}`)) as RunRecord;
  const tables = [findingsTable, clustersTable, plansTable];
  const runs: [string, RunRecord, typeof tables][] = [
    ["the sample run", withControls(sampleRun(), "prod"), [findingsTable, clustersTable]],
    ["a run with a plan", withControls(planRun(), "rm -rf"), tables],
  ];
  for (const [name, run, tablesOf] of runs) {
    const view = buildReportView(run, { rules: sampleRules, showAll: true });
    for (const tableOf of tablesOf) {
      const table = tableOf(view) as CsvTable<unknown>;
      it(`${name}: ${table.columns[0] ?? ""}… written as the cast would write it`, () => {
        const text = csvText(table);
        assert.equal(text, csvText({ ...table, shown: false }));
        assert.ok(text.includes("\\u001b"), "the table holds a shown control character");
      });
    }
  }
});

describe("csvCell with control characters", () => {
  // Control characters go through control-characters.ts first; none reaches the file raw, and what is left of
  // a cell that started with one is formula-escaped as any other.
  for (const input of ["\tcmd", "\u0007bell", "\u001b[31mred", "\u0085next"]) {
    it(`writes ${JSON.stringify(input)} without a raw control character`, () => {
      const cell = csvCell(input);
      assert.doesNotMatch(cell, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
      assert.ok(!cell.startsWith("\t"));
    });
  }
});

describe("renderFindingsCsv", () => {
  const hostileRun = sampleRun({
    results: [
      makeResult({
        ruleId: "cluster-not-vnet-integrated",
        resourceId: "/subscriptions/x/providers/Microsoft.ContainerService/managedClusters/a,b",
        detail: '=HYPERLINK("http://evil.example","click")',
        message: 'first line\r\nsecond, with "quotes"',
        remediation: "-2+3",
      }),
      makeResult({ ruleId: "node-subnet-ip-exhaustion", resourceId: "@x", status: "pass", message: "+1" }),
    ],
  });

  it("round-trips hostile cells through an RFC 4180 reader with formulas neutralised", () => {
    const rows = parseCsv(
      renderFindingsCsv(buildReportView(hostileRun, { rules: sampleRules, showAll: true })),
    );
    assert.deepEqual(rows[0], [
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
    ]);
    assert.deepEqual(rows[1]?.slice(3, 8), [
      "/subscriptions/x/providers/Microsoft.ContainerService/managedClusters/a,b",
      "microsoft.containerservice/managedclusters",
      `'=HYPERLINK("http://evil.example","click")`,
      'first line\r\nsecond, with "quotes"',
      "'-2+3",
    ]);
    assert.deepEqual([rows[2]?.[3], rows[2]?.[6]], ["'@x", "'+1"]);
    assert.ok(rows.every((row) => row.length === 14));
    // Names beside ids: the sample names tenant one and the production subscription.
    assert.deepEqual(rows[1].slice(8, 12), [tenantOne, "Contoso", subscriptionProd, "Contoso Production"]);
  });

  const countCases: [showAll: boolean, rows: number][] = [
    [false, 7],
    [true, 9],
  ];
  for (const [showAll, expected] of countCases) {
    it(`writes ${expected} rows ${showAll ? "with" : "without"} showAll`, () => {
      const rows = parseCsv(renderFindingsCsv(buildReportView(sampleRun(), { rules: sampleRules, showAll })));
      assert.equal(rows.length - 1, expected);
      assert.equal(
        rows.some((row) => row[1] === "pass"),
        showAll,
      );
    });
  }
});

describe("renderClustersCsv", () => {
  it("writes one row a cluster with the posture columns", () => {
    const rows = parseCsv(renderClustersCsv(buildReportView(sampleRun(), { rules: sampleRules })));
    assert.deepEqual(rows[0], [
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
    ]);
    assert.equal(rows.length, 5);
    const hostile = rows.find((row) => row[1] === hostileScript);
    assert.deepEqual(hostile?.slice(7, 14), [
      "eastus",
      "Base",
      "Standard",
      "1.31.2",
      "false",
      "ready",
      "none",
    ]);
    const batch = rows.find((row) => row[1] === "aks-batch");
    assert.deepEqual(batch?.slice(2, 6), [tenantOne, "Contoso", subscriptionBatch, "Contoso Batch"]);
    assert.equal(batch[8], "Automatic");
  });
});

describe("renderPlansCsv", () => {
  const [header, ...rows] = parseCsv(renderPlansCsv(buildReportView(planRun(), { rules: sampleRules })));
  const cell = (row: readonly string[] | undefined, column: string): string | undefined =>
    row?.[header?.indexOf(column) ?? -1];

  it("has one row a plan, with the plan columns", () => {
    assert.deepEqual(header, [
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
    ]);
    assert.equal(rows.length, 1);
  });

  const cases: [column: string, expected: string][] = [
    ["clusterName", `'${hostilePlanClusterName}`],
    ["readiness", "needs-apiserver-subnet"],
    ["apiServerSubnetAction", "create"],
    ["apiServerSubnetPrefix", "10.0.1.0/28"],
    ["pinnedRules", "0"],
    ["surgeRoom", "ok"],
  ];
  for (const [column, expected] of cases) {
    it(`writes ${column} as ${expected}`, () => {
      assert.equal(cell(rows[0], column), expected);
    });
  }

  it("puts each command, role and NSG rule on its own line", () => {
    const commands = cell(rows[0], "commands")?.split("\n") ?? [];
    assert.deepEqual(
      commands.map((command) => command.split(" --")[0]),
      [
        "az network vnet subnet create",
        "az role assignment create",
        "az role assignment create",
        "az aks update",
        "az aks stop",
        "az aks start",
      ],
    );
    assert.ok(commands[3]?.includes(`--name '=x'\\''; rm -rf /<b onmouseover=alert(1)>'`));
    assert.equal(cell(rows[0], "roleAssignmentsNeeded")?.split("\n").length, 2);
    assert.match(
      cell(rows[0], "nsgRulesToAdd") ?? "",
      /^nsg-nodes: Outbound Tcp 10\.0\.0\.0\/24 -> 10\.0\.1\.0\/28 port 443, 4443$/,
    );
  });
});
