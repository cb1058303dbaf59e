// The fleet's NSG security rules by key, held in their NSGs' own lists rather than in a map of 400,000 entries.
//
// Filling one map with every rule of 10,000 clusters cost about 0.8 s of a 13 s read (V8's ordered hash map
// rehashes as it grows), and the scan only walks the rules or counts them. A rule's key is its NSG's key, its
// list (`securityrules` or `defaultsecurityrules`) and its name, so two NSGs' rules can only share a key when one
// of them names its id elsewhere: those few ("foreign") rules are the only ones kept in a map of their own.
import type { NetworkSecurityGroup, SecurityRule } from "./model.ts";

/** Where a rule key puts its rule: the NSG key and the list, when it ends in `/<list>/<name>` (name without "/"). */
function ownerKey(key: string): string | undefined {
  const nameStart = key.lastIndexOf("/");
  const listStart = key.lastIndexOf("/", nameStart - 1);
  if (listStart <= 0) return undefined;
  const list = key.slice(listStart + 1, nameStart);
  return list === "securityrules" || list === "defaultsecurityrules" ? key.slice(0, listStart) : undefined;
}

/**
 * The rule keys one NSG has taken so far. A native key (see `childIds`) is its list's key prefix plus the
 * lower-cased name, so it is held as that name in a set per list. A short name such as `rule-0` comes out of
 * JSON.parse internalized, its hash already known, where the 190-character key was hashed afresh for each of
 * 400,000 rules: `claim` took 156 ms of a 10,000-cluster read, and 33 ms this way (docs/performance.md).
 */
export class NsgRuleKeys {
  /** List key prefix → the lower-cased names of its native rules. */
  readonly #names = new Map<string, Set<string>>();
  /** Every other key, whole. */
  readonly #others = new Set<string>();

  /** Whether the native `key` (`keyPrefix` + `name`) is held: by its name, or whole by another spelling. */
  hasNative(keyPrefix: string, name: string, key: string): boolean {
    return this.#names.get(keyPrefix)?.has(name) === true || (this.#others.size > 0 && this.#others.has(key));
  }

  /** Whether `key`, not built from a list's prefix, is held: whole, or as a list's prefix and name. */
  hasOther(key: string): boolean {
    if (this.#others.has(key)) return true;
    for (const [keyPrefix, names] of this.#names)
      if (
        key.length > keyPrefix.length &&
        key.startsWith(keyPrefix) &&
        names.has(key.slice(keyPrefix.length))
      )
        return true;
    return false;
  }

  addNative(keyPrefix: string, name: string): void {
    let names = this.#names.get(keyPrefix);
    if (names === undefined) {
      names = new Set();
      this.#names.set(keyPrefix, names);
    }
    names.add(name);
  }

  addOther(key: string): void {
    this.#others.add(key);
  }
}

/** How a rule's key was built: from its list's key prefix and lower-cased name (native), or from its id. */
export type RuleKeySpelling =
  { readonly native: true; readonly keyPrefix: string; readonly name: string } | { readonly native: false };

/**
 * Which rule keys are taken while the rows are read: first come, first kept, as a fleet-wide map would decide.
 * A rule whose key is its own NSG's key plus its list and name ("native") can only clash inside that NSG or
 * with a foreign rule; a foreign rule can clash with any NSG's, so it is checked against the NSG its key names.
 */
export class SecurityRuleKeys {
  readonly #groups: ReadonlyMap<string, NetworkSecurityGroup>;
  /** Foreign keys → the NSG whose list holds the rule. */
  readonly #foreign = new Map<string, string>();
  /** Standalone rules whose NSG no row described: in no list, but their keys are taken. */
  readonly #orphans = new Set<string>();

  constructor(groups: ReadonlyMap<string, NetworkSecurityGroup>) {
    this.#groups = groups;
  }

  /**
   * Takes `key` for a rule of the NSG `nsgKey` being read, whose keys so far are `local`; false when it is taken.
   * The foreign map is asked only once it holds a key, so a fleet of native rules hashes no key at all.
   */
  claim(key: string, spelling: RuleKeySpelling, nsgKey: string, local: NsgRuleKeys): boolean {
    if (this.#foreign.size > 0 && this.#foreign.has(key)) return false;
    if (spelling.native) {
      if (local.hasNative(spelling.keyPrefix, spelling.name, key)) return false;
      local.addNative(spelling.keyPrefix, spelling.name);
      return true;
    }
    if (local.hasOther(key) || this.#heldElsewhere(key, nsgKey)) return false;
    local.addOther(key);
    this.#foreign.set(key, nsgKey);
    return true;
  }

  /** Keys taken by rules whose key is not their own NSG's list prefix and name (see `claim`). */
  get foreignCount(): number {
    return this.#foreign.size;
  }

  /** Whether a rule read earlier (in any NSG, or standalone) holds `key`. */
  taken(key: string): boolean {
    return this.#foreign.has(key) || this.#orphans.has(key) || this.#heldElsewhere(key, undefined);
  }

  /** Takes `key` for a standalone rule added to no list (its NSG is missing). */
  claimOrphan(key: string): void {
    this.#orphans.add(key);
  }

  /** A newer copy of `nsg` replaces it: its rules' keys are free again. */
  release(nsg: NetworkSecurityGroup): void {
    for (const rule of nsg.securityRules)
      if (this.#foreign.get(rule.key) === nsg.key) this.#foreign.delete(rule.key);
  }

  /** The NSG the key names holds it natively (the NSG being read, `reading`, keeps its keys in its own set). */
  #heldElsewhere(key: string, reading: string | undefined): boolean {
    const owner = ownerKey(key);
    if (owner === undefined || owner === reading) return false;
    return this.#groups.get(owner)?.securityRules.some((rule) => rule.key === key) === true;
  }
}

/**
 * Every security rule (custom and default) by key, in the order a fleet-wide map filled while reading would
 * hold them: each NSG's list in NSG order, then the standalone rules in the order they were added. Walking and
 * counting read the lists; `get` and `has` build the map on first use.
 */
export class SecurityRuleIndex implements ReadonlyMap<string, SecurityRule> {
  readonly #groups: ReadonlyMap<string, NetworkSecurityGroup>;
  /** Standalone rules added after every row was read: at the end of their NSG's list, or in none. */
  readonly #appended: readonly SecurityRule[];
  readonly #appendedKeys: ReadonlySet<string>;
  #size: number | undefined;
  #map: Map<string, SecurityRule> | undefined;

  constructor(groups: ReadonlyMap<string, NetworkSecurityGroup>, appended: readonly SecurityRule[]) {
    this.#groups = groups;
    this.#appended = appended;
    this.#appendedKeys = new Set(appended.map((rule) => rule.key));
  }

  *#rules(): Generator<SecurityRule> {
    const appended = this.#appendedKeys;
    for (const nsg of this.#groups.values())
      for (const rule of nsg.securityRules) if (appended.size === 0 || !appended.has(rule.key)) yield rule;
    yield* this.#appended;
  }

  get size(): number {
    if (this.#size === undefined) {
      let size = this.#appended.length;
      for (const nsg of this.#groups.values()) size += nsg.securityRules.length;
      // Appended rules that joined an NSG are in its list too.
      for (const rule of this.#appended) if (this.#groups.has(rule.nsgKey)) size--;
      this.#size = size;
    }
    return this.#size;
  }

  get(key: string): SecurityRule | undefined {
    return this.#byKey().get(key);
  }

  has(key: string): boolean {
    return this.#byKey().has(key);
  }

  #byKey(): Map<string, SecurityRule> {
    this.#map ??= new Map(this.entries());
    return this.#map;
  }

  forEach(
    callback: (value: SecurityRule, key: string, map: ReadonlyMap<string, SecurityRule>) => void,
    thisArg?: unknown,
  ): void {
    for (const rule of this.#rules()) callback.call(thisArg, rule, rule.key, this);
  }

  *entries(): MapIterator<[string, SecurityRule]> {
    for (const rule of this.#rules()) yield [rule.key, rule];
  }

  *keys(): MapIterator<string> {
    for (const rule of this.#rules()) yield rule.key;
  }

  *values(): MapIterator<SecurityRule> {
    yield* this.#rules();
  }

  [Symbol.iterator](): MapIterator<[string, SecurityRule]> {
    return this.entries();
  }
}
