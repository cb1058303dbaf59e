// The files of one stored run: compact, gzipped where that pays, ASCII only, and refused in one line when broken.
import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { encodeColumns } from "../../src/history/columns.ts";
import { emptyObservations } from "../../src/history/observations.ts";
import { decodeRun } from "../../src/history/run-decode.ts";
import { encodeRun, isRunDataFile, RunStoreError, type EncodedRun } from "../../src/history/run-files.ts";
import type { Evidence } from "../../src/findings/result.ts";
import { clusterA, makeResult, makeRun } from "./fixtures/records.ts";
import { storedRunV1, storedRunV1File } from "./fixtures/stored-run.ts";

const savedAt = new Date("2026-12-01T00:00:00Z");

/** Reads an encoded run as a backend would give its files back, with `change` applied to the named file. */
function readerOf(encoded: EncodedRun, change: Record<string, Uint8Array> = {}) {
  const files = new Map<string, Uint8Array>([
    ...encoded.data.map((file) => [file.name, file.bytes] as const),
    ["run.json", Buffer.from(encoded.metaText)],
  ]);
  for (const [name, bytes] of Object.entries(change)) files.set(name, bytes);
  return (name: string): Promise<Uint8Array | undefined> => Promise.resolve(files.get(name));
}

const where = (name: string): string => `state/runs/r/${name}`;

describe("encodeRun", () => {
  it("stores the demo run in a fifth of its findings.json or less, gzipped, and reads it back", async () => {
    const { record, observations } = await storedRunV1();
    const encoded = await encodeRun(record, observations, savedAt);
    assert.deepEqual(
      encoded.data.map((file) => file.name),
      ["record.columns.json.gz", "evidence.columns.json.gz", "observations.columns.json.gz"],
    );
    const oldBytes =
      (await storedRunV1File("findings.json")).length + (await storedRunV1File("observations.json")).length;
    const newBytes = encoded.data.reduce((sum, file) => sum + file.bytes.byteLength, 0);
    assert.ok(newBytes * 5 <= oldBytes, `${newBytes} bytes against ${oldBytes}`);
    assert.deepEqual(
      encoded.meta.bytes,
      Object.fromEntries(encoded.data.map((file) => [file.name, file.bytes.byteLength])),
    );
    const stored = await decodeRun("state/runs/r", readerOf(encoded), where);
    assert.deepEqual([stored.record, stored.observations], [record, observations]);
  });

  it("leaves a file too small for gzip to pay uncompressed", async () => {
    const encoded = await encodeRun(makeRun("20261101T000000Z-aaaaaa", []), emptyObservations, savedAt);
    const observations = encoded.data.find((file) => file.name.startsWith("observations."));
    assert.equal(observations?.name, "observations.columns.json");
    const stored = await decodeRun("state/runs/r", readerOf(encoded), where);
    assert.deepEqual(stored.observations, emptyObservations);
  });

  it("writes characters past ASCII as escapes, which read back as themselves", async () => {
    const { record, observations } = await storedRunV1();
    assert.ok(
      Buffer.from(JSON.stringify(record)).some((byte) => byte >= 0x80),
      "the demo run has characters past ASCII",
    );
    const encoded = await encodeRun(record, observations, savedAt);
    for (const file of encoded.data) {
      const bytes = file.name.endsWith(".gz") ? gunzipSync(file.bytes) : Buffer.from(file.bytes);
      assert.ok(
        bytes.every((byte) => byte < 0x80),
        `${file.name} is ASCII only`,
      );
    }
  });
});

describe("evidence apart", () => {
  it("is decoded on first read to what decoding it at once gives, keys in order", async () => {
    const { record, observations } = await storedRunV1();
    const encoded = await encodeRun(record, observations, savedAt);
    const lazy = await decodeRun("state/runs/r", readerOf(encoded), where, "on first read");
    const [withEvidence] = lazy.record.results.filter((result) => Object.keys(result.evidence).length > 0);
    assert.ok(withEvidence, "the demo run has evidence");
    assert.equal(JSON.stringify(lazy.record), JSON.stringify(record));
    assert.deepEqual(
      { ...withEvidence }.evidence,
      record.results[lazy.record.results.indexOf(withEvidence)]?.evidence,
    );
    assert.deepEqual(lazy.record, record);
  });

  it("keeps evidence that is no object in the record", async () => {
    const run = makeRun("20261101T000000Z-aaaaaa", [
      makeResult({ ruleId: "rule-a", resourceId: clusterA, evidence: [3] as unknown as Evidence }),
      makeResult({ ruleId: "rule-a", resourceId: clusterA, evidence: 7 as unknown as Evidence }),
      makeResult({ ruleId: "rule-a", resourceId: clusterA, evidence: { port: 443 } }),
    ]);
    const encoded = await encodeRun(run, emptyObservations, savedAt);
    for (const when of ["now", "on first read"] as const) {
      const stored = await decodeRun("state/runs/r", readerOf(encoded), where, when);
      assert.deepEqual(
        stored.record.results.map((result) => result.evidence),
        [[3], 7, { port: 443 }],
      );
    }
  });

  it("broken, refuses the run at once, or throws naming the file when first read", async () => {
    const encoded = await encodeRun(storedRunWithEvidence(), emptyObservations, savedAt);
    const file = encoded.data.find((data) => data.name.startsWith("evidence."))!.name;
    const cutShort = readerOf(encoded, { [file]: Buffer.from(JSON.stringify(encodeColumns([]))) });
    const refusal = (error: unknown) =>
      error instanceof RunStoreError &&
      error.message.startsWith(
        `${where(file)} holds 0 results' evidence in chunk 0 where the record names 1`,
      );
    await assert.rejects(decodeRun("state/runs/r", cutShort, where), refusal);
    const lazy = await decodeRun("state/runs/r", cutShort, where, "on first read");
    assert.throws(() => JSON.stringify(lazy.record.results), refusal);
  });

  it("is stored in chunks of a thousand, and reading one result's evidence decodes its chunk only", async () => {
    const run = manyResults(2500);
    const encoded = await encodeRun(run, emptyObservations, savedAt);
    const evidence = encoded.data.find((data) => data.name.startsWith("evidence."))!;
    const lines = inflate(evidence).split("\n");
    assert.equal(lines.length, 3);
    // The last chunk made unreadable: the first result's evidence still reads, the last one's names the file.
    const broken = [...lines.slice(0, 2), "{"].join("\n");
    const reader = readerOf(encoded, { [evidence.name]: deflate(evidence, broken) });
    const lazy = await decodeRun("state/runs/r", reader, where, "on first read");
    assert.deepEqual({ ...lazy.record.results[0]!.evidence }, run.results[0]!.evidence);
    assert.throws(
      () => JSON.stringify(lazy.record.results[2499]!.evidence),
      (error: unknown) =>
        error instanceof RunStoreError && error.message.startsWith(`${where(evidence.name)} cannot be read`),
    );
    await assert.rejects(decodeRun("state/runs/r", reader, where), RunStoreError);
  });

  it("reads evidence stored in one chunk, as the first version with evidence apart stored it", async () => {
    const run = manyResults(2500);
    const encoded = await encodeRun(run, emptyObservations, savedAt);
    const evidence = encoded.data.find((data) => data.name.startsWith("evidence."))!;
    const oneChunk = JSON.stringify(encodeColumns(run.results.map((result) => result.evidence)));
    const reader = readerOf(encoded, { [evidence.name]: deflate(evidence, oneChunk) });
    for (const when of ["now", "on first read"] as const)
      assert.deepEqual((await decodeRun("state/runs/r", reader, where, when)).record, run);
  });
});

function manyResults(count: number) {
  return makeRun(
    "20261101T000000Z-aaaaaa",
    Array.from({ length: count }, (_, index) =>
      makeResult({ ruleId: "rule-a", resourceId: `${clusterA}-${index}`, evidence: { index } }),
    ),
  );
}

function inflate(file: { name: string; bytes: Uint8Array }): string {
  return (file.name.endsWith(".gz") ? gunzipSync(file.bytes) : Buffer.from(file.bytes)).toString("latin1");
}

function deflate(file: { name: string }, text: string): Uint8Array {
  return file.name.endsWith(".gz") ? gzipSync(text) : Buffer.from(text);
}

function storedRunWithEvidence() {
  return makeRun("20261101T000000Z-aaaaaa", [
    makeResult({ ruleId: "rule-a", resourceId: clusterA, evidence: { port: 443 } }),
  ]);
}

describe("decodeRun of broken files", () => {
  const broken: readonly [string, string, Uint8Array][] = [
    ["a gzip file cut short", "record.columns.json.gz", Buffer.from([0x1f, 0x8b, 8, 0])],
    ["gzip of plain JSON that is no columns document", "record.columns.json.gz", gzipSync("{}")],
    ["observations that are not a columns document", "observations.columns.json", Buffer.from('{"a":1}')],
    ["evidence that is not a columns document", "evidence.columns.json", Buffer.from("[]")],
  ];
  for (const [name, file, bytes] of broken) {
    it(`refuses ${name} in one line naming the file`, async () => {
      const run = makeRun(
        "20261101T000000Z-aaaaaa",
        Array.from({ length: 40 }, () => makeResult({ ruleId: "rule-a", resourceId: clusterA })),
      );
      const encoded = await encodeRun(run, emptyObservations, savedAt);
      assert.ok(
        encoded.data.some((data) => data.name === file),
        `${file} is one of ${encoded.data.map((data) => data.name).join(", ")}`,
      );
      await assert.rejects(
        decodeRun("state/runs/r", readerOf(encoded, { [file]: bytes }), where),
        (error: unknown) =>
          error instanceof RunStoreError &&
          error.message.startsWith(`${where(file)} cannot be read`) &&
          !error.message.includes("\n"),
      );
    });
  }
});

describe("isRunDataFile", () => {
  const names: readonly [string, boolean][] = [
    ["findings.json", true],
    ["findings.columns.json.gz", true],
    ["record.columns.json.gz", true],
    ["evidence.columns.json", true],
    ["record.json", false],
    ["observations.columns.json", true],
    ["run.json", false],
    ["report.html", false],
  ];
  for (const [name, expected] of names)
    it(`${name}: ${expected}`, () => {
      assert.equal(isRunDataFile(name), expected);
    });
});
