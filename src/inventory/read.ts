// A typed reader over one raw row (`unknown`): reads fields by path, records a diagnostic for each wrong value, never throws.
import type { Diagnostic, DiagnosticLevel } from "./model.ts";
import type { ContentGaps, DroppedElements } from "./content-gaps.ts";
import { noItems } from "./compact.ts";

/** Where the row being read came from; diagnostics point back at it. */
export interface RowContext {
  readonly origin: string;
  readonly row: number;
  readonly resourceId: string | undefined;
  /** An array, or a DiagnosticAggregator so that a million bad elements cost one entry. */
  readonly diagnostics: {
    push(...diagnostics: Diagnostic[]): number;
    /** True (and counted) when a diagnostic like this one would only add to a full aggregate. */
    countIfFull?(level: DiagnosticLevel, code: string, origin: string, field: string | undefined): boolean;
  };
}

const fixInput = "correct the input or export it again";

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a field's value says something: it is not missing, null or an empty list. */
export function saysSomething(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/**
 * Reads only own properties, so keys such as `constructor` or `__proto__` never reach the prototype. One lookup
 * where it can: what a parsed object inherits from Object.prototype is a function (JSON holds none) or, for
 * `__proto__`, an object, so only those need the own-property check (millions of reads at 10,000 clusters).
 */
export function ownValue(record: Record<string, unknown>, key: string): unknown {
  const value = record[key];
  if (typeof value !== "function" && key !== "__proto__") return value;
  return Object.hasOwn(record, key) ? value : undefined;
}

/** A short, single-line rendering of any value for a diagnostic message. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    // JSON.stringify yields undefined for undefined, functions and symbols, whatever its declared type says.
    const json = JSON.stringify(value) as string | undefined;
    text = json ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function recordDiagnostic(
  context: RowContext,
  level: DiagnosticLevel,
  code: string,
  field: string | undefined,
  message: string,
): void {
  // Past the examples an aggregate keeps, the message is never read: count it without building it.
  if (context.diagnostics.countIfFull?.(level, code, context.origin, field) === true) return;
  const where = `${context.origin} row ${context.row}${field === undefined || field === "" ? "" : ` ${field}`}`;
  context.diagnostics.push({
    level,
    code,
    message: `${where}: ${message}`.replace(/\s+/g, " "),
    origin: context.origin,
    row: context.row,
    ...(field === undefined || field === "" ? {} : { field }),
    ...(context.resourceId === undefined ? {} : { resourceId: context.resourceId }),
  });
}

/**
 * A value inside a row together with its field path (`properties.agentPoolProfiles[0].count`). The path is
 * only spelled out when a diagnostic or a gap needs it: a 10,000-cluster snapshot walks millions of nodes, and
 * building each one's path up front was a string per node that almost always went unread.
 */
export class Node {
  readonly value: unknown;
  readonly context: RowContext;
  #path: string | undefined;
  #parent: Node | undefined;
  #key = "";
  #index: number | undefined;

  constructor(context: RowContext, value: unknown, path = "") {
    this.context = context;
    this.value = value;
    this.#path = path;
  }

  /** The node of `value` found under `key` of this one (at `index` when it is an element of that list). */
  #child(value: unknown, key: string, index?: number): Node {
    const child = new Node(this.context, value);
    child.#path = undefined;
    child.#parent = this;
    child.#key = key;
    child.#index = index;
    return child;
  }

  get path(): string {
    if (this.#path === undefined) {
      const holder = this.#parent!.pathOf(this.#key);
      this.#path = this.#index === undefined ? holder : `${holder}[${this.#index}]`;
    }
    return this.#path;
  }

  /** True when this node holds a JSON object. */
  get exists(): boolean {
    return isRecord(this.value);
  }

  pathOf(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  raw(key: string): unknown {
    return isRecord(this.value) ? ownValue(this.value, key) : undefined;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined && this.raw(key) !== null;
  }

  /** Whether `key` holds a value that says something (`saysSomething`). */
  holds(key: string): boolean {
    return saysSomething(this.raw(key));
  }

  report(level: DiagnosticLevel, code: string, message: string, key?: string): void {
    recordDiagnostic(this.context, level, code, key === undefined ? this.path : this.pathOf(key), message);
  }

  private wrongType(key: string, expected: string): void {
    const value = this.raw(key);
    this.report(
      "warning",
      "wrong-type",
      `is ${describeValue(value)}, expected ${expected}; ignored, ${fixInput}`,
      key,
    );
  }

  /** The object under `key`; a node holding undefined when it is missing, null or not an object. */
  object(key: string): Node {
    const value = this.raw(key);
    if (value !== undefined && value !== null && !isRecord(value)) this.wrongType(key, "an object");
    return this.#child(isRecord(value) ? value : undefined, key);
  }

  /**
   * `properties` of a row of a kind the audit reads. Missing, null or not an object is a content gap: the
   * diagnostic names the resource and the field, and rules answer `unverified` for what depends on it.
   */
  content(gaps: ContentGaps): Node {
    const value = this.raw("properties");
    if (!isRecord(value)) {
      const what = value === undefined ? "is missing" : `is ${describeValue(value)}, not an object`;
      this.report(
        "warning",
        "missing-properties",
        `${what}; verdicts that need this resource answer unverified, ${fixInput}`,
        "properties",
      );
      gaps.add(`${this.pathOf("properties")} ${what}`);
    }
    return this.#child(isRecord(value) ? value : undefined, "properties");
  }

  /** A list the rules need; a missing one is a content gap like missing `properties`. */
  requireList(key: string, gaps: ContentGaps): void {
    const value = this.raw(key);
    if (!this.exists || (value !== undefined && value !== null)) return;
    this.report(
      "warning",
      "missing-field",
      `is missing; verdicts that need it answer unverified, ${fixInput}`,
      key,
    );
    gaps.add(`${this.pathOf(key)} is missing`);
  }

  /** A list element that is null or of the wrong type: said, counted as a gap, and dropped. */
  private dropped(path: string, item: unknown, expected: string, dropped: DroppedElements): void {
    dropped.gaps.add(() => `${path} is ${describeValue(item)}`);
    const level = dropped.rule ? "error" : "warning";
    const code = dropped.rule ? "dropped-rule" : "dropped-element";
    if (this.context.diagnostics.countIfFull?.(level, code, this.context.origin, path) === true) return;
    const cost = dropped.rule
      ? "dropped, so the scan is incomplete"
      : "dropped, so verdicts that need it answer unverified";
    recordDiagnostic(
      this.context,
      level,
      code,
      path,
      `is ${describeValue(item)}, expected ${expected}; ${cost}`,
    );
  }

  string(key: string): string | undefined {
    const value = this.raw(key);
    if (typeof value === "string") return value;
    if (value !== undefined && value !== null) this.wrongType(key, "a string");
    return undefined;
  }

  /** A number; a numeric string ("3") is accepted with a warning because hand-made snapshots carry them. */
  number(key: string): number | undefined {
    const value = this.raw(key);
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
      this.report(
        "warning",
        "number-as-string",
        `is the string ${describeValue(value)}; read as a number`,
        key,
      );
      return Number(value);
    }
    if (value !== undefined && value !== null) this.wrongType(key, "a number");
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (typeof value === "boolean") return value;
    if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
      this.report(
        "warning",
        "boolean-as-string",
        `is the string ${describeValue(value)}; read as a boolean`,
        key,
      );
      return value.trim().toLowerCase() === "true";
    }
    if (value !== undefined && value !== null) this.wrongType(key, "true or false");
    return undefined;
  }

  private array(key: string, dropped?: DroppedElements): readonly unknown[] {
    const value = this.raw(key);
    if (Array.isArray(value)) return value;
    if (value !== undefined && value !== null) {
      this.wrongType(key, "an array");
      dropped?.gaps.add(`${this.pathOf(key)} is ${describeValue(value)}, not a list`);
    }
    return [];
  }

  /**
   * The objects of the array under `key`; other items are reported and skipped. With `dropped`, a null item
   * is reported too and every skipped item is a content gap of the resource.
   */
  objects(key: string, dropped?: DroppedElements): Node[] {
    return [...this.eachObject(key, dropped)];
  }

  /**
   * `objects`, one at a time: a list of millions of elements (a VNet's subnets) then never holds a node per
   * element at once, so each becomes garbage young instead of being promoted and copied by the collector.
   */
  *eachObject(key: string, dropped?: DroppedElements): Generator<Node> {
    const items = this.array(key, dropped);
    for (let index = 0; index < items.length; index++) {
      const item: unknown = items[index];
      if (isRecord(item)) yield this.#child(item, key, index);
      else if (dropped !== undefined)
        this.dropped(`${this.pathOf(key)}[${index}]`, item, "an object", dropped);
      else if (item !== null && item !== undefined) {
        recordDiagnostic(
          this.context,
          "warning",
          "wrong-type",
          `${this.pathOf(key)}[${index}]`,
          `is ${describeValue(item)}, expected an object; skipped`,
        );
      }
    }
  }

  /** The strings of the array under `key`; a lone string is read as a one-item list. */
  strings(key: string, dropped?: DroppedElements): string[] {
    const value = this.raw(key);
    if (typeof value === "string") return [value];
    const items = this.array(key, dropped);
    const texts: string[] = [];
    for (let index = 0; index < items.length; index++) {
      const item: unknown = items[index];
      if (typeof item === "string") texts.push(item);
      else if (dropped !== undefined)
        this.dropped(`${this.pathOf(key)}[${index}]`, item, "a string", dropped);
      else if (item !== null && item !== undefined) {
        const path = `${this.pathOf(key)}[${index}]`;
        recordDiagnostic(
          this.context,
          "warning",
          "wrong-type",
          path,
          `is ${describeValue(item)}, expected a string; skipped`,
        );
      }
    }
    return texts;
  }

  /** `[key, child]` pairs of this object, for maps keyed by data (tags, identities, change paths). */
  entries(): [string, Node][] {
    const record = this.value;
    if (!isRecord(record)) return [];
    return Object.keys(record).map((key) => [key, this.#child(ownValue(record, key), key)]);
  }

  /** `id` of the object under `key` (ARM sub-resource reference `{ "id": "…" }`). */
  reference(key: string): string | undefined {
    return nonEmpty(this.object(key).string("id"));
  }

  /**
   * Ids of the references in the array under `key`, each once: ARM lists a sub-resource once, so a repeated id
   * (a hand-merged or corrupted export) is said and counted once rather than inflating a subnet's usage.
   */
  references(key: string, dropped?: DroppedElements): readonly string[] {
    // Most reference lists are absent or empty (a rule's application security groups): no set, no generator.
    if (!this.holds(key)) return noItems;
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const item of this.eachObject(key, dropped)) {
      const id = nonEmpty(item.string("id"));
      if (id === undefined) {
        // A reference without its id is a sub-resource we cannot count or follow (an ipConfiguration less).
        if (dropped !== undefined) this.dropped(item.path, item.value, "a reference with an id", dropped);
        continue;
      }
      const lower = id.toLowerCase();
      if (!seen.has(lower)) {
        seen.add(lower);
        ids.push(id);
      } else if (
        this.context.diagnostics.countIfFull?.(
          "warning",
          "duplicate-element",
          this.context.origin,
          item.path,
        ) !== true
      ) {
        recordDiagnostic(
          this.context,
          "warning",
          "duplicate-element",
          item.path,
          `repeats ${id}, listed earlier in ${this.pathOf(key)}; counted once`,
        );
      }
    }
    return ids;
  }
}

export function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === "" ? undefined : text;
}
