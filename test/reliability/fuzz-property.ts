// The mutation-fuzz property of issue 11: whatever a mutation does to a real payload, no verdict changes unseen.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Diagnostic, Inventory } from "../../src/inventory/model.ts";
import { scanFiles, verdicts, type InProcessScan, type NothingRead } from "./in-process.ts";
import {
  applyMutation,
  enclosingIds,
  toJsonText,
  type Mutation,
  type MutationDraw,
  type RepeatedKey,
} from "./mutations.ts";

/** A scan input: one or more files of real payloads (the demo fleet is two). */
export interface FuzzInput {
  readonly name: string;
  readonly files: readonly { readonly name: string; readonly value: object }[];
}

/** Every file below `folder` but READMEs, so a payload someone adds is fuzzed too. */
export function payloadFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export function fuzzInput(name: string, files: readonly string[]): FuzzInput {
  return {
    name,
    files: files.map((file, index) => ({
      name: `${index}-${basename(file)}`,
      value: JSON.parse(readFileSync(file, "utf8")) as object,
    })),
  };
}

export interface FuzzCase {
  readonly input: FuzzInput;
  /** Which of the input's files is mutated (modulo their count). */
  readonly file: number;
  readonly draws: readonly MutationDraw[];
}

export type Plant = (inventory: Inventory) => Inventory;

type Scanned = InProcessScan | NothingRead;

/** Runs cases in one work folder: each input's files are written once, a case rewrites only its mutated file. */
export class FuzzHarness {
  private readonly baselines = new Map<FuzzInput, { folder: string; scanned: Scanned }>();
  private cases = 0;
  readonly folder: string;
  readonly plant: Plant | undefined;

  constructor(folder: string, plant?: Plant) {
    this.folder = folder;
    this.plant = plant;
  }

  /** The unmutated input, scanned by the real code (never the planted bug): what a mutation is compared with. */
  private async baseline(input: FuzzInput): Promise<{ folder: string; scanned: Scanned }> {
    const known = this.baselines.get(input);
    if (known) return known;
    const folder = join(this.folder, `base-${this.baselines.size}`);
    mkdirSync(folder, { recursive: true });
    for (const file of input.files) writeFileSync(join(folder, file.name), JSON.stringify(file.value));
    const scanned = await scanFiles(input.files.map((file) => join(folder, file.name)));
    const entry = { folder, scanned };
    this.baselines.set(input, entry);
    return entry;
  }

  /** The property's violations for one case; empty when it holds. */
  async check(fuzzCase: FuzzCase): Promise<string[]> {
    const { input, draws } = fuzzCase;
    const base = await this.baseline(input);
    const target = input.files[fuzzCase.file % input.files.length]!;
    const document = structuredClone(target.value);
    const repeated: RepeatedKey[] = [];
    const mutations = draws
      .map((draw) => applyMutation(document, target.value, draw, repeated))
      .filter((mutation) => mutation !== undefined);
    if (mutations.length === 0) return [];
    const folder = join(this.folder, `case-${this.cases++ % 2}`);
    mkdirSync(folder, { recursive: true });
    const mutatedFile = join(folder, target.name);
    writeFileSync(mutatedFile, toJsonText(document, repeated));
    const paths = input.files.map((file) => (file === target ? mutatedFile : join(base.folder, file.name)));
    let scanned: Scanned;
    try {
      scanned = await scanFiles(paths, this.plant);
    } catch (error) {
      return [`${describeCase(fuzzCase, target.name, mutations)}: the scan threw ${String(error)}`];
    }
    const touched = mutations.flatMap((mutation) => [
      ...enclosingIds(target.value, mutation.path),
      ...(mutation.renamed ? [mutation.renamed.to] : []),
    ]);
    return violations(base.scanned, scanned, mutations, touched, target.name).map(
      (violation) => `${describeCase(fuzzCase, target.name, mutations)}: ${violation}`,
    );
  }
}

function describeCase(fuzzCase: FuzzCase, file: string, mutations: readonly Mutation[]): string {
  return `${fuzzCase.input.name} (${file}) ${mutations.map((mutation) => mutation.description).join("; ")}`;
}

const stackTrace = /\n\s+at |\b(TypeError|ReferenceError|RangeError|SyntaxError): |Cannot read propert/;

function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Level, code, place and message, with the work folder left out (a case's file lives in another one). */
function diagnosticKey(diagnostic: Diagnostic): string {
  const message = diagnostic.message.replace(/[^\s"'`]*\/(?:base|case)-\d+\//g, "");
  return `${diagnostic.level} ${diagnostic.code} ${diagnostic.field ?? ""} ${diagnostic.resourceId ?? ""} ${diagnostic.count ?? 1} ${message}`;
}

/** Lower-cased resource ids a diagnostic names (its examples' too); `*` when it names rows it gives no id for. */
function namedBy(diagnostic: Diagnostic, mutatedFile: string): string[] {
  const ids = [diagnostic.resourceId, ...(diagnostic.examples ?? []).map((example) => example.resourceId)];
  const named = ids.filter((id) => id !== undefined).map((id) => id.toLowerCase());
  const inFile = diagnostic.origin !== undefined && basename(diagnostic.origin) === mutatedFile;
  const unnamedRows =
    (diagnostic.resourceId === undefined || (diagnostic.count ?? 1) > (diagnostic.examples?.length ?? 1)) &&
    (inFile || diagnostic.origin === undefined);
  return unnamedRows ? [...named, "*"] : named;
}

/**
 * The property: exit code 0–3, no stack trace, and every result whose status changed (or that appeared or went
 * away) is about a resource that a new diagnostic names, directly or through the resource the mutation touched.
 * When a mutation edited a string (`Mutation.stillValid`), only a fail that passes, stops applying or goes
 * away needs that diagnostic; when it states another fact (`Mutation.otherFact`), no verdict does. A fail that turns into a pass without one is reported as such.
 */
export function violations(
  baseline: Scanned,
  mutated: Scanned,
  mutations: readonly Mutation[],
  touched: readonly string[],
  mutatedFile: string,
): string[] {
  const found: string[] = [];
  if (![0, 1, 2, 3].includes(mutated.exitCode)) found.push(`exit code ${mutated.exitCode}`);
  if (mutated.run === undefined) return found;
  const texts = [
    ...mutated.run.diagnostics.map((diagnostic) => diagnostic.message),
    ...mutated.run.results.map((result) => result.message),
  ];
  const trace = texts.find((text) => stackTrace.test(text));
  if (trace !== undefined)
    found.push(`a stack trace or runtime error reached the output: ${trace.slice(0, 200)}`);
  const after = verdicts(mutated.run);
  const before = renamedVerdicts(baseline, mutations, after);
  const known = new Set((baseline.run?.diagnostics ?? []).map(diagnosticKey));
  const fresh = mutated.run.diagnostics.filter((diagnostic) => !known.has(diagnosticKey(diagnostic)));
  const names = fresh.flatMap((diagnostic) => namedBy(diagnostic, mutatedFile));
  const touchedIds = touched.map((id) => id.toLowerCase());
  const explained = (resourceId: string): boolean =>
    names.includes("*") ||
    names.some((name) => related(name, resourceId) || touchedIds.some((id) => related(name, id)));
  // Still-valid data may change verdicts for real; a fail may still not go quiet without a word.
  const onlyLostFails = mutations.some((mutation) => mutation.stillValid);
  if (mutations.some((mutation) => mutation.otherFact === true)) return found;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key);
    const now = after.get(key);
    if (was === now) continue;
    if (
      onlyLostFails &&
      !(was === "fail" && (now === undefined || now === "pass" || now === "not_applicable"))
    )
      continue;
    const [ruleId, resourceId = ""] = key.split(" ");
    if (explained(resourceId)) continue;
    const change = `${ruleId} on ${resourceId}: ${was ?? "absent"} → ${now ?? "absent"}`;
    found.push(
      was === "fail" && now === "pass"
        ? `fail turned to pass with no diagnostic: ${change}`
        : `verdict changed with no diagnostic naming the resource: ${change}`,
    );
  }
  return found;
}

/**
 * The baseline's verdicts with each renamed id replaced, so a resource that only changed its id is unchanged.
 * A rename no result carries (the edited id was a copy the reader does not use) is left out.
 */
function renamedVerdicts(
  baseline: Scanned,
  mutations: readonly Mutation[],
  after: ReadonlyMap<string, string>,
): Map<string, string> {
  const original = baseline.run ? verdicts(baseline.run) : new Map<string, string>();
  const afterKeys = [...after.keys()];
  const renames = mutations
    .map((mutation) => mutation.renamed)
    .filter((renamed) => renamed !== undefined)
    .map(({ from, to }) => [from.toLowerCase(), to.toLowerCase()] as const)
    .filter(([, to]) => afterKeys.some((key) => key.includes(` ${to}`)));
  if (renames.length === 0) return original;
  const renamed = new Map<string, string>();
  for (const [key, status] of original) {
    let next = key;
    for (const [from, to] of renames) next = next.split(from).join(to);
    renamed.set(next, status);
  }
  return renamed;
}
