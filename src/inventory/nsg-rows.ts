// NSG rows handed between threads: which rows of a file are NSGs, told from their bytes, and the NSGs a worker
// read, written compactly for the thread that builds the inventory (src/inventory/parallel-read.ts).
//
// An NSG row is 46 % of a 10,000-cluster snapshot's bytes (400,000 security rules) and its normalizer the largest
// one, so reading those rows on a second core is the one split of the read that pays. The NSGs cannot cross as
// objects: the structured clone of M's NSGs took longer than reading them (docs/performance.md). Written as below
// (the NSGs as JSON, their 400,000 rules as 21 MB of numbers) the main thread rebuilds them in about 0.3 s.
import type { Recency } from "./duplicates.ts";
import type { SeenRow } from "./builder.ts";
import { childPrefixes, noItems, type SharedLists } from "./compact.ts";
import type { NetworkSecurityGroup, SecurityRule } from "./model.ts";

/** The type Resource Graph gives an NSG row (lower-cased, as it writes every type). */
export const nsgRowType = "microsoft.network/networksecuritygroups";

/** Compact, as Resource Graph answers; indented, as `az graph query` prints and the export writes. */
const typeFields = [Buffer.from(`"type":"${nsgRowType}"`), Buffer.from(`"type": "${nsgRowType}"`)];

/**
 * Whether a row whose text begins with `head` (json-stream.ts `leaveHeadBytes`) reads as an NSG row as Resource
 * Graph writes one: its `type` right after its `id` and `name`. A guess only, and both ways safe: an NSG written
 * otherwise (ARM's `Microsoft.Network/networkSecurityGroups`) is read on the main thread, and a row taken for one
 * that is not is found out after the read, which then starts over on one thread (parallel-read.ts).
 */
export function isNsgRowText(head: Buffer): boolean {
  return typeFields.some((field) => head.includes(field));
}

/** Numbers a rule takes in `NsgBatch.rules`, in this order. */
const ruleFields = [
  "name",
  "isDefault",
  "priority",
  "direction",
  "access",
  "protocol",
  "sourceAddressPrefixes",
  "destinationAddressPrefixes",
  "sourcePortRanges",
  "destinationPortRanges",
  "sourceApplicationSecurityGroupIds",
  "destinationApplicationSecurityGroupIds",
  "description",
] as const satisfies readonly (keyof SecurityRule)[];
const stride = ruleFields.length;
/** `description` when the rule has none. */
const noDescription = -1;

/**
 * One batch as it crosses to the main thread. The NSGs are JSON, each with its rule count where its rules go. Each
 * rule is `stride` numbers: indexes into `strings` (name, direction, access, protocol, description) and `lists`,
 * the flag `isDefault` and the priority. Its ids are left out: they are the ones `childIds` builds from its NSG's
 * id, its list and its name, which holds for every rule whose key was claimed as native (see `encodeNsgBatch`).
 * The numbers go in
 * a transferred buffer, so the main thread copies nothing and parses only the NSGs' JSON; as JSON the rules
 * made the main thread's merge three times slower (docs/performance.md).
 */
export interface NsgBatch {
  readonly groups: string;
  readonly strings: readonly string[];
  readonly lists: readonly (readonly string[])[];
  readonly rules: Int32Array<ArrayBuffer>;
}

/** The NSG with its rule count in place of its rules (so its keys keep their order), and its row's `seen`. */
type EncodedGroup = [
  group: Omit<NetworkSecurityGroup, "securityRules"> & { securityRules: number },
  seenType: string,
  lastModifiedAt: string | null,
  provisioningState: string | null,
];

/** Distinct values numbered in the order first seen. */
class Numbering<T> {
  readonly values: T[] = [];
  readonly #numbers = new Map<unknown, number>();

  number(value: T, key: unknown = value): number {
    let number = this.#numbers.get(key);
    if (number === undefined) {
      number = this.values.push(value) - 1;
      this.#numbers.set(key, number);
    }
    return number;
  }
}

/**
 * The NSGs as one batch, or undefined when a rule's priority is not a 32-bit integer (Azure's are 100–4096, and
 * 65000–65500 for the defaults). Every rule must have the ids `childIds` builds for its NSG: the normalizer
 * claims such a rule's key as native, any other as foreign (`SecurityRuleKeys.foreignCount`), and a worker that
 * claimed a foreign key is not merged, since those claims are decided fleet-wide, by one thread.
 */
export function encodeNsgBatch(
  groups: readonly NetworkSecurityGroup[],
  seen: ReadonlyMap<string, SeenRow>,
): NsgBatch | undefined {
  const strings = new Numbering<string>();
  const lists = new Numbering<readonly string[]>();
  const byContent = new Map<string, number>();
  // Shared lists (frozen) are numbered by identity; a list of its own by its items, so equal ones cross once.
  const list = (items: readonly string[]): number => {
    if (Object.isFrozen(items)) return lists.number(items);
    const content = JSON.stringify(items);
    let number = byContent.get(content);
    if (number === undefined) {
      number = lists.number(items, content);
      byContent.set(content, number);
    }
    return number;
  };
  const ruleCount = groups.reduce((count, group) => count + group.securityRules.length, 0);
  const rules = new Int32Array(ruleCount * stride);
  const encoded: EncodedGroup[] = [];
  let at = 0;
  for (const group of groups) {
    const row = seen.get(group.key);
    if (row === undefined) return undefined;
    for (const rule of group.securityRules) {
      if ((rule.priority | 0) !== rule.priority) return undefined;
      rules[at++] = strings.number(rule.name);
      rules[at++] = rule.isDefault ? 1 : 0;
      rules[at++] = rule.priority;
      rules[at++] = strings.number(rule.direction);
      rules[at++] = strings.number(rule.access);
      rules[at++] = strings.number(rule.protocol);
      rules[at++] = list(rule.sourceAddressPrefixes);
      rules[at++] = list(rule.destinationAddressPrefixes);
      rules[at++] = list(rule.sourcePortRanges);
      rules[at++] = list(rule.destinationPortRanges);
      rules[at++] = list(rule.sourceApplicationSecurityGroupIds);
      rules[at++] = list(rule.destinationApplicationSecurityGroupIds);
      rules[at++] = rule.description === undefined ? noDescription : strings.number(rule.description);
    }
    const { recency } = row;
    encoded.push([
      { ...group, securityRules: group.securityRules.length },
      row.type,
      recency.lastModifiedAt ?? null,
      recency.provisioningState ?? null,
    ]);
  }
  return { groups: JSON.stringify(encoded), strings: strings.values, lists: lists.values, rules };
}

/** One NSG of a batch as the normalizer would have read it, and what `seen` holds for its row. */
export interface DecodedGroup {
  readonly group: NetworkSecurityGroup;
  readonly seen: SeenRow;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The NSGs of a batch, their one-item lists shared through `lists` as the normalizer shares them. */
export function* decodeNsgBatch(batch: NsgBatch, lists: SharedLists): Generator<DecodedGroup> {
  const { strings, rules } = batch;
  const shared = batch.lists.map((items) =>
    items.length === 0 ? noItems : items.length === 1 ? lists.list(items) : items,
  );
  let at = 0;
  for (const [encoded, seenType, lastModifiedAt, provisioningState] of JSON.parse(
    batch.groups,
  ) as EncodedGroup[]) {
    const group = encoded as unknown as Writable<NetworkSecurityGroup>;
    const count = encoded.securityRules;
    const custom = childPrefixes(group.id, group.key, "securityRules");
    const defaults = childPrefixes(group.id, group.key, "defaultSecurityRules");
    const read: SecurityRule[] = new Array<SecurityRule>(count);
    for (let index = 0; index < count; index++, at += stride) {
      const name = strings[rules[at]!]!;
      const isDefault = rules[at + 1] === 1;
      const { idPrefix, keyPrefix } = isDefault ? defaults : custom;
      const description = rules[at + 12]!;
      // In the order readSecurityRule (nsg.ts) writes a rule, so every rule has one shape.
      read[index] = {
        id: idPrefix + name,
        key: keyPrefix + name.toLowerCase(),
        name,
        nsgKey: group.key,
        isDefault,
        priority: rules[at + 2]!,
        direction: strings[rules[at + 3]!] as SecurityRule["direction"],
        access: strings[rules[at + 4]!] as SecurityRule["access"],
        protocol: strings[rules[at + 5]!]!,
        sourceAddressPrefixes: shared[rules[at + 6]!]!,
        destinationAddressPrefixes: shared[rules[at + 7]!]!,
        sourcePortRanges: shared[rules[at + 8]!]!,
        destinationPortRanges: shared[rules[at + 9]!]!,
        sourceApplicationSecurityGroupIds: shared[rules[at + 10]!]!,
        destinationApplicationSecurityGroupIds: shared[rules[at + 11]!]!,
        description: description === noDescription ? undefined : strings[description],
      };
    }
    // Assigned in place: the count held the key where the normalizer put it.
    group.securityRules = read;
    if (group.subnetIds.length === 0) group.subnetIds = noItems;
    const recency: Recency = {
      lastModifiedAt: lastModifiedAt ?? undefined,
      provisioningState: provisioningState ?? undefined,
    };
    yield { group, seen: { source: group.source, type: seenType, recency } };
  }
}
