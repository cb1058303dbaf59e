// Invariants of the rule registry (STYLE §3): ids unique and equal to file names, every rule tested and documented.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { severities } from "../../src/findings/result.ts";
import { catalogMarkdown } from "../../src/rules/catalog.ts";
import { rules } from "../../src/rules/index.ts";

const rulesFolder = new URL("../../src/rules/", import.meta.url);
const testsFolder = new URL("./", import.meta.url);
const infrastructure = new Set(["define.ts", "index.ts", "catalog.ts"]);
const ruleFiles = readdirSync(rulesFolder)
  .filter((file) => file.endsWith(".ts") && !infrastructure.has(file) && !file.startsWith("_"))
  .map((file) => file.replace(/\.ts$/, ""));

describe("rule registry", () => {
  it("registers every rule file exactly once, sorted by id", () => {
    const ids = rules.map((rule) => rule.meta.id);
    assert.deepEqual(ids, [...ruleFiles].sort());
    assert.deepEqual(ids, [...new Set(ids)].sort());
  });

  for (const rule of rules) {
    const { meta } = rule;
    it(`${meta.id}: default export of src/rules/${meta.id}.ts`, async () => {
      const module = (await import(new URL(`${meta.id}.ts`, rulesFolder).href)) as { default: unknown };
      assert.equal(module.default, rule);
    });
    it(`${meta.id}: complete metadata`, () => {
      assert.match(meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(severities.includes(meta.severity));
      for (const field of ["title", "resource", "rationale", "remediation"] as const) {
        assert.ok(meta[field].trim().length > 10, `${field} is written`);
      }
      assert.match(meta.docs, /^https:\/\/learn\.microsoft\.com\//);
      assert.match(meta.remediation, /\baz /, "remediation gives the az command");
    });
    it(`${meta.id}: has a test file`, () => {
      assert.ok(readFileSync(new URL(`${meta.id}.test.ts`, testsFolder), "utf8").includes(meta.id));
    });
  }

  it("docs/rules.md is generated from the current metadata (run `npm run docs:rules`)", () => {
    const committed = readFileSync(new URL("../../docs/rules.md", import.meta.url), "utf8");
    assert.equal(committed.trimEnd(), catalogMarkdown(rules.map((rule) => rule.meta)).trimEnd());
  });
});
