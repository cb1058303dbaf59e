// IP prefix parsing and arithmetic (IPv4 and IPv6, as bigint) for subnet, NSG and firewall address entries.
import ipaddr from "ipaddr.js";
import { isPlainIpv4Prefix, readPlainIpv4Prefix } from "./ipv4-syntax.ts";

export type IpFamily = 4 | 6;

export interface Prefix {
  readonly family: IpFamily;
  /** First address, host bits zeroed. */
  readonly network: bigint;
  readonly length: number;
  /** Canonical "a.b.c.d/len", or RFC 5952 compressed IPv6 "fd00::/64". */
  readonly text: string;
}

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** Azure keeps the first four addresses and the last one of every subnet prefix. */
export const azureReservedAddressesPerPrefix = 5;

const lengthPattern = /^(0|[1-9][0-9]{0,2})$/;

export function addressBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function hostMask(family: IpFamily, length: number): bigint {
  return (1n << BigInt(addressBits(family) - length)) - 1n;
}

function toBigInt(bytes: readonly number[]): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function toBytes(value: bigint, byteCount: number): number[] {
  const bytes: number[] = [];
  for (let i = byteCount - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return bytes;
}

function formatAddress(family: IpFamily, value: bigint): string {
  if (family === 4) return toBytes(value, 4).join(".");
  const bytes = toBytes(value, 16);
  const parts = Array.from({ length: 8 }, (_, i) => bytes[2 * i]! * 256 + bytes[2 * i + 1]!);
  return new ipaddr.IPv6(parts).toRFC5952String();
}

/**
 * Strict single-address parse. IPv4 must be four decimal parts without leading zeros: ipaddr.js would
 * otherwise accept "10" or "0x0a.0.0.1", forms Azure never stores. Zone ids ("fe80::1%eth0") mean
 * nothing outside one host, so they are rejected.
 */
function parseBareAddress(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return { family: 4, value: toBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  }
  if (text.includes("%") || !ipaddr.IPv6.isValid(text)) return undefined;
  return { family: 6, value: toBigInt(ipaddr.IPv6.parse(text).toByteArray()) };
}

/** A single IP address ("10.0.0.4", "fd00::4"); surrounding whitespace is ignored, prefixes are rejected. */
export function parseAddress(text: unknown): IpAddress | undefined {
  if (typeof text !== "string") return undefined;
  const trimmed = text.trim();
  if (trimmed.includes("/")) return undefined;
  return parseBareAddress(trimmed);
}

interface ParsedEntry {
  readonly address: IpAddress;
  readonly length: number;
}

function parseEntry(text: unknown): ParsedEntry | undefined {
  if (typeof text !== "string") return undefined;
  const [addressText = "", lengthText, ...rest] = text.trim().split("/");
  if (rest.length > 0) return undefined;
  const address = parseBareAddress(addressText);
  if (address === undefined) return undefined;
  const bits = addressBits(address.family);
  if (lengthText === undefined) return { address, length: bits };
  if (!lengthPattern.test(lengthText)) return undefined;
  const length = Number(lengthText);
  return length <= bits ? { address, length } : undefined;
}

export function formatPrefix(family: IpFamily, network: bigint, length: number): string {
  return `${formatAddress(family, network)}/${String(length)}`;
}

/** Builds a prefix from any address inside it; host bits are cleared. */
export function makePrefix(family: IpFamily, address: bigint, length: number): Prefix {
  const network = address & ~hostMask(family, length);
  return { family, network, length, text: formatPrefix(family, network, length) };
}

/** Prefixes are immutable, so one parse serves every caller; the bound keeps memory flat on odd inputs. */
const prefixCache = new Map<string, Prefix | undefined>();
const prefixCacheLimit = 200_000;

/**
 * "10.0.0.0/24", "fd00::/64", or a bare address (→ /32, /128). Host bits ("10.0.0.5/24") are accepted and
 * cleared: Azure rejects them on subnets, but NSG and firewall entries carry them. Never throws.
 */
export function parsePrefix(text: unknown): Prefix | undefined {
  if (typeof text !== "string") return undefined;
  // A fleet repeats the same few thousand entries across subnets, NSG rules and plans; parsing is the hot path.
  const cached = prefixCache.get(text);
  if (cached !== undefined || prefixCache.has(text)) return cached;
  const prefix = isPlainIpv4Prefix(text) ? plainIpv4Prefix(text) : parsedPrefix(text);
  if (prefixCache.size >= prefixCacheLimit) prefixCache.clear();
  prefixCache.set(text, prefix);
  return prefix;
}

function parsedPrefix(text: string): Prefix | undefined {
  const entry = parseEntry(text);
  return entry === undefined
    ? undefined
    : makePrefix(entry.address.family, entry.address.value, entry.length);
}

/**
 * `parsedPrefix` of an entry `isPlainIpv4Prefix` accepts, in number arithmetic: the generic path takes about 15
 * bigint steps and two ipaddr.js parses for it, 7 µs an entry, and a fleet's subnets and rules bring tens of
 * thousands of distinct ones (docs/performance.md). A prefix without host bits is its own canonical text.
 */
function plainIpv4Prefix(text: string): Prefix {
  const plain = readPlainIpv4Prefix(text);
  const { address } = plain;
  const length = plain.length ?? 32;
  const network = address - (address % 2 ** (32 - length));
  // "10.0.0.0/24" is already what formatPrefix would write; "10.0.0.5/24" and "10.0.0.4" are not.
  const canonical = network === address && plain.length !== undefined;
  return {
    family: 4,
    network: BigInt(network),
    length,
    text: canonical ? text : `${dottedQuad(network)}/${String(length)}`,
  };
}

function dottedQuad(value: number): string {
  return `${String(value >>> 24)}.${String((value >>> 16) & 255)}.${String((value >>> 8) & 255)}.${String(value & 255)}`;
}

/** True when a valid prefix has bits set beyond its length ("10.0.0.5/24"); false for anything else. */
export function hasHostBits(text: unknown): boolean {
  const entry = parseEntry(text);
  return entry !== undefined && (entry.address.value & hostMask(entry.address.family, entry.length)) !== 0n;
}

export function lastAddress(p: Prefix): bigint {
  return p.network | hostMask(p.family, p.length);
}

export function isSingleAddress(p: Prefix): boolean {
  return p.length === addressBits(p.family);
}

export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  return (
    outer.family === inner.family &&
    outer.length <= inner.length &&
    (inner.network & ~hostMask(outer.family, outer.length)) === outer.network
  );
}

export function prefixContainsAddress(prefix: Prefix, address: IpAddress): boolean {
  return (
    prefix.family === address.family &&
    (address.value & ~hostMask(prefix.family, prefix.length)) === prefix.network
  );
}

/** Aligned prefixes either nest or are disjoint, so overlap is containment one way or the other. */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return prefixContains(a, b) || prefixContains(b, a);
}

export function addressCount(p: Prefix): bigint {
  return 1n << BigInt(addressBits(p.family) - p.length);
}

/** Addresses left for resources in a subnet prefix; IPv6 is capped at Number.MAX_SAFE_INTEGER. */
export function usableAddressCount(p: Prefix): number {
  const usable = addressCount(p) - BigInt(azureReservedAddressesPerPrefix);
  if (usable <= 0n) return 0;
  return usable > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(usable);
}
