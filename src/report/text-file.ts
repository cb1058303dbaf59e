// Writes a file's text from its pieces through two reused buffers, one filling while the other is written.
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";

/** About 1 MB a write call: a file of small pieces is not one write call each. */
export const writeBufferBytes = 1 << 20;

/** UTF-8 takes at most three bytes for each UTF-16 unit (a surrogate pair: four for two). */
const maxBytesPerUnit = 3;

/**
 * The same bytes as `writeFile(path, pieces.join(""), "utf8")`. Joining a large file's pieces into 1 MB strings and
 * copying each into a fresh Buffer put hundreds of MB through V8's large-object space in a render, which forced a
 * full collection of the heap; here each piece is encoded straight into a buffer that is written and used again.
 * The next buffer fills while the previous one is written, so encoding and the disk overlap.
 */
export async function writeTextPieces(
  path: string,
  pieces: Iterable<string>,
  bufferBytes = writeBufferBytes,
): Promise<void> {
  const file = await open(path, "w");
  let writing: Promise<void> = Promise.resolve();
  try {
    let spare = Buffer.allocUnsafe(bufferBytes);
    let filling = Buffer.allocUnsafe(bufferBytes);
    let filled = 0;
    // Hands the filled buffer to the disk once the one before it is written; the spare one fills next.
    const flush = async (): Promise<void> => {
      await writing;
      const full = filling;
      const length = filled;
      writing = writeAll(file, full, length);
      filling = spare;
      spare = full;
      filled = 0;
    };
    for (const piece of pieces) {
      if (piece.length * maxBytesPerUnit > bufferBytes - filled) {
        if (filled > 0) await flush();
        if (piece.length * maxBytesPerUnit > bufferBytes) {
          // A piece larger than a buffer (a whole report.html) is written as it comes, after what came before.
          await writing;
          writing = writeAll(file, Buffer.from(piece, "utf8"));
          continue;
        }
      }
      filled += filling.write(piece, filled, "utf8");
    }
    if (filled > 0) await flush();
    await writing;
  } finally {
    // A piece that threw leaves a write in flight: it ends before the file closes, its own error already told.
    await writing.catch(() => undefined);
    await file.close();
  }
}

/** A write may take fewer bytes than asked (as `writeFile` knows): the rest follows until all are written. */
async function writeAll(file: FileHandle, buffer: Buffer, length = buffer.length): Promise<void> {
  let offset = 0;
  while (offset < length) {
    const { bytesWritten } = await file.write(buffer, offset, length - offset);
    offset += bytesWritten;
  }
}
