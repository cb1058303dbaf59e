// Tests for writeTextPieces: the file holds exactly the UTF-8 of the pieces joined, whatever their sizes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTextPieces } from "../../src/report/text-file.ts";
import fc from "fast-check";

async function written(pieces: Iterable<string>, bufferBytes?: number): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "aks-vnet-audit-text-file-"));
  try {
    const path = join(dir, "out.txt");
    await writeTextPieces(path, pieces, bufferBytes);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("writeTextPieces", () => {
  // Buffers of 16 bytes: a piece of up to 5 units fits an empty one, a longer one is written by itself.
  const cases: [name: string, pieces: string[]][] = [
    ["no pieces", []],
    ["empty pieces only", ["", "", ""]],
    ["pieces that fill several buffers", ["abcd", "efgh", "ijkl", "mnop", "qrst", "uvwx", "yz"]],
    ["a piece larger than a buffer, between small ones", ["ab", "x".repeat(40), "cd"]],
    ["a large piece first and last", ["y".repeat(17), "z", "w".repeat(100)]],
    ["two- and three-byte characters", ["é", "ü€", "日本語", "€€€€€", "ñ"]],
    ["a surrogate pair (four bytes)", ["a😀b", "😀😀", "c"]],
    ["a lone surrogate, written as U+FFFD like Buffer.from", ["\ud800", "x\udc00"]],
    ["a piece exactly at the limit", ["12345", "67890", "abcde"]],
  ];
  for (const [name, pieces] of cases) {
    it(`writes ${name}`, async () => {
      assert.deepEqual(await written(pieces, 16), Buffer.from(pieces.join(""), "utf8"));
    });
  }

  it("writes any pieces as one Buffer.from of their join, whatever the buffer size (property)", async () => {
    const unit = fc.constantFrom("a", "Z", "\n", '"', "é", "€", "😀", "\u001b", " ", "\ud800");
    const pieces = fc.array(
      fc.array(unit, { maxLength: 30 }).map((units) => units.join("")),
      { maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(pieces, fc.integer({ min: 4, max: 64 }), async (texts, bufferBytes) => {
        assert.deepEqual(await written(texts, bufferBytes), Buffer.from(texts.join(""), "utf8"));
      }),
      { numRuns: 150 },
    );
  });

  it("writes a generator's pieces with the default buffers", async () => {
    function* pieces(): Generator<string> {
      for (let index = 0; index < 5000; index++) yield `line ${String(index)} ünïcödé\n`;
    }
    assert.deepEqual(await written(pieces()), Buffer.from([...pieces()].join(""), "utf8"));
  });

  it("passes on an error of the pieces and leaves no write running", async () => {
    function* failing(): Generator<string> {
      yield "x".repeat(30);
      throw new Error("piece failed");
    }
    await assert.rejects(written(failing(), 16), /piece failed/);
  });
});
