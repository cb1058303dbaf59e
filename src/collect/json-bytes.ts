// The bytes JSON's structure is made of, for the readers that walk a file's bytes (json-stream.ts, json-layout.ts).

export const quote = 0x22;
export const backslash = 0x5c;
export const openBrace = 0x7b;
export const closeBrace = 0x7d;
export const openBracket = 0x5b;
export const closeBracket = 0x5d;
export const comma = 0x2c;
export const colon = 0x3a;
export const lineFeed = 0x0a;
export const space = 0x20;
export const tab = 0x09;
export const carriageReturn = 0x0d;

/** JSON's whitespace: space, tab, line feed, carriage return. Undefined (past a buffer's end) is none. */
export function isWhitespace(byte: number | undefined): boolean {
  return byte === space || byte === lineFeed || byte === carriageReturn || byte === tab;
}
