// Seeded mutations of real JSON payloads for the mutation-fuzz test: each names its path, so a failure reproduces.
import fc from "fast-check";

export type JsonPath = readonly (string | number)[];

export const mutationKinds = [
  "type-confusion",
  "delete-field",
  "null-in-list",
  "huge-array",
  "unicode",
  "duplicate-id",
  "duplicate-key",
] as const;
export type MutationKind = (typeof mutationKinds)[number];

/** What fast-check draws: numbers only, resolved against a document, so shrinking stays meaningful. */
export interface MutationDraw {
  readonly kind: MutationKind;
  readonly pick: number;
  readonly variant: number;
}

export const mutationDraw: fc.Arbitrary<MutationDraw> = fc.record({
  kind: fc.constantFrom(...mutationKinds),
  pick: fc.nat(),
  variant: fc.nat(),
});

/** One mutation resolved against a document, in words a failure message can print. */
export interface Mutation {
  readonly kind: MutationKind;
  readonly path: JsonPath;
  readonly description: string;
  /**
   * A string was edited (unicode) and the input may still be valid ARM data: verdicts may change for real, but
   * a fail may not vanish unseen. Every other mutation breaks the payload: no verdict may change unseen.
   */
  readonly stillValid: boolean;
  /**
   * The input states another fact, validly: an optional field with a documented meaning when absent was
   * deleted or nulled, or an ARM id or reference now names another resource (a pool in another subnet, a
   * private endpoint of another cluster). Any verdict may change; only crashes, exit codes and traces count.
   */
  readonly otherFact?: boolean;
  /** Set when the mutation changed the `id` of an object: its results move to the new id. */
  readonly renamed?: { readonly from: string; readonly to: string };
}

/** A key repeated in the JSON text of an object (JSON.parse keeps only the last; our reader must not). */
export interface RepeatedKey {
  readonly path: JsonPath;
  readonly key: string;
  readonly value: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface PathIndex {
  readonly all: JsonPath[];
  readonly keys: JsonPath[];
  readonly arrays: JsonPath[];
  readonly elements: JsonPath[];
  readonly strings: JsonPath[];
  readonly withId: JsonPath[];
  readonly objects: JsonPath[];
}

const indexes = new WeakMap<object, PathIndex>();

/** Every path of a document, by what each mutation kind can act on; computed once per document. */
function pathIndex(document: object): PathIndex {
  const cached = indexes.get(document);
  if (cached) return cached;
  const index: PathIndex = {
    all: [],
    keys: [],
    arrays: [],
    elements: [],
    strings: [],
    withId: [],
    objects: [],
  };
  const walk = (value: unknown, path: JsonPath, inArray: boolean): void => {
    if (path.length > 0) index.all.push(path);
    if (typeof value === "string") index.strings.push(path);
    if (inArray) index.elements.push(path);
    if (Array.isArray(value)) {
      index.arrays.push(path);
      value.forEach((element, position) => {
        walk(element, [...path, position], true);
      });
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      if (entries.length > 0) index.objects.push(path);
      if (inArray && typeof (value as { id?: unknown }).id === "string") index.withId.push(path);
      for (const [key, child] of entries) {
        index.keys.push([...path, key]);
        walk(child, [...path, key], false);
      }
    }
  };
  walk(document, [], false);
  indexes.set(document, index);
  return index;
}

function at(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function parentOf(value: unknown, path: JsonPath): Record<string | number, unknown> | undefined {
  const parent = at(value, path.slice(0, -1));
  return parent !== null && typeof parent === "object"
    ? (parent as Record<string | number, unknown>)
    : undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

/** Values of every JSON type; type confusion takes the first whose type differs from the original's. */
const confusions: readonly Json[] = [
  null,
  0,
  -1,
  1.5,
  "",
  "true",
  "10.0.0.0/24",
  true,
  false,
  [],
  [null],
  {},
  { id: 7 },
];

const unicodeEdits: readonly ((text: string) => string)[] = [
  (text) => text.toUpperCase(),
  (text) => text.toLowerCase(),
  (text) => `${text}\u200b`,
  (text) => `\u202e${text}`,
  (text) => `${text}\ud800`,
  (text) => `${text}e\u0301`.normalize("NFD"),
  (text) => `${text}\u0000\u001b[2J\u0007`,
  (text) => `\ufeff${text}`,
  (text) => `${text}\u{1f600}`,
  (text) => `${text}\u0130`,
  () => "",
  (text) => `${text}${"\u00e9".repeat(50_000)}`,
];

/**
 * Fields whose absence Azure documents, as path endings: deleting one states another fact, it loses none.
 * `vnetSubnetID`: no BYO subnet means the AKS-managed VNet; `enableVnetIntegration`, `enablePrivateCluster*`:
 * false; `sku.name`: Standard (AKS Automatic only when it says `Automatic`); `managementGroupAncestorsChain`:
 * an ARM GET of a subscription has none; `tags`: no rule reads them; `apiServerAccessProfile`: all of its
 * fields at their defaults; `delegations`: a subnet body without them has none; `ipFamilies`: IPv4 only.
 */
const optionalFields: readonly (readonly string[])[] = [
  ["vnetSubnetID"],
  ["vnetSubnetId"],
  ["podSubnetID"],
  ["enableVnetIntegration"],
  ["enablePrivateCluster"],
  ["enablePrivateClusterPublicFQDN"],
  ["sku", "name"],
  ["managementGroupAncestorsChain"],
  ["tags"],
  ["apiServerAccessProfile"],
  ["delegations"],
  ["ipFamilies"],
];

function isOptional(path: JsonPath): boolean {
  return optionalFields.some((ending) =>
    ending.every((key, index) => path.at(index - ending.length) === key),
  );
}

const hugeLengths = [1_000, 5_000, 20_000] as const;

function isArmId(text: string): boolean {
  return /^\/(subscriptions|providers)\//i.test(text);
}

function pick<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

/** The id of the nearest object at or above `path` that has one: the resource a mutation touched. */
export function enclosingIds(document: unknown, path: JsonPath): string[] {
  const ids: string[] = [];
  for (let length = path.length; length >= 0; length--) {
    const id = (at(document, path.slice(0, length)) as { id?: unknown } | null)?.id;
    if (typeof id === "string") ids.push(id);
  }
  return ids;
}

/**
 * Applies one draw to `document` in place and says what it did; `undefined` when the document has nothing
 * of that kind (a document without arrays has no list to put null in). `repeated` collects keys to repeat
 * when the document is written out.
 */
export function applyMutation(
  document: object,
  original: object,
  draw: MutationDraw,
  repeated: RepeatedKey[],
): Mutation | undefined {
  const paths = pathIndex(original);
  const describe = (path: JsonPath, what: string): string => `${draw.kind} at ${formatPath(path)}: ${what}`;
  switch (draw.kind) {
    case "type-confusion": {
      const path = pick(paths.all, draw.pick);
      const parent = path && parentOf(document, path);
      if (!path || !parent) return undefined;
      const before = parent[path.at(-1)!];
      const choices = confusions.filter((value) => jsonType(value) !== jsonType(before));
      const value: Json = choices[draw.variant % choices.length] ?? null;
      parent[path.at(-1)!] = structuredClone(value);
      return {
        kind: draw.kind,
        path,
        description: describe(path, JSON.stringify(value)),
        stillValid: false,
        otherFact: value === null && isOptional(path),
      };
    }
    case "delete-field": {
      const path = pick(paths.keys, draw.pick);
      const parent = path && parentOf(document, path);
      if (!path || !parent || Array.isArray(parent)) return undefined;
      // A top-level list is a table of rows: deleting it removes resources, not a field of one.
      if (path.length === 1 && Array.isArray(parent[path[0]!])) return undefined;
      Reflect.deleteProperty(parent, path.at(-1)!);
      return {
        kind: draw.kind,
        path,
        description: describe(path, "deleted"),
        stillValid: false,
        otherFact: isOptional(path),
      };
    }
    case "null-in-list": {
      const path = pick(paths.arrays, draw.pick);
      const list = path && at(document, path);
      if (!path || !Array.isArray(list)) return undefined;
      const position = list.length === 0 ? 0 : draw.variant % (list.length + 1);
      const replace = draw.variant % 2 === 0 && position < list.length;
      list.splice(position, replace ? 1 : 0, null);
      return {
        kind: draw.kind,
        path,
        description: describe(path, `${replace ? "element replaced by" : "inserted"} null at ${position}`),
        stillValid: false,
      };
    }
    case "huge-array": {
      const path = pick(paths.arrays, draw.pick);
      const list = path && at(document, path);
      if (!path || !Array.isArray(list)) return undefined;
      const length = hugeLengths[draw.variant % hugeLengths.length]!;
      const seeds: unknown[] = [list[0] ?? null, null, 7, {}];
      const element = seeds[Math.floor(draw.variant / hugeLengths.length) % seeds.length];
      for (let index = 0; index < length; index++) list.push(structuredClone(element));
      return {
        kind: draw.kind,
        path,
        description: describe(path, `${length} × ${JSON.stringify(element).slice(0, 60)}`),
        stillValid: false,
      };
    }
    case "unicode": {
      const path = pick(paths.strings, draw.pick);
      const parent = path && parentOf(document, path);
      if (!path || !parent) return undefined;
      const before = parent[path.at(-1)!];
      if (typeof before !== "string") return undefined;
      const after = unicodeEdits[draw.variant % unicodeEdits.length]!(before);
      parent[path.at(-1)!] = after;
      const isId = path.at(-1) === "id";
      return {
        kind: draw.kind,
        path,
        description: describe(path, JSON.stringify(after).slice(0, 80)),
        stillValid: true,
        otherFact: isArmId(before) && before.toLowerCase() !== after.toLowerCase(),
        ...(isId ? { renamed: { from: before, to: after } } : {}),
      };
    }
    case "duplicate-id": {
      const path = pick(paths.withId, draw.pick);
      const list = path && at(document, path.slice(0, -1));
      const element = path && at(document, path);
      if (!path || !Array.isArray(list) || element === null || typeof element !== "object") return undefined;
      const copy = structuredClone(element) as Record<string, unknown>;
      const variant = draw.variant % 3;
      if (variant === 1) delete copy.properties;
      const position = Number(path.at(-1)) + (variant === 2 ? 0 : 1);
      list.splice(position, 0, copy);
      const what = ["an identical copy after it", "a copy without properties after it", "a copy before it"];
      return { kind: draw.kind, path, description: describe(path, what[variant]!), stillValid: false };
    }
    case "duplicate-key": {
      const path = pick(paths.objects, draw.pick);
      const target = path && at(document, path);
      if (!path || target === null || typeof target !== "object" || Array.isArray(target)) return undefined;
      const keys = Object.keys(target);
      const key = keys[draw.variant % keys.length];
      if (key === undefined) return undefined;
      const value = (target as Record<string, unknown>)[key];
      const emptied = Array.isArray(value) ? [] : value !== null && typeof value === "object" ? {} : null;
      const second = Math.floor(draw.variant / keys.length) % 2 === 0 ? value : emptied;
      repeated.push({ path, key, value: structuredClone(second) });
      return {
        kind: draw.kind,
        path: [...path, key],
        description: describe([...path, key], `repeated with ${JSON.stringify(second).slice(0, 60)}`),
        stillValid: false,
      };
    }
  }
}

export function formatPath(path: JsonPath): string {
  return path.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("") || "(root)";
}

/** JSON text of `value` with each repeated key written a second time after its first value. */
export function toJsonText(value: unknown, repeated: readonly RepeatedKey[]): string {
  const extra = new Map<string, RepeatedKey[]>();
  for (const entry of repeated) {
    const key = JSON.stringify(entry.path);
    extra.set(key, [...(extra.get(key) ?? []), entry]);
  }
  if (extra.size === 0) return JSON.stringify(value);
  const write = (node: unknown, path: JsonPath): string => {
    if (Array.isArray(node))
      return `[${node.map((element, index) => write(element, [...path, index])).join(",")}]`;
    if (node === null || typeof node !== "object") return JSON.stringify(node);
    const members = Object.entries(node).map(
      ([key, child]) => `${JSON.stringify(key)}:${write(child, [...path, key])}`,
    );
    for (const entry of extra.get(JSON.stringify(path)) ?? [])
      members.push(`${JSON.stringify(entry.key)}:${JSON.stringify(entry.value)}`);
    return `{${members.join(",")}}`;
  };
  return write(value, []);
}

/** The draw that makes `kind` act on `path` of `document`: kept cases name their mutation by path, not index. */
export function drawAt(document: object, kind: MutationKind, path: JsonPath, variant = 0): MutationDraw {
  const paths = pathIndex(document);
  const list = {
    "type-confusion": paths.all,
    "delete-field": paths.keys,
    "null-in-list": paths.arrays,
    "huge-array": paths.arrays,
    unicode: paths.strings,
    "duplicate-id": paths.withId,
    "duplicate-key": paths.objects,
  }[kind];
  const pick = list.findIndex((candidate) => JSON.stringify(candidate) === JSON.stringify(path));
  if (pick === -1) throw new Error(`${formatPath(path)} is not a path ${kind} acts on`);
  return { kind, pick, variant };
}
