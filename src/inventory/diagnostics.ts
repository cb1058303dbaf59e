// Diagnostics aggregated per (level, code, file, field pattern): an exact count and the first examples, so two
// million bad elements cost one entry, not two million.
import type { Diagnostic, DiagnosticExample } from "./model.ts";

/** Examples kept per aggregate; the count stays exact. */
export const diagnosticExamples = 20;

/** `properties.subnets[7].id` → `properties.subnets[*].id`: one pattern for every element of a list. */
export function fieldPattern(field: string): string {
  return field.includes("[") ? field.replace(/\[\d+\]/g, "[*]") : field;
}

function keyOf(level: string, code: string, origin: string | undefined, field: string | undefined): string {
  return `${level}\u0000${code}\u0000${origin ?? ""}\u0000${fieldPattern(field ?? "")}`;
}

function groupKey(diagnostic: Diagnostic): string {
  return keyOf(diagnostic.level, diagnostic.code, diagnostic.origin, diagnostic.field);
}

function example(diagnostic: Diagnostic): DiagnosticExample {
  return {
    message: diagnostic.message,
    ...(diagnostic.row === undefined ? {} : { row: diagnostic.row }),
    ...(diagnostic.field === undefined ? {} : { field: diagnostic.field }),
    ...(diagnostic.resourceId === undefined ? {} : { resourceId: diagnostic.resourceId }),
  };
}

function single(aggregate: Diagnostic, at: DiagnosticExample): Diagnostic {
  return {
    level: aggregate.level,
    code: aggregate.code,
    message: at.message,
    ...(aggregate.origin === undefined ? {} : { origin: aggregate.origin }),
    ...(at.row === undefined ? {} : { row: at.row }),
    ...(at.field === undefined ? {} : { field: at.field }),
    ...(at.resourceId === undefined ? {} : { resourceId: at.resourceId }),
  };
}

/** The single diagnostics an aggregate stands for, as far as its examples go. */
export function expandDiagnostic(diagnostic: Diagnostic): Diagnostic[] {
  return diagnostic.examples === undefined
    ? [diagnostic]
    : diagnostic.examples.map((at) => single(diagnostic, at));
}

interface Group {
  count: number;
  readonly firsts: Diagnostic[];
}

/**
 * Collects diagnostics as they come (`push`, like an array). A group of up to `examples` diagnostics is handed
 * out as they came; a larger one as one aggregate with its exact `count` and its first `examples`.
 */
export class DiagnosticAggregator {
  readonly #groups = new Map<string, Group>();
  readonly #examples: number;

  constructor(examples = diagnosticExamples) {
    this.#examples = examples;
  }

  /** Groups held so far: none means nothing was said. */
  get groupCount(): number {
    return this.#groups.size;
  }

  push(...diagnostics: readonly Diagnostic[]): number {
    for (const diagnostic of diagnostics) this.#add(diagnostic);
    return this.#groups.size;
  }

  countIfFull(level: string, code: string, origin: string, field: string | undefined): boolean {
    const group = this.#groups.get(keyOf(level, code, origin, field));
    if (group === undefined || group.firsts.length < this.#examples) return false;
    group.count++;
    return true;
  }

  #add(diagnostic: Diagnostic): void {
    const key = groupKey(diagnostic);
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { count: 0, firsts: [] };
      this.#groups.set(key, group);
    }
    group.count += diagnostic.count ?? 1;
    if (group.firsts.length >= this.#examples) return;
    for (const single of expandDiagnostic(diagnostic)) {
      if (group.firsts.length >= this.#examples) break;
      group.firsts.push(single);
    }
  }

  list(): Diagnostic[] {
    return [...this.#groups.values()].flatMap(({ count, firsts }) => {
      if (count <= firsts.length) return firsts;
      const first = firsts[0]!;
      const pattern = fieldPattern(first.field ?? "");
      return [
        {
          ...first,
          count,
          ...(pattern === "" ? {} : { fieldPattern: pattern }),
          examples: firsts.map(example),
        },
      ];
    });
  }
}
/** The aggregates of `diagnostics` (already aggregated ones merge by their counts). */
export function aggregateDiagnostics(diagnostics: Iterable<Diagnostic>): Diagnostic[] {
  const aggregator = new DiagnosticAggregator();
  for (const diagnostic of diagnostics) aggregator.push(diagnostic);
  return aggregator.list();
}

/** How many problems the diagnostics stand for. */
export function diagnosticCount(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.reduce((sum, diagnostic) => sum + (diagnostic.count ?? 1), 0);
}
