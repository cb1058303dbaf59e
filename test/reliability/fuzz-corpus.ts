// The fuzz corpus: every real payload we keep, alone and all together, and the demo fleet's snapshot.
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { fuzzInput, payloadFiles, type FuzzCase, type FuzzInput } from "./fuzz-property.ts";
import { mutationDraw } from "./mutations.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
// CI checks the shared folder out beside the clone.
const armExamples = fileURLToPath(new URL("../../../shared/fixtures/arm-examples/", import.meta.url));
const demoFleet = fileURLToPath(new URL("../../examples/demo-fleet/fleet/", import.meta.url));

export const realPayloads = [...payloadFiles(fixtures), ...payloadFiles(armExamples)];
export const demoSnapshot = fuzzInput("demo fleet", payloadFiles(demoFleet));
export const allPayloads = fuzzInput("every real payload", realPayloads);
export const singlePayloads: readonly FuzzInput[] = realPayloads.map((file) =>
  fuzzInput(file.slice(file.lastIndexOf("fixtures/")), [file]),
);

export function fuzzCases(inputs: fc.Arbitrary<FuzzInput>): fc.Arbitrary<FuzzCase> {
  return fc.record({
    input: inputs,
    file: fc.nat(),
    draws: fc.array(mutationDraw, { minLength: 1, maxLength: 3 }),
  });
}

/** The demo costs the most to scan and has the most verdicts to lose; single payloads are cheap. */
export const corpus: fc.Arbitrary<FuzzInput> = fc.oneof(
  { arbitrary: fc.constant(demoSnapshot), weight: 2 },
  { arbitrary: fc.constant(allPayloads), weight: 2 },
  { arbitrary: fc.constantFrom(...singlePayloads), weight: 3 },
);
