// A JSON document stored by column: every object's keys once per shape, repeated strings once, so a stored run
// is a fraction of its JSON and loads without parsing 100,000 copies of the same keys and ids.

/** How each value of a column is stored, in the column's order. */
const kinds = { string: 0, object: 1, array: 2, scalar: 3, map: 4 } as const;
type Kind = (typeof kinds)[keyof typeof kinds];

/** An object with more keys than this is a map (ids to values), stored as a key column and a value column. */
const maxShapeKeys = 64;

/** Objects of a column: their key lists (shapes), which shape each object has, and one column per key. */
interface ObjectColumn {
  readonly k: readonly string[];
  /** Key indices of each shape, in the objects' own key order. */
  readonly s: readonly (readonly number[])[];
  /** Shape of each object; absent when all share shape 0. */
  readonly h?: readonly number[];
  readonly c: readonly Column[];
}

interface ArrayColumn {
  readonly n: readonly number[];
  readonly c: Column;
}

interface MapColumn {
  readonly n: readonly number[];
  readonly k: Column;
  readonly c: Column;
}

/** The values of one place in the document (a key of an object, the items of arrays), split by kind. */
interface Column {
  /** The kind of each value (a digit a value); absent when every value is of one kind. */
  readonly t?: string;
  /** Strings, as indices into the document's string table. */
  readonly s?: readonly number[];
  readonly o?: ObjectColumn;
  readonly a?: ArrayColumn;
  readonly v?: readonly (number | boolean | null)[];
  readonly m?: MapColumn;
}

export const columnsFormat = "aks-vnet-audit/columns";

export interface ColumnsDocument {
  readonly format: typeof columnsFormat;
  readonly version: 1;
  /** Every distinct string once: ids, times and names repeat across results, clusters and evidence. */
  readonly strings: readonly string[];
  readonly root: Column;
}

/** Encodes what `JSON.stringify` would write (undefined members dropped, `toJSON` honoured). */
export function encodeColumns(value: unknown): ColumnsDocument {
  const strings = new Map<string, number>();
  const root = new ColumnBuilder(strings);
  root.add(value);
  return { format: columnsFormat, version: 1, root: root.build(), strings: [...strings.keys()] };
}

class ColumnBuilder {
  private readonly tags: Kind[] = [];
  private strings?: number[];
  private objects?: ObjectBuilder;
  private arrays?: { lengths: number[]; items: ColumnBuilder };
  private scalars?: (number | boolean | null)[];
  private maps?: { sizes: number[]; keys: ColumnBuilder; values: ColumnBuilder };

  private readonly table: Map<string, number>;

  constructor(table: Map<string, number>) {
    this.table = table;
  }

  add(raw: unknown): void {
    const value = jsonValue(raw);
    if (typeof value === "string") {
      this.tags.push(kinds.string);
      let id = this.table.get(value);
      if (id === undefined) {
        id = this.table.size;
        this.table.set(value, id);
      }
      (this.strings ??= []).push(id);
    } else if (Array.isArray(value)) {
      this.tags.push(kinds.array);
      this.arrays ??= { lengths: [], items: new ColumnBuilder(this.table) };
      this.arrays.lengths.push(value.length);
      for (const item of value as unknown[]) this.arrays.items.add(item === undefined ? null : item);
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value).filter(([, member]) => jsonValue(member) !== undefined);
      if (entries.length > maxShapeKeys) {
        this.tags.push(kinds.map);
        this.maps ??= {
          sizes: [],
          keys: new ColumnBuilder(this.table),
          values: new ColumnBuilder(this.table),
        };
        this.maps.sizes.push(entries.length);
        for (const [key, member] of entries) {
          this.maps.keys.add(key);
          this.maps.values.add(member);
        }
      } else {
        this.tags.push(kinds.object);
        (this.objects ??= new ObjectBuilder(this.table)).add(entries);
      }
    } else {
      this.tags.push(kinds.scalar);
      (this.scalars ??= []).push(value === undefined ? null : (value as number | boolean | null));
    }
  }

  build(): Column {
    const single = this.tags.every((tag) => tag === this.tags[0]);
    return {
      ...(single ? {} : { t: this.tags.join("") }),
      ...(this.strings ? { s: this.strings } : {}),
      ...(this.objects ? { o: this.objects.build() } : {}),
      ...(this.arrays ? { a: { n: this.arrays.lengths, c: this.arrays.items.build() } } : {}),
      ...(this.scalars ? { v: this.scalars } : {}),
      ...(this.maps
        ? { m: { n: this.maps.sizes, k: this.maps.keys.build(), c: this.maps.values.build() } }
        : {}),
    };
  }
}

class ObjectBuilder {
  private readonly keys = new Map<string, number>();
  private readonly columns: ColumnBuilder[] = [];
  private readonly shapes = new Map<string, number>();
  private readonly shapeKeys: number[][] = [];
  private readonly shapeOf: number[] = [];

  private readonly table: Map<string, number>;

  constructor(table: Map<string, number>) {
    this.table = table;
  }

  add(entries: readonly [string, unknown][]): void {
    const keyIds = entries.map(([key, member]) => {
      let id = this.keys.get(key);
      if (id === undefined) {
        id = this.columns.length;
        this.keys.set(key, id);
        this.columns.push(new ColumnBuilder(this.table));
      }
      this.columns[id]!.add(member);
      return id;
    });
    const signature = keyIds.join(",");
    let shape = this.shapes.get(signature);
    if (shape === undefined) {
      shape = this.shapeKeys.length;
      this.shapes.set(signature, shape);
      this.shapeKeys.push(keyIds);
    }
    this.shapeOf.push(shape);
  }

  build(): ObjectColumn {
    return {
      k: [...this.keys.keys()],
      s: this.shapeKeys,
      ...(this.shapeKeys.length > 1 ? { h: this.shapeOf } : {}),
      c: this.columns.map((column) => column.build()),
    };
  }
}

function jsonValue(value: unknown): unknown {
  if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  )
    return (value as { toJSON: () => unknown }).toJSON();
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  return value;
}

/** A columns document that does not hold together (a truncated or edited file). */
export class ColumnsError extends Error {
  override readonly name = "ColumnsError";
}

export function isColumnsDocument(value: unknown): value is ColumnsDocument {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { format?: unknown }).format === columnsFormat &&
    (value as { version?: unknown }).version === 1 &&
    typeof (value as { root?: unknown }).root === "object"
  );
}

/** The value `encodeColumns` was given, as `JSON.parse(JSON.stringify(value))` would give it. */
export function decodeColumns(document: ColumnsDocument): unknown {
  if (!Array.isArray(document.strings)) throw new ColumnsError("the string table is missing");
  return decodeColumn(document.strings, document.root, 1)[0];
}

/**
 * The `count` values of a column, decoded a whole column at a time: one pass per key rather than a call per
 * value, which is what makes loading a stored run faster than parsing its JSON.
 */
function decodeColumn(strings: readonly string[], column: Column, count: number): unknown[] {
  const tags = column.t;
  if (tags === undefined) return count === 0 ? [] : decodeKind(strings, column, kindOf(column), count);
  if (tags.length !== count) throw new ColumnsError(`a column has ${tags.length} kinds for ${count} values`);
  const counts = [0, 0, 0, 0, 0];
  for (let index = 0; index < count; index++) {
    const kind = tags.charCodeAt(index) - 48;
    if (counts[kind] === undefined)
      throw new ColumnsError(`kind ${tags[index]} is not one this version reads`);
    counts[kind]++;
  }
  const decoded = counts.map((n, kind) => (n === 0 ? [] : decodeKind(strings, column, kind, n)));
  const next = [0, 0, 0, 0, 0];
  const values = new Array<unknown>(count);
  for (let index = 0; index < count; index++) {
    const kind = tags.charCodeAt(index) - 48;
    values[index] = decoded[kind]![next[kind]!++];
  }
  return values;
}

function kindOf(column: Column): Kind {
  if (column.s) return kinds.string;
  if (column.o) return kinds.object;
  if (column.a) return kinds.array;
  if (column.v) return kinds.scalar;
  if (column.m) return kinds.map;
  throw new ColumnsError("a column holds no values");
}

function decodeKind(strings: readonly string[], column: Column, kind: number, count: number): unknown[] {
  const values = decodedValues(strings, column, kind, count);
  if (!Array.isArray(values) || values.length !== count)
    throw new ColumnsError(`a column of kind ${kind} has the wrong number of values`);
  return values;
}

function decodedValues(
  strings: readonly string[],
  column: Column,
  kind: number,
  count: number,
): readonly unknown[] {
  switch (kind) {
    case kinds.string:
      return decodeStrings(strings, present(column.s));
    case kinds.object:
      return decodeObjects(strings, present(column.o), count);
    case kinds.array:
      return decodeArrays(strings, present(column.a));
    case kinds.scalar:
      return present(column.v);
    case kinds.map:
      return decodeMaps(strings, present(column.m));
    default:
      throw new ColumnsError(`kind ${kind} is not one this version reads`);
  }
}

function present<T>(part: T | undefined): T {
  if (part === undefined || part === null) throw new ColumnsError("a column lacks the values its kinds name");
  return part;
}

function decodeStrings(strings: readonly string[], indices: readonly number[]): readonly unknown[] {
  if (!Array.isArray(indices)) throw new ColumnsError("a string column is not a list");
  const values = new Array<string>(indices.length);
  for (let index = 0; index < indices.length; index++) {
    const value = strings[indices[index] as number];
    if (typeof value !== "string") throw new ColumnsError("a string index is out of range");
    values[index] = value;
  }
  return values;
}

function decodeObjects(strings: readonly string[], column: ObjectColumn, count: number): unknown[] {
  const shapeOf = column.h ?? new Array<number>(count).fill(0);
  if (shapeOf.length !== count) throw new ColumnsError("an object column has the wrong number of shapes");
  const perKey = column.k.map(() => 0);
  for (const shape of shapeOf) for (const id of column.s[shape] ?? []) perKey[id]!++;
  const members = column.k.map((_, id) => decodeColumn(strings, present(column.c[id]), perKey[id]!));
  // Cloning a template of each shape gives every object its final layout at once, and makes `__proto__` an own
  // member as `JSON.parse` does, so the stores below only fill in values.
  const templates = column.s.map((shape) => {
    const template: Record<string, unknown> = {};
    for (const id of shape) {
      const key = column.k[id];
      if (key === undefined) throw new ColumnsError("a shape names an unknown key");
      Object.defineProperty(template, key, {
        value: null,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return template;
  });
  const objects = new Array<Record<string, unknown>>(count);
  for (let index = 0; index < count; index++) {
    const template = templates[shapeOf[index]!];
    if (template === undefined) throw new ColumnsError("an object's shape is out of range");
    objects[index] = { ...template };
  }
  // One pass per key: the store below then sees one key at a time, where a pass per object sees every key in
  // turn and looks each up anew (a third of a stored run's decoding time at 100,000 results).
  column.k.forEach((key, id) => {
    const values = members[id]!;
    const hasKey = column.s.map((shape) => shape.includes(id));
    let next = 0;
    for (let index = 0; index < count; index++)
      if (hasKey[shapeOf[index]!]) objects[index]![key] = values[next++];
  });
  return objects;
}

function decodeArrays(strings: readonly string[], column: ArrayColumn): unknown[] {
  const items = decodeColumn(strings, column.c, total(column.n));
  let start = 0;
  return column.n.map((length) => items.slice(start, (start += length)));
}

function decodeMaps(strings: readonly string[], column: MapColumn): unknown[] {
  const size = total(column.n);
  const keys = decodeColumn(strings, column.k, size);
  const members = decodeColumn(strings, column.c, size);
  let next = 0;
  return column.n.map((entries) => {
    const object: Record<string, unknown> = {};
    for (const end = next + entries; next < end; next++) setMember(object, String(keys[next]), members[next]);
    return object;
  });
}

function total(lengths: readonly number[]): number {
  let sum = 0;
  for (const length of lengths) {
    if (!Number.isInteger(length) || length < 0) throw new ColumnsError("a length is not a whole number");
    sum += length;
  }
  return sum;
}

/** As `JSON.parse` does: `__proto__` becomes an own member, never the object's prototype. */
function setMember(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
