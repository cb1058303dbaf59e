// Compact model lists: 10,000 clusters hold 400,000 security rules and 150,000 subnets, and each list they carry
// costs a header and its spare capacity whatever it holds, so lists are stored at their exact length and the
// common ones (empty, `["*"]`, `["VirtualNetwork"]`) are one shared, frozen list each.

/** The one empty list every empty model list is (frozen: no reader may add to a shared list). */
export const noItems: readonly never[] = Object.freeze([]);

/**
 * Strings up to this length are kept once per read (ports, prefixes, service tags, rule names); longer ones
 * (ARM ids) are mostly distinct, and looking them up would cost more than it saves.
 */
const internedLength = 64;

/** Keeps one copy of each short string and of each one-item list of it, for the length of one read. */
export class Interner {
  readonly #texts = new Map<string, string>();
  readonly #singles = new Map<string, readonly string[]>();

  text(value: string): string {
    if (value.length > internedLength) return value;
    const known = this.#texts.get(value);
    if (known !== undefined) return known;
    this.#texts.set(value, value);
    return value;
  }

  /** `items` at its exact length, short strings interned; empty and one-item lists shared. */
  list(items: readonly string[]): readonly string[] {
    if (items.length === 0) return noItems;
    if (items.length > 1) return items.map((item) => this.text(item));
    const only = this.text(items[0]!);
    if (only.length > internedLength) return [only];
    const known = this.#singles.get(only);
    if (known !== undefined) return known;
    const single = Object.freeze([only]);
    this.#singles.set(only, single);
    return single;
  }
}

/** `items` at its exact length (a list built by `push` keeps up to half again its length as spare room). */
export function exactList<T>(items: readonly T[]): readonly T[] {
  return items.length === 0 ? noItems : items.slice();
}
