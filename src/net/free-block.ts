// Finds the lowest free aligned block (e.g. a /28 for an API server subnet) in a VNet address space.
import { addressBits, lastAddress, makePrefix } from "./prefix.ts";
import type { Prefix } from "./prefix.ts";

function byAddress(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}

function alignUp(value: bigint, blockSize: bigint): bigint {
  return ((value + blockSize - 1n) / blockSize) * blockSize;
}

/**
 * Walks `taken` (sorted by first address) once, jumping the cursor past every taken range it collides with,
 * so a /8 with hundreds of subnets costs one pass over the subnets, not one step per candidate block.
 */
function lowestFreeBlockIn(space: Prefix, taken: readonly Prefix[], length: number): Prefix | undefined {
  const blockSize = 1n << BigInt(addressBits(space.family) - length);
  const spaceEnd = lastAddress(space);
  let cursor = space.network;
  for (const range of taken) {
    // A taken range only counts against a space of its own family.
    if (range.family !== space.family) continue;
    if (cursor + blockSize - 1n > spaceEnd) return undefined;
    if (lastAddress(range) < cursor) continue;
    if (range.network > cursor + blockSize - 1n) break;
    cursor = alignUp(lastAddress(range) + 1n, blockSize);
  }
  return cursor + blockSize - 1n <= spaceEnd ? makePrefix(space.family, cursor, length) : undefined;
}

/** One address space searched many times, as one run's plans claim /28 after /28 in the same VNet. */
export interface AddressRoom {
  /** What `lowestFreeBlock` answers for this space and every range taken so far. */
  lowestFree(length: number): Prefix | undefined;
  /** Counts `prefix` as taken from now on (a block just proposed, say). */
  take(prefix: Prefix): void;
}

/** The index of the first range that sorts after `prefix`, so inserting there keeps `sorted` in order. */
function insertionIndex(sorted: readonly Prefix[], prefix: Prefix): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byAddress(sorted[middle]!, prefix) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The space and the taken ranges are sorted once, and a taken block is inserted in order, so each search is one
 * pass over the ranges instead of a copy, a filter and a sort of them.
 */
export function addressRoom(addressSpace: readonly Prefix[], taken: readonly Prefix[]): AddressRoom {
  const spaces = [...addressSpace].sort(byAddress);
  const sortedTaken = [...taken].sort(byAddress);
  return {
    lowestFree(length) {
      for (const space of spaces) {
        const fits =
          Number.isInteger(length) && length >= space.length && length <= addressBits(space.family);
        if (!fits) continue;
        const block = lowestFreeBlockIn(space, sortedTaken, length);
        if (block !== undefined) return block;
      }
      return undefined;
    },
    take(prefix) {
      sortedTaken.splice(insertionIndex(sortedTaken, prefix), 0, prefix);
    },
  };
}

/**
 * The lowest-addressed aligned block of `length` that lies inside one address-space prefix and overlaps
 * none of `taken`. IPv4 spaces are searched before IPv6 ones; a taken prefix only counts against spaces of
 * its own family. Undefined when no space has room (or `length` cannot fit any space).
 */
export function lowestFreeBlock(
  addressSpace: readonly Prefix[],
  taken: readonly Prefix[],
  length: number,
): Prefix | undefined {
  return addressRoom(addressSpace, taken).lowestFree(length);
}
