// Writes the asked-for report files into one folder, each through a temp name and a rename.
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunRecord } from "../findings/run.ts";
import { findingsCsvChunks, plansCsvChunks, renderClustersCsv } from "./csv.ts";
import { renderReportHtml } from "./html.ts";
import { findingsJsonChunks } from "./json.ts";
import { maskRun } from "./mask.ts";
import { renderSummaryMarkdown } from "./markdown.ts";
import type { ReportView, ReportViewOptions } from "./view-model.ts";
import { buildReportView } from "./view-model.ts";

export const reportFormats = ["html", "csv", "json", "md"] as const;
export type ReportFormat = (typeof reportFormats)[number];

interface ReportFile {
  readonly name: string;
  /** The file's text, whole or in pieces (the large files, so they never exist as one string). */
  render(run: RunRecord, view: ReportView): string | Iterable<string>;
}

const filesByFormat: Readonly<Record<ReportFormat, readonly ReportFile[]>> = {
  html: [{ name: "report.html", render: (_run, view) => renderReportHtml(view) }],
  csv: [
    { name: "findings.csv", render: (_run, view) => findingsCsvChunks(view) },
    { name: "clusters.csv", render: (_run, view) => renderClustersCsv(view) },
    { name: "plans.csv", render: (_run, view) => plansCsvChunks(view) },
  ],
  // With --mask the JSON is masked too; a masked HTML next to an unmasked JSON would defeat the point.
  json: [{ name: "findings.json", render: (run) => findingsJsonChunks(run) }],
  md: [{ name: "summary.md", render: (_run, view) => renderSummaryMarkdown(view) }],
};

/** Readers never see a half-written file: write beside the target, then rename over it (atomic on one volume). */
async function writeAtomically(path: string, text: string | Iterable<string>): Promise<void> {
  const temporary = `${path}.${String(process.pid)}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, typeof text === "string" ? text : batched(text), "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Pieces joined to about 1 MB, so a file of small pieces is not one write call each. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    batch.push(piece);
    length += piece.length;
    if (length >= 1 << 20) {
      yield batch.join("");
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) yield batch.join("");
}

/** Renders each format once (duplicates ignored) and returns the paths written, in the order asked. */
export async function writeReports(
  run: RunRecord,
  outDir: string,
  formats: readonly ReportFormat[],
  options: ReportViewOptions,
): Promise<string[]> {
  const shownRun = options.mask ? maskRun(run) : run;
  const view = buildReportView(run, options);
  const files = [...new Set(formats)].flatMap((format) => filesByFormat[format]);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    await writeAtomically(path, file.render(shownRun, view));
    written.push(path);
  }
  return written;
}
