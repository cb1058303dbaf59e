// schema/findings.schema.json: the demo scan's findings.json validates, broken documents do not, enums match the code.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { sourceKinds } from "../../src/collect/source.ts";
import { diffStates, resultStatuses, severities } from "../../src/findings/result.ts";
import { diagnosticLevels } from "../../src/inventory/model.ts";
import { readDemoFindings, scanDemo } from "./demo-scan.ts";
import { sampleRun } from "./sample-run.ts";

interface JsonSchema {
  readonly $defs: Readonly<Record<string, { readonly enum?: readonly string[] }>>;
}

const schema = JSON.parse(
  readFileSync(new URL("../../schema/findings.schema.json", import.meta.url), "utf8"),
) as JsonSchema;

function compile(): ValidateFunction {
  // Strict mode rejects unknown keywords, so a typo in the schema fails here rather than being ignored.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat("date-time", { type: "string", validate: (text: string) => !Number.isNaN(Date.parse(text)) });
  return ajv.compile(schema);
}

const validate = compile();

function errorsOf(document: unknown): string {
  return validate(document) ? "" : JSON.stringify(validate.errors);
}

/** Deletes the field instead of setting it. */
const remove = Symbol("remove");
type Path = readonly (string | number)[];

/** A deep copy of `document` with one field at `path` set to `value` (or removed), so each case breaks one thing. */
function broken(document: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(document);
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], copy);
  const field = path.at(-1)!;
  if (value === remove) Reflect.deleteProperty(parent as object, field);
  else (parent as Record<string, unknown>)[field] = value;
  return copy;
}

describe("findings.schema.json", () => {
  let demo: Record<string, unknown>;
  before(async () => {
    demo = await readDemoFindings(await scanDemo());
  });

  it("accepts the demo scan's findings.json", () => {
    assert.equal(errorsOf(demo), "");
    assert.ok((demo.results as unknown[]).length > 0);
  });

  it("accepts the hand-built sample run, suppression and resolved list included", () => {
    assert.equal(errorsOf(JSON.parse(JSON.stringify(sampleRun()))), "");
  });

  const cases: readonly [name: string, path: Path, value: unknown, expected: RegExp][] = [
    ["a result without ruleId", ["results", 0, "ruleId"], remove, /ruleId/],
    ["a result with an unknown status", ["results", 0, "status"], "failed", /allowedValues/],
    ["a result with an unknown severity", ["results", 0, "severity"], "severe", /allowedValues/],
    ["a result with an unknown diff state", ["results", 0, "diff"], "gone", /allowedValues/],
    ["a result with an extra field", ["results", 0, "owner"], "me", /additionalProperties/],
    ["a suppression without owner", ["results", 0, "suppression"], { reason: "x" }, /owner/],
    ["an extra top-level key", ["extra"], true, /additionalProperties/],
    ["schemaVersion 2", ["schemaVersion"], 2, /const/],
    ["a missing coverage", ["coverage"], remove, /coverage/],
    ["bySeverity without info", ["summary", "bySeverity", "info"], remove, /info/],
    ["byStatus with an unknown status", ["summary", "byStatus", "ok"], 1, /propertyNames/],
    ["a negative count", ["summary", "clusters"], -1, /minimum/],
    ["a diagnostic with an unknown level", ["diagnostics", 0, "level"], "fatal", /allowedValues/],
    ["a cluster with an unknown subnet mode", ["clusters", 0, "apiServerSubnetMode"], "own", /allowedValues/],
    ["a startedAt that is not a time", ["run", "startedAt"], "yesterday", /date-time/],
  ];
  for (const [name, path, value, expected] of cases) {
    it(`rejects ${name}`, () => {
      assert.match(errorsOf(broken(demo, path, value)), expected);
    });
  }

  const enums: readonly [string, readonly string[]][] = [
    ["severity", severities],
    ["status", resultStatuses],
    ["diffState", diffStates],
    ["sourceKind", sourceKinds],
    ["diagnosticLevel", diagnosticLevels],
  ];
  for (const [name, values] of enums) {
    it(`lists the same ${name} values as the code`, () => {
      assert.deepEqual(schema.$defs[name]?.enum, values);
    });
  }
});
