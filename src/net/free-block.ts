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
    if (cursor + blockSize - 1n > spaceEnd) return undefined;
    if (lastAddress(range) < cursor) continue;
    if (range.network > cursor + blockSize - 1n) break;
    cursor = alignUp(lastAddress(range) + 1n, blockSize);
  }
  return cursor + blockSize - 1n <= spaceEnd ? makePrefix(space.family, cursor, length) : undefined;
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
  const sortedTaken = [...taken].sort(byAddress);
  for (const space of [...addressSpace].sort(byAddress)) {
    const fits = Number.isInteger(length) && length >= space.length && length <= addressBits(space.family);
    if (!fits) continue;
    const sameFamily = sortedTaken.filter((p) => p.family === space.family);
    const block = lowestFreeBlockIn(space, sameFamily, length);
    if (block !== undefined) return block;
  }
  return undefined;
}
