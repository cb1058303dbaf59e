// Writes the asked-for report files into one folder, each through a temp name and a rename.
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { RunRecord } from "../findings/run.ts";
import { clustersTable, csvChunks, findingsTable, plansTable } from "./csv.ts";
import { renderReportHtml } from "./html.ts";
import { findingsJsonChunks } from "./json.ts";
import { maskRun } from "./mask.ts";
import { writeTextPieces } from "./text-file.ts";
import { renderSummaryMarkdown } from "./markdown.ts";
import type { ListedIn, ReportView, ReportViewOptions } from "./view-model.ts";
import { buildReportView } from "./view-model.ts";
import { writeWorkbook } from "./xlsx.ts";

export const reportFormats = ["html", "csv", "json", "md", "xlsx"] as const;
export type ReportFormat = (typeof reportFormats)[number];

type FileText = string | Iterable<string> | Readable;

interface ReportFile {
  readonly name: string;
  /** Writes the file at `path` (a temporary name the caller renames). */
  write(path: string, run: RunRecord, view: ReportView): Promise<void>;
}

/** A file whose text is rendered whole, in pieces (the large files, so they never exist as one string) or streamed. */
function textFile(name: string, render: (run: RunRecord, view: ReportView) => FileText): ReportFile {
  return {
    name,
    write: (path, run, view) => {
      const text = render(run, view);
      return typeof text === "string" || !isIterable(text)
        ? writeFile(path, text, "utf8")
        : writeTextPieces(path, text);
    },
  };
}

function isIterable(text: Iterable<string> | Readable): text is Iterable<string> {
  return Symbol.iterator in text;
}

const filesByFormat: Readonly<Record<ReportFormat, readonly ReportFile[]>> = {
  html: [textFile("report.html", (_run, view) => renderReportHtml(view))],
  csv: [
    textFile("findings.csv", (_run, view) => csvChunks(findingsTable(view))),
    textFile("clusters.csv", (_run, view) => csvChunks(clustersTable(view))),
    textFile("plans.csv", (_run, view) => csvChunks(plansTable(view))),
  ],
  // With --mask the JSON is masked too; a masked HTML next to an unmasked JSON would defeat the point.
  json: [textFile("findings.json", (run) => findingsJsonChunks(run))],
  md: [textFile("summary.md", (_run, view) => renderSummaryMarkdown(view))],
  xlsx: [{ name: "findings.xlsx", write: writeWorkbook }],
};

/** Readers never see a half-written file: write beside the target, then rename over it (atomic on one volume). */
async function writeAtomically(path: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = `${path}.${String(process.pid)}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await write(temporary);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Where "N more in …" lines point: the workbook when it is written, else the CSV files, else the JSON. */
export function listedIn(formats: readonly ReportFormat[]): ListedIn {
  if (formats.includes("xlsx")) return { findings: "findings.xlsx", plans: "findings.xlsx" };
  if (formats.includes("csv")) return { findings: "findings.csv", plans: "plans.csv" };
  return { findings: "findings.json", plans: "findings.json" };
}

/** Renders each format once (duplicates ignored) and returns the paths written, in the order asked. */
export async function writeReports(
  run: RunRecord,
  outDir: string,
  formats: readonly ReportFormat[],
  options: ReportViewOptions,
): Promise<string[]> {
  const shownRun = options.mask ? maskRun(run) : run;
  const view = buildReportView(run, { listedIn: listedIn(formats), ...options });
  const files = [...new Set(formats)].flatMap((format) => filesByFormat[format]);
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    await writeAtomically(path, (temporary) => file.write(temporary, shownRun, view));
    written.push(path);
  }
  return written;
}
