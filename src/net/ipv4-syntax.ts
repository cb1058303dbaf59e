// The common address entry, an IPv4 prefix written plainly, recognised and read by its characters alone.

const zero = 0x30;
const nine = 0x39;
const dot = 0x2e;
const slash = 0x2f;

/**
 * Whether `text` is `a.b.c.d` or `a.b.c.d/n` written exactly as `parsePrefix` (prefix.ts) accepts it: four
 * decimal parts without leading zeros, each at most 255, a length of at most 32 without a leading zero, and no
 * whitespace. True means `parsePrefix(text)` gives an IPv4 prefix; false means nothing, ask `parsePrefix`.
 * Reading 10,000 clusters validates about 1.5 million entries, and a cache lookup per entry cost more than
 * this scan (docs/performance.md).
 */
export function isPlainIpv4Prefix(text: string): boolean {
  const end = text.length;
  let parts = 1;
  let digits = 0;
  let value = 0;
  let position = 0;
  for (; position < end; position++) {
    const code = text.charCodeAt(position);
    if (code >= zero && code <= nine) {
      // A second digit after a leading 0 ("01") is not the four-part decimal form.
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (code - zero);
      digits++;
      if (value > 255) return false;
    } else if (code === dot) {
      if (digits === 0 || parts === 4) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (code === slash) break;
    else return false;
  }
  if (parts !== 4 || digits === 0) return false;
  if (position === end) return true;
  const lengthDigits = end - position - 1;
  if (lengthDigits < 1 || lengthDigits > 2) return false;
  const first = text.charCodeAt(position + 1) - zero;
  const second = lengthDigits === 2 ? text.charCodeAt(position + 2) - zero : 0;
  if (first < 0 || first > 9 || second < 0 || second > 9) return false;
  if (lengthDigits === 2 && first === 0) return false;
  return (lengthDigits === 2 ? first * 10 + second : first) <= 32;
}

/** What a text `isPlainIpv4Prefix` accepts says: its address as a number, and its length when it gives one. */
export interface PlainIpv4Prefix {
  readonly address: number;
  readonly length: number | undefined;
}

/** Reads a text `isPlainIpv4Prefix` accepted; any other text gives a meaningless answer. */
export function readPlainIpv4Prefix(text: string): PlainIpv4Prefix {
  let address = 0;
  let part = 0;
  let position = 0;
  for (; position < text.length; position++) {
    const code = text.charCodeAt(position);
    if (code === dot) {
      address = address * 256 + part;
      part = 0;
    } else if (code === slash) break;
    else part = part * 10 + (code - zero);
  }
  address = address * 256 + part;
  return { address, length: position < text.length ? Number(text.slice(position + 1)) : undefined };
}
