// Where a row ends, guessed from how writers lay rows out, so that json-stream.ts can hand it to JSON.parse
// without walking its bytes. A guess only: the caller parses it, and walks the bytes when JSON.parse refuses.

import { closeBrace, comma, isWhitespace, lineFeed, openBrace, space, tab } from "./json-bytes.ts";

/** `\n<indentation>}` for each indentation seen; a file has a few, so the map stays small. */
const closingLines = new Map<string, Buffer>();
const closingLineLimit = 64;

function closingLine(indentation: Buffer): Buffer {
  const key = indentation.toString("latin1");
  let line = closingLines.get(key);
  if (line === undefined) {
    line = Buffer.concat([Buffer.of(lineFeed), indentation, Buffer.of(closeBrace)]);
    if (closingLines.size >= closingLineLimit) closingLines.clear();
    closingLines.set(key, line);
  }
  return line;
}

/**
 * Where the object whose `{` is at `start` ends (the index after its `}`), if the file lays rows out one of the
 * two common ways, and the object ends inside this chunk:
 * - **one row a line**: the object is the rest of its line, a trailing comma aside (`jq -c`, NDJSON-like
 *   exports, the bench's snapshot);
 * - **indented**: the `{` ends its line and the object closes on the first line that holds only `}` at the
 *   opening line's indentation (`JSON.stringify(…, null, 2)`, this tool's `export`, `az … -o json`, Python's
 *   `json.dumps(indent=…)`): inner lines are indented deeper and strings hold no raw line break.
 *
 * Why a guess is enough: JSON.parse accepts a text only when it is one whole value, and the value that begins at
 * this `{` ends at its matching `}`. A candidate JSON.parse accepts is therefore exactly the object.
 */
export function layoutEnd(chunk: Buffer, start: number): number | undefined {
  const newline = chunk.indexOf(lineFeed, start);
  if (newline === -1) return undefined;
  let last = newline;
  while (last > start && isWhitespace(chunk[last - 1])) last--;
  if (chunk[last - 1] === comma) last--;
  while (last > start && isWhitespace(chunk[last - 1])) last--;
  if (chunk[last - 1] === closeBrace && last - 1 > start) return last;
  if (last - 1 !== start || chunk[start] !== openBrace) return undefined;
  // Indented: the `{` is the last thing on its line; its indentation is what precedes it back to a line feed.
  let lineStart = start;
  while (lineStart > 0 && (chunk[lineStart - 1] === space || chunk[lineStart - 1] === tab)) lineStart--;
  if (lineStart === 0 || chunk[lineStart - 1] !== lineFeed) return undefined;
  const closing = closingLine(chunk.subarray(lineStart, start));
  const found = chunk.indexOf(closing, newline);
  return found === -1 ? undefined : found + closing.length;
}
