// Reads a large JSON file without holding its text: the outer objects are walked byte by byte, each array element parsed alone.
import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import {
  backslash,
  closeBrace,
  closeBracket,
  colon,
  comma,
  isWhitespace,
  openBrace,
  openBracket,
  quote,
} from "./json-bytes.ts";
import { layoutEnd } from "./json-layout.ts";

/**
 * Objects this deep or shallower are walked; deeper values and every array element are cut out and handed to
 * JSON.parse one at a time. Depth 2 covers every snapshot shape: `[row…]`, `{data:[row…]}`, `{resources:[row…]}`
 * and the export's `{tables:{resources:[row…]}}`. A 500 MB file then never exists as one string (V8 caps strings
 * at about 512 MB, and the string plus its parse would need several times the file's size).
 */
const walkedObjectDepth = 2;

/**
 * Layout cuts JSON.parse refused, after which a file is walked byte by byte without guessing again: a file laid
 * out some other way pays at most this many failed parses.
 */
const layoutMissLimit = 16;

/** Backslashes right before `end`, counting the one carried over from the previous chunk when the run reaches `from`. */
function backslashesBefore(chunk: Buffer, from: number, end: number, carried: boolean): number {
  let count = 0;
  while (end - count - 1 >= from && chunk[end - count - 1] === backslash) count++;
  return end - count === from && carried ? count + 1 : count;
}

/** Index of the quote that closes a string begun before `from`, or undefined when the string goes past the chunk. */
function stringEnd(chunk: Buffer, from: number, carried: boolean): number | undefined {
  for (let search = from; ;) {
    const found = chunk.indexOf(quote, search);
    if (found === -1) return undefined;
    if (backslashesBefore(chunk, from, found, carried) % 2 === 0) return found;
    search = found + 1;
  }
}

/** Whether the chunk ends in the middle of an escape (an odd run of backslashes). */
function trailingEscape(chunk: Buffer, from: number, carried: boolean): boolean {
  return backslashesBefore(chunk, from, chunk.length, carried) % 2 === 1;
}

type Expect = "key" | "colon" | "value" | "commaOrEnd" | "firstKey" | "firstValue";

interface Frame {
  readonly value: Record<string, unknown> | unknown[];
  readonly isArray: boolean;
  expect: Expect;
  key: string;
}

/**
 * One value being cut out: its text so far, and where the scan is inside it. A value that spans chunks is decoded
 * chunk by chunk, so the file's chunks are freed as they are read: holding them until the value ends, then
 * joining and decoding them, kept three copies of a 227 MB row alive at once (issue 11: 10^6 agent pools).
 */
interface Slice {
  readonly parts: string[];
  /** Set once the value spans chunks; keeps a UTF-8 sequence that straddles two chunks whole. */
  decoder: StringDecoder | undefined;
  readonly kind: "container" | "string" | "scalar";
  depth: number;
  inString: boolean;
  escaped: boolean;
}

/**
 * Called for each element of a walked array with the object keys leading to that array (`[]` for a root array,
 * `["tables", "resources"]` for an export's table). Returning true takes the element: it is not added to the
 * array, so a caller can consume rows as they are read and the file's rows never all live at once.
 */
export type TakeElement = (path: readonly string[], element: unknown, array: readonly unknown[]) => boolean;

/**
 * Called when a walked object repeats a key (`{"resources":[…],"resources":[…]}`). JSON.parse keeps the last
 * value silently, which can empty a table. When both values are arrays the second one's elements go into the
 * first (`merged`), so every row is read; any other repeat keeps the last value and the caller reports it.
 * `path` leads to the object holding the key.
 */
export type RepeatedKey = (path: readonly string[], key: string, merged: boolean) => void;

/**
 * Asked of each array element that is an object before JSON.parse sees it, with the first `leaveHeadBytes` of its
 * UTF-8 text: true hands `unparsedElement` to the take in place of its value. A reader that splits a file's rows
 * with another thread leaves that thread's rows unparsed (src/inventory/parallel-read.ts).
 */
export type LeaveElement = (path: readonly string[], head: Buffer) => boolean;

/** How much of an element `LeaveElement` is shown: enough for the fields a writer puts first (id, name, type). */
export const leaveHeadBytes = 1024;

/** What the take receives for an element `LeaveElement` left unparsed. */
export const unparsedElement: unique symbol = Symbol("unparsed element");

class StreamingJsonParser {
  readonly #stack: Frame[] = [];
  readonly #take: TakeElement | undefined;
  readonly #repeatedKey: RepeatedKey | undefined;
  readonly #leave: LeaveElement | undefined;
  #slice: Slice | undefined;
  #root: { value: unknown } | undefined;
  #offset = 0;
  #started = false;
  /** Layout cuts JSON.parse refused (see `layoutMissLimit`). */
  #layoutMisses = 0;

  constructor(take?: TakeElement, repeatedKey?: RepeatedKey, leave?: LeaveElement) {
    this.#take = take;
    this.#repeatedKey = repeatedKey;
    // Only a take can receive an element left unparsed; without one it would land in the array.
    this.#leave = take === undefined ? undefined : leave;
  }

  get result(): { value: unknown } | undefined {
    return this.#root;
  }

  push(chunk: Buffer): void {
    let position = 0;
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) position = 3;
    }
    while (position < chunk.length) {
      position = this.#slice
        ? this.#scanSlice(chunk, position, this.#slice)
        : this.#structural(chunk, position);
    }
    this.#offset += chunk.length;
  }

  end(): void {
    if (this.#slice?.kind === "scalar") this.#finishSlice(Buffer.alloc(0), 0, 0, this.#slice);
    if (this.#slice !== undefined || this.#stack.length > 0)
      throw new SyntaxError("Unexpected end of JSON input");
    if (this.#root === undefined) throw new SyntaxError("Unexpected end of JSON input");
  }

  #fail(chunk: Buffer, position: number): never {
    const character = String.fromCharCode(chunk[position] ?? 0);
    throw new SyntaxError(`Unexpected character "${character}" at byte ${this.#offset + position}`);
  }

  /** Returns the position after the slice's end, or the chunk's length when the slice goes on. */
  #scanSlice(chunk: Buffer, start: number, slice: Slice): number {
    if (slice.kind === "container" && slice.depth === 0 && this.#layoutMisses < layoutMissLimit) {
      const end = this.#layoutElement(chunk, start);
      if (end !== undefined) return end;
    }
    if (slice.kind === "scalar") {
      for (let position = start; position < chunk.length; position++) {
        const byte = chunk[position]!;
        if (byte === comma || byte === closeBrace || byte === closeBracket || isWhitespace(byte)) {
          this.#finishSlice(chunk, start, position, slice);
          return position;
        }
      }
      this.#keep(chunk, start, slice);
      return chunk.length;
    }
    let { depth, inString, escaped } = slice;
    for (let position = start; position < chunk.length; position++) {
      if (inString) {
        // Strings are most of the bytes: jump from quote to quote instead of walking each character.
        const end = stringEnd(chunk, position, escaped);
        if (end === undefined) {
          escaped = trailingEscape(chunk, position, escaped);
          break;
        }
        escaped = false;
        inString = false;
        position = end;
        if (slice.kind === "string") {
          this.#finishSlice(chunk, start, end + 1, slice);
          return end + 1;
        }
        continue;
      }
      const byte = chunk[position]!;
      if (byte === quote) inString = true;
      else if (byte === openBrace || byte === openBracket) depth++;
      else if (byte === closeBrace || byte === closeBracket) {
        depth--;
        if (depth === 0) {
          this.#finishSlice(chunk, start, position + 1, slice);
          return position + 1;
        }
      }
    }
    slice.depth = depth;
    slice.inString = inString;
    slice.escaped = escaped;
    this.#keep(chunk, start, slice);
    return chunk.length;
  }

  /**
   * The object that starts at `start`, cut where the file's layout says it ends (`layoutEnd`: one row a line, or
   * indented) and handed to JSON.parse without a walk over its bytes. When the layout guessed wrong or the text
   * is not valid JSON, JSON.parse refuses it and the byte walk takes the element, with the same result and
   * errors as before.
   */
  #layoutElement(chunk: Buffer, start: number): number | undefined {
    const end = layoutEnd(chunk, start);
    if (end === undefined) return undefined;
    if (this.#offersLeave() && this.#leaves(chunk.subarray(start, Math.min(end, start + leaveHeadBytes)))) {
      this.#slice = undefined;
      this.#deliver(unparsedElement);
      return end;
    }
    let value: unknown;
    try {
      value = JSON.parse(chunk.toString("utf8", start, end));
    } catch {
      this.#layoutMisses++;
      return undefined;
    }
    this.#slice = undefined;
    this.#deliver(value);
    return end;
  }

  /** The slice goes on past this chunk: its text so far is kept, not the chunk. */
  #keep(chunk: Buffer, start: number, slice: Slice): void {
    slice.decoder ??= new StringDecoder("utf8");
    slice.parts.push(slice.decoder.write(chunk.subarray(start)));
  }

  /**
   * Whether the element being cut could be left unparsed: a leave is set and the element is an array's. Asked
   * first, so that a read without a leave (every one-thread read) builds no head for it.
   */
  #offersLeave(): boolean {
    return this.#leave !== undefined && this.#stack.at(-1)?.isArray === true;
  }

  /** Whether the element being cut, whose text begins with `head`, is left unparsed (see LeaveElement). */
  #leaves(head: Buffer): boolean {
    return this.#leave?.(this.#path(), head) === true;
  }

  #finishSlice(chunk: Buffer, start: number, end: number, slice: Slice): void {
    this.#slice = undefined;
    const offered = slice.kind === "container" && this.#offersLeave();
    if (slice.decoder === undefined) {
      const left = offered && this.#leaves(chunk.subarray(start, Math.min(end, start + leaveHeadBytes)));
      this.#deliver(left ? unparsedElement : JSON.parse(chunk.toString("utf8", start, end)));
      return;
    }
    slice.parts.push(slice.decoder.end(chunk.subarray(start, end)));
    const text = slice.parts.join("");
    // The parts are a second copy of the text: let them go before the parse builds the value.
    slice.parts.length = 0;
    // An element across chunks is shown the same head as one inside a chunk: its text's first bytes.
    const left =
      offered && this.#leaves(Buffer.from(text.slice(0, leaveHeadBytes), "utf8").subarray(0, leaveHeadBytes));
    this.#deliver(left ? unparsedElement : JSON.parse(text));
  }

  #startSlice(byte: number): void {
    const kind =
      byte === openBrace || byte === openBracket ? "container" : byte === quote ? "string" : "scalar";
    this.#slice = {
      parts: [],
      decoder: undefined,
      kind,
      depth: 0,
      inString: false,
      escaped: false,
    };
  }

  #deliver(value: unknown): void {
    const frame = this.#stack.at(-1);
    if (frame === undefined) {
      this.#root = { value };
      return;
    }
    if (frame.isArray) {
      const array = frame.value as unknown[];
      if (this.#take === undefined || !this.#take(this.#path(), value, array)) array.push(value);
    } else if (frame.expect === "key" || frame.expect === "firstKey") {
      frame.key = value as string;
      frame.expect = "colon";
      return;
    } else {
      const holder = frame.value as Record<string, unknown>;
      // A merged array is the value already there (see #open); anything else overwrites the earlier value.
      if (Object.hasOwn(holder, frame.key) && holder[frame.key] !== value)
        this.#repeatedKey?.(this.#path().slice(0, -1), frame.key, false);
      // JSON.parse makes "__proto__" an own property; plain assignment would set the prototype.
      Object.defineProperty(frame.value, frame.key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    frame.expect = "commaOrEnd";
  }

  #path(): string[] {
    return this.#stack.filter((frame) => !frame.isArray).map((frame) => frame.key);
  }

  #open(isArray: boolean): void {
    this.#stack.push({
      value: isArray ? (this.#repeatedArray() ?? []) : {},
      isArray,
      expect: isArray ? "firstValue" : "firstKey",
      key: "",
    });
  }

  /** The array a repeated key already holds, so a table given twice is read whole. */
  #repeatedArray(): unknown[] | undefined {
    const parent = this.#stack.at(-1);
    if (parent === undefined || parent.isArray || !Object.hasOwn(parent.value, parent.key)) return undefined;
    const earlier = (parent.value as Record<string, unknown>)[parent.key];
    if (!Array.isArray(earlier)) return undefined;
    this.#repeatedKey?.(this.#path().slice(0, -1), parent.key, true);
    return earlier as unknown[];
  }

  #close(): void {
    const frame = this.#stack.pop()!;
    this.#deliver(frame.value);
  }

  #startValue(chunk: Buffer, position: number, byte: number): void {
    if (byte === closeBrace || byte === closeBracket || byte === comma || byte === colon)
      this.#fail(chunk, position);
    const depth = this.#stack.length;
    const frame = this.#stack.at(-1);
    const walk = frame === undefined || !frame.isArray;
    if (walk && byte === openBrace && depth < walkedObjectDepth) this.#open(false);
    else if (walk && byte === openBracket && depth <= walkedObjectDepth) this.#open(true);
    else this.#startSlice(byte);
  }

  /** One structural byte (outside any slice); returns the next position. */
  #structural(chunk: Buffer, position: number): number {
    const byte = chunk[position]!;
    if (isWhitespace(byte)) return position + 1;
    const frame = this.#stack.at(-1);
    if (frame === undefined) {
      if (this.#root !== undefined) this.#fail(chunk, position);
      this.#startValue(chunk, position, byte);
      return byte === openBrace || byte === openBracket ? position + 1 : position;
    }
    const closer = frame.isArray ? closeBracket : closeBrace;
    switch (frame.expect) {
      case "firstKey":
      case "key":
        if (frame.expect === "firstKey" && byte === closeBrace) this.#close();
        else if (byte === quote) this.#startSlice(byte);
        else this.#fail(chunk, position);
        return byte === quote ? position : position + 1;
      case "colon":
        if (byte !== colon) this.#fail(chunk, position);
        frame.expect = "value";
        return position + 1;
      case "commaOrEnd":
        if (byte === comma) frame.expect = frame.isArray ? "value" : "key";
        else if (byte === closer) this.#close();
        else this.#fail(chunk, position);
        return position + 1;
      case "firstValue":
      case "value":
        if (frame.expect === "firstValue" && byte === closeBracket) {
          this.#close();
          return position + 1;
        }
        this.#startValue(chunk, position, byte);
        return this.#slice === undefined ? position + 1 : position;
    }
  }
}

/**
 * The file's JSON value, equal to `JSON.parse` of its text except for repeated keys of walked objects (see
 * RepeatedKey); throws SyntaxError on malformed input.
 */
export async function parseJsonFile(
  path: string,
  chunkSize = 1 << 20,
  take?: TakeElement,
  repeatedKey?: RepeatedKey,
  leave?: LeaveElement,
): Promise<unknown> {
  const parser = new StreamingJsonParser(take, repeatedKey, leave);
  for await (const chunk of createReadStream(path, { highWaterMark: chunkSize }))
    parser.push(chunk as Buffer);
  parser.end();
  return parser.result?.value;
}

/**
 * The keys leading to the first element of an array in `head` (a file's first bytes) that `skip` does not pass
 * over, or undefined when no such element is whole in `head`.
 */
export function firstElementPath(
  head: Buffer,
  skip: (path: readonly string[]) => boolean,
): readonly string[] | undefined {
  const found: { path?: readonly string[] } = {};
  const stop = new Error("found");
  const parser = new StreamingJsonParser((path) => {
    if (skip(path)) return false;
    found.path = path;
    throw stop;
  });
  try {
    parser.push(head);
  } catch (error) {
    if (error !== stop) return undefined;
  }
  return found.path;
}

/** `parseJsonFile` of bytes already in memory. */
export function parseJsonBytes(bytes: Buffer, repeatedKey?: RepeatedKey): unknown {
  const parser = new StreamingJsonParser(undefined, repeatedKey);
  parser.push(bytes);
  parser.end();
  return parser.result?.value;
}
