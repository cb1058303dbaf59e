// `report --run DIR…` re-renders stored runs (merged into one fleet view) and `diff A B` compares two runs.
import { diffRuns, renderRunDiff } from "../history/diff-runs.ts";
import { loadRun } from "../history/store.ts";
import { mergeRuns } from "../report/merge-runs.ts";
import { writeReports } from "../report/write.ts";
import { rules } from "../rules/index.ts";
import { printScanSummary } from "./console-summary.ts";
import { exitCodes, type ExitCode } from "../errors/errors.ts";
import { parseFormats } from "./options.ts";

export interface ReportOptions {
  readonly run: readonly string[];
  readonly out: string;
  readonly format: string;
  readonly all?: boolean;
  readonly mask?: boolean;
  readonly quiet?: boolean;
}

export async function reportCommand(
  options: ReportOptions,
  print: (line: string) => void,
): Promise<ExitCode> {
  const formats = parseFormats(options.format);
  const stored = await Promise.all(options.run.map((dir) => loadRun(dir)));
  const run = mergeRuns(stored.map((entry) => entry.record));
  const written = await writeReports(run, options.out, formats, {
    rules: rules.map((rule) => rule.meta),
    showAll: options.all ?? false,
    mask: options.mask ?? false,
  });
  if (!options.quiet) printScanSummary(run, written, print);
  return run.coverage.complete ? exitCodes.clean : exitCodes.incomplete;
}

export async function diffCommand(runA: string, runB: string): Promise<string> {
  const [a, b] = await Promise.all([loadRun(runA), loadRun(runB)]);
  return renderRunDiff(diffRuns(a.record, b.record)).trimEnd();
}
