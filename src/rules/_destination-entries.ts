// Where each distinct destination entry of the fleet's custom NSG rules is written, gathered once for both pinned-IP rules.
import type { SecurityRule } from "../inventory/model.ts";

/**
 * A fleet writes a few thousand distinct entries across hundreds of thousands of rules, and almost none pins an
 * API server IP: asking each distinct entry once and visiting only the rules that hold a match spares each
 * pinned-IP rule its own walk of every rule.
 */
export interface DestinationEntries {
  /** Custom (not default) rules, in the order `securityRules` walks them. */
  readonly rules: readonly SecurityRule[];
  /** Occurrence → index in `rules`; an occurrence is one entry of one rule, numbered in walk order. */
  readonly ruleOf: Int32Array;
  /** Entry text → its occurrences, ascending. */
  readonly occurrences: ReadonlyMap<string, readonly number[]>;
}

/** One rule and those of its entries that matched, in the order the rule writes them. */
export interface MatchingRule {
  readonly rule: SecurityRule;
  readonly entries: readonly string[];
}

const gathered = new WeakMap<ReadonlyMap<string, SecurityRule>, DestinationEntries>();

function gather(securityRules: ReadonlyMap<string, SecurityRule>): DestinationEntries {
  const rules: SecurityRule[] = [];
  const ruleOf: number[] = [];
  const occurrences = new Map<string, number[]>();
  for (const rule of securityRules.values()) {
    if (rule.isDefault) continue;
    const ruleIndex = rules.push(rule) - 1;
    for (const entry of rule.destinationAddressPrefixes) {
      const occurrence = ruleOf.push(ruleIndex) - 1;
      const list = occurrences.get(entry);
      if (list === undefined) occurrences.set(entry, [occurrence]);
      else list.push(occurrence);
    }
  }
  return { rules, ruleOf: Int32Array.from(ruleOf), occurrences };
}

/** Gathered on the first call for an inventory's rules; the inventory is read-only, so later calls reuse it. */
export function destinationEntries(securityRules: ReadonlyMap<string, SecurityRule>): DestinationEntries {
  let entries = gathered.get(securityRules);
  if (entries === undefined) {
    entries = gather(securityRules);
    gathered.set(securityRules, entries);
  }
  return entries;
}

/**
 * The custom rules with an entry that `matches` (asked once per distinct entry), in walk order, each with its
 * matching entries in its own order: what a walk of every rule and entry, keeping the matches, would find.
 */
export function rulesMatching(
  entries: DestinationEntries,
  matches: (entry: string) => boolean,
): MatchingRule[] {
  const found: { occurrence: number; entry: string }[] = [];
  for (const [entry, occurrences] of entries.occurrences)
    if (matches(entry)) for (const occurrence of occurrences) found.push({ occurrence, entry });
  found.sort((a, b) => a.occurrence - b.occurrence);
  const matching: { rule: SecurityRule; entries: string[] }[] = [];
  let last = -1;
  for (const { occurrence, entry } of found) {
    const ruleIndex = entries.ruleOf[occurrence]!;
    if (ruleIndex !== last) matching.push({ rule: entries.rules[ruleIndex]!, entries: [] });
    matching.at(-1)!.entries.push(entry);
    last = ruleIndex;
  }
  return matching;
}
