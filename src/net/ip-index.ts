// Finds, in one lookup per rule entry, which known single IPs (e.g. API server IPs) an address entry pins.
import { isSingleAddress, parsePrefix } from "./prefix.ts";
import type { Prefix } from "./prefix.ts";

export interface IpIndexHit<T> {
  /** Canonical form of the indexed address: "10.1.2.4", "fd00::4". */
  readonly ip: string;
  /** Every value indexed under that address, in insertion order. */
  readonly values: readonly T[];
}

export interface IpIndex<T> {
  /** Number of distinct addresses indexed. */
  readonly size: number;
  /**
   * The hit when `entry` is exactly an indexed IP or its /32 (/128), in any textual form. A wider prefix, a range,
   * `*`, a service tag or an FQDN pins no single IP and returns undefined (DESIGN §4 "exactly, or is the /32").
   */
  lookupEntry(entry: string): IpIndexHit<T> | undefined;
}

interface IndexedAddress<T> {
  readonly ip: string;
  readonly values: T[];
}

/** Characters an address or prefix can hold; rules are mostly tags, `*` and names, which fail fast here. */
const addressCharacters = /^[\s0-9a-f.:/]*$/i;

function singleAddress(text: string): Prefix | undefined {
  // parsePrefix spends ~10 µs on each non-address string (the IPv6 check); too slow across a fleet.
  if (!addressCharacters.test(text)) return undefined;
  const prefix = parsePrefix(text);
  return prefix !== undefined && isSingleAddress(prefix) ? prefix : undefined;
}

/** Family and value, so that equal addresses written differently ("fd00::0004", "fd00::4") share a key. */
function addressKey(address: Prefix): string {
  return `${String(address.family)}:${address.network.toString(16)}`;
}

function canonicalText(address: Prefix): string {
  return address.text.slice(0, address.text.lastIndexOf("/"));
}

/** Entries whose `ip` is not a single address (or its /32, /128) are left out: they can never be pinned. */
export function buildIpIndex<T>(entries: Iterable<{ readonly ip: string; readonly value: T }>): IpIndex<T> {
  const byKey = new Map<string, IndexedAddress<T>>();
  for (const { ip, value } of entries) {
    const address = singleAddress(ip);
    if (address === undefined) continue;
    const key = addressKey(address);
    const indexed = byKey.get(key);
    if (indexed === undefined) byKey.set(key, { ip: canonicalText(address), values: [value] });
    else indexed.values.push(value);
  }
  // A fleet's rules repeat the same few thousand entries ("*", tags, the same prefixes): each is answered once
  // (the bound keeps memory flat when they do not).
  const answers = new Map<string, IpIndexHit<T> | null>();
  return {
    size: byKey.size,
    lookupEntry(entry: string): IpIndexHit<T> | undefined {
      let answer = answers.get(entry);
      if (answer === undefined) {
        const address = singleAddress(entry);
        answer = (address === undefined ? undefined : byKey.get(addressKey(address))) ?? null;
        if (answers.size >= 100_000) answers.clear();
        answers.set(entry, answer);
      }
      return answer ?? undefined;
    },
  };
}
