// Reads address fields (prefixes, ranges, single IPs) and drops, with an error diagnostic, any entry that does not parse.
import { isPlainIpv4Prefix } from "../net/ipv4-syntax.ts";
import { parseAddress, parsePrefix } from "../net/prefix.ts";
import type { DroppedElements } from "./content-gaps.ts";
import { describeValue, type Node } from "./read.ts";

export interface AddressSyntax {
  /** `10.0.0.1-10.0.0.9`, as Azure Firewall rules and IP groups allow. */
  readonly ranges: boolean;
  /** Service tags, `*`, `Any`, FQDN-like names: kept as written, not checked. */
  readonly tags: boolean;
}

export const strictPrefixes: AddressSyntax = { ranges: false, tags: false };
export const nsgPrefixes: AddressSyntax = { ranges: false, tags: true };
export const firewallAddresses: AddressSyntax = { ranges: true, tags: true };
export const ipGroupAddresses: AddressSyntax = { ranges: true, tags: false };

/** Service tags start with a letter and hold neither ':' nor '/'; anything else is meant as an address. */
function looksLikeAddress(entry: string): boolean {
  const trimmed = entry.trim();
  return /^[0-9]/.test(trimmed) || trimmed.includes(":") || trimmed.includes("/");
}

function isRange(entry: string): boolean {
  const [first, last, ...rest] = entry.split("-");
  if (rest.length > 0 || first === undefined || last === undefined) return false;
  const from = parseAddress(first);
  const to = parseAddress(last);
  return from !== undefined && to !== undefined && from.family === to.family && from.value <= to.value;
}

export function isValidAddressEntry(entry: string, syntax: AddressSyntax): boolean {
  if (syntax.tags && !looksLikeAddress(entry)) return entry.trim() !== "";
  if (isPlainIpv4Prefix(entry) || parsePrefix(entry) !== undefined) return true;
  return syntax.ranges && isRange(entry);
}

/** Validates entries read from `node[key]`; `path` names each entry in the diagnostic. */
export function keepValidAddresses(
  node: Node,
  key: string,
  entries: readonly string[],
  syntax: AddressSyntax,
): string[] {
  return entries.filter((entry) => {
    if (isValidAddressEntry(entry, syntax)) return true;
    node.report(
      "error",
      "invalid-prefix",
      `${describeValue(entry)} is not a valid IP prefix${syntax.ranges ? " or range" : ""}; dropped from the audit, fix it in Azure or in the input`,
      key,
    );
    return false;
  });
}

/** The address list under `key` (a string or an array of strings), invalid entries dropped. */
export function readAddresses(
  node: Node,
  key: string,
  syntax: AddressSyntax,
  dropped?: DroppedElements,
): string[] {
  return keepValidAddresses(node, key, node.strings(key, dropped), syntax);
}

/**
 * A single private IP. Some ARM bodies write the NIC's secondary prefix into `privateIPAddress`
 * ("172.20.2.16/28"); the address part is the IP Azure assigned, so it is kept without a diagnostic.
 */
export function readIpAddress(node: Node, key: string): string | undefined {
  const text = node.string(key);
  if (text === undefined || text.trim() === "") return undefined;
  const trimmed = text.trim();
  if (parseAddress(trimmed) !== undefined) return trimmed;
  const [address = ""] = trimmed.split("/");
  if (parsePrefix(trimmed) !== undefined && parseAddress(address) !== undefined) return address;
  node.report(
    "error",
    "invalid-address",
    `${describeValue(text)} is not a valid IP address; dropped, fix the input`,
    key,
  );
  return undefined;
}
