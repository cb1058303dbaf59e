// `report --run DIR…` re-renders stored runs (merged into one fleet view) and `diff A B` compares two runs.
import { diffRuns, renderRunDiff } from "../history/diff-runs.ts";
import { loadRun } from "../history/store.ts";
import { mergeRuns } from "../report/merge-runs.ts";
import { writeReports } from "../report/write.ts";
import { rules } from "../rules/index.ts";
import { printScanSummary } from "./console-summary.ts";
import { exitCodes, type ExitCode } from "../errors/errors.ts";
import { parseFormats, wholeNumber } from "./options.ts";
import { readTrend } from "../history/store.ts";
import { defaultHtmlMaxRows, trendRunsShown } from "../report/limits.ts";
import type { StoredRun } from "../history/store.ts";
import type { TrendPoint } from "../findings/run.ts";
import { basename, dirname } from "node:path";

export interface ReportOptions {
  readonly run: readonly string[];
  readonly out: string;
  readonly format: string;
  readonly all?: boolean;
  readonly mask?: boolean;
  readonly quiet?: boolean;
  readonly htmlMaxRows?: string;
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
    htmlMaxRows: wholeNumber("--html-max-rows", options.htmlMaxRows ?? String(defaultHtmlMaxRows)),
    // One stored run re-rendered in its state directory shows the trend of its scope up to that run.
    trend: stored.length === 1 ? await trendUpTo(stored[0]!) : [],
  });
  if (!options.quiet) printScanSummary(run, written, print);
  return run.coverage.complete ? exitCodes.clean : exitCodes.incomplete;
}

export async function diffCommand(runA: string, runB: string): Promise<string> {
  const [a, b] = await Promise.all([loadRun(runA), loadRun(runB)]);
  return renderRunDiff(diffRuns(a.record, b.record)).trimEnd();
}

/** Runs sit in `<state dir>/runs/<id>/`; a run folder anywhere else has no history beside it. */
async function trendUpTo(run: StoredRun): Promise<TrendPoint[]> {
  const runsDir = dirname(run.dir);
  if (basename(runsDir) !== "runs") return [];
  const points = await readTrend(dirname(runsDir), run.scopeKey, Number.MAX_SAFE_INTEGER);
  const end = points.findIndex((point) => point.runId === run.id);
  return (end < 0 ? points : points.slice(0, end + 1)).slice(-trendRunsShown);
}
