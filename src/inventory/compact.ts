// Compact model lists: 10,000 clusters hold 400,000 security rules and 150,000 subnets, and each list they carry
// costs a header and its spare capacity whatever it holds, so lists are stored at their exact length and the
// common one-item ones (`["*"]`, `["VirtualNetwork"]`, `["443"]`) are one shared, frozen list each.
// Measured at M (docs/performance.md): the inventory went from 950 to 670 MB. Interning the strings themselves
// as well saved 2 MB more and cost a hash lookup per string, so only lists are shared.

import { idKey } from "./model.ts";

/** The one empty list every empty model list is (frozen: no reader may add to a shared list). */
export const noItems: readonly never[] = Object.freeze([]);

/** One-item lists of strings up to this length are shared; longer ones (ARM ids) are mostly distinct. */
const sharedLength = 64;

/** Keeps one copy of each short one-item list, for the length of one read. */
export class SharedLists {
  readonly #singles = new Map<string, readonly string[]>();

  /** `items` at its exact length; empty and short one-item lists shared. */
  list(items: readonly string[]): readonly string[] {
    if (items.length !== 1) return exactList(items);
    const only = items[0]!;
    if (only.length > sharedLength) return [only];
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

/** Where the children of one list (an NSG's `securityRules`, a VNet's `subnets`) have their ids. */
export interface ChildPrefixes {
  /** `<parent id>/<collection>/`, one string for every child of the list. */
  readonly idPrefix: string;
  /** The same from the parent's key: lower-cased. */
  readonly keyPrefix: string;
}

export function childPrefixes(parentId: string, parentKey: string, collection: string): ChildPrefixes {
  return { idPrefix: `${parentId}/${collection}/`, keyPrefix: `${parentKey}/${collection.toLowerCase()}/` };
}

/**
 * A child's id and key as its list's shared prefixes plus its name, when the id is spelled that way (Azure's
 * own ids are): V8 keeps `prefix + name` as a 32-byte pair pointing at both, where the id as parsed is a string
 * of its own (about 190 bytes, and its key another, for each of a fleet's 400,000 security rules). The check
 * reads the id by its parts, because comparing it with the pair whole would copy the pair into one string
 * again, and so would lower-casing the pair.
 */
export function childIds(
  id: string,
  name: string | undefined,
  prefixes: ChildPrefixes,
  /** `spelledAsChild(id, name, prefixes)`, when the caller has asked it already. */
  spelled = name !== undefined && spelledAsChild(id, name, prefixes),
): { id: string; key: string } {
  return spelled && name !== undefined
    ? { id: prefixes.idPrefix + name, key: prefixes.keyPrefix + name.toLowerCase() }
    : { id, key: idKey(id) };
}

/**
 * Whether `id` is its list's id prefix followed by `name` (as the id was parsed: a flat string). The prefix is
 * compared as a slice: V8's `startsWith` walks a 150-character prefix a character at a time, which made this
 * check most of the time of reading a security rule (400,000 of them at 10,000 clusters), where `===` on the
 * slice compares the characters in bulk (docs/performance.md).
 */
export function spelledAsChild(id: string, name: string, { idPrefix }: ChildPrefixes): boolean {
  return (
    id.length === idPrefix.length + name.length &&
    id.endsWith(name) &&
    id.slice(0, idPrefix.length) === idPrefix
  );
}
