// report.html and findings.xlsx of one snapshot, each timed and sized; its own process so maxRSS is this one's.
import { statSync } from "node:fs";
import { join } from "node:path";
import { freeGarbage } from "../src/engine/free-garbage.ts";
import { writeReports } from "../src/report/write.ts";
import { rules } from "../src/rules/index.ts";
import { analyzeSnapshot, timed } from "./scan-phases.ts";

export interface ReportSizes {
  readonly htmlBytes: number;
  readonly htmlMs: number;
  readonly xlsxBytes: number;
  readonly xlsxMs: number;
  /** Peak RSS of the whole process: read, analysis and both reports (the scan's own peak). */
  readonly maxRssKb: number;
}

export async function reportSizes(snapshot: string, outDir: string): Promise<ReportSizes> {
  const { run } = await analyzeSnapshot(snapshot);
  freeGarbage();
  const options = { rules: rules.map((rule) => rule.meta), showAll: false, mask: false };
  const [, htmlMs] = await timed(() => writeReports(run, outDir, ["html"], options));
  const [, xlsxMs] = await timed(() => writeReports(run, outDir, ["xlsx"], options));
  return {
    htmlBytes: statSync(join(outDir, "report.html")).size,
    htmlMs,
    xlsxBytes: statSync(join(outDir, "findings.xlsx")).size,
    xlsxMs,
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

if (import.meta.main) {
  const [snapshot = "", outDir = ""] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await reportSizes(snapshot, outDir))}\n`);
}
