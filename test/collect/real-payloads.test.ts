// Every real payload we keep (test/fixtures/ and the shared ARM examples) reads through `scan --input` with no error.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import { normalize } from "../../src/inventory/normalize.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
// CI checks the shared folder out beside the clone.
const armExamples = fileURLToPath(new URL("../../../shared/fixtures/arm-examples/", import.meta.url));

/** Every file below `folder` except READMEs, so that a fixture another test adds is read here too. */
function filesBelow(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== "README.md")
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const files = [...filesBelow(fixtures), ...filesBelow(armExamples)];

test("both fixture folders hold payloads", () => {
  assert.ok(filesBelow(fixtures).length >= 6, "test/fixtures/ lost its payloads");
  assert.ok(filesBelow(armExamples).length >= 20, `expected the shared ARM examples in ${armExamples}`);
});

for (const file of files) {
  test(`reads ${relative(join(fixtures, "..", ".."), file)} with no error diagnostic`, async () => {
    const collected = await readSnapshot([file]);
    const inventory = normalize(collected.rows, { tables: collected.coverage.tables });
    const errors = [...collected.diagnostics, ...inventory.diagnostics].filter(
      (diagnostic) => diagnostic.level === "error",
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(collected.coverage.gaps, []);
    assert.ok(collected.rows.length > 0, "no rows read");
  });
}

test("every JSON file under test/fixtures/ is named in a README there", () => {
  const readmes = readdirSync(fixtures, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name === "README.md")
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"))
    .join("\n");
  const unnamed = filesBelow(fixtures)
    .filter((file) => /\.(json|ya?ml)$/i.test(file))
    .map((file) => relative(fixtures, file).split("\\").join("/"))
    .filter((path) => !readmes.includes(path) && !readmes.includes(path.split("/").at(-1)!));
  assert.deepEqual(unnamed, []);
});
