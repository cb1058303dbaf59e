// The few lines a scan prints: what was scanned, what failed, where the reports are, and loudly if incomplete.
import { diagnosticCount } from "../inventory/diagnostics.ts";
import { severities } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";

export function printScanSummary(
  run: RunRecord,
  written: readonly string[],
  print: (line: string) => void,
): void {
  const { summary, coverage } = run;
  const percent =
    summary.clusters === 0 ? 0 : Math.round((100 * summary.integratedClusters) / summary.clusters);
  if (!coverage.complete) {
    print(
      `INCOMPLETE SCAN: ${coverage.gaps.length} coverage gap(s); verdicts below do not cover everything.`,
    );
    for (const gap of coverage.gaps.slice(0, 10)) {
      const where = [gap.tenantId, gap.query].filter(Boolean).join(" / ");
      print(`  - ${where ? `${where}: ` : ""}${gap.code}: ${gap.message}`);
    }
  }
  print(
    `Scanned ${summary.clusters} clusters (${summary.integratedClusters} integrated, ${percent}%), ` +
      `${summary.inventory.subnets ?? 0} subnets, ${summary.inventory.networkSecurityGroups ?? 0} NSGs.`,
  );
  print(
    `Findings: ${severities.map((severity) => `${summary.bySeverity[severity]} ${severity}`).join(", ")}` +
      (summary.suppressed ? `; ${summary.suppressed} suppressed` : ""),
  );
  if (run.run.previousRunId !== undefined) {
    print(`Since run ${run.run.previousRunId}: ${summary.new} new, ${summary.resolved} resolved.`);
  }
  if (run.diagnostics.length > 0) {
    const total = diagnosticCount(run.diagnostics);
    const kinds = total === run.diagnostics.length ? "" : ` of ${run.diagnostics.length} kinds`;
    print(`Diagnostics: ${total}${kinds} (see the report).`);
    const largest = [...run.diagnostics].sort((a, b) => (b.count ?? 1) - (a.count ?? 1))[0];
    if (largest?.count !== undefined)
      print(
        `  most: ${largest.count} × ${largest.code} at ${largest.fieldPattern ?? "(row)"} in ${largest.origin ?? "input"}`,
      );
  }
  for (const path of written) print(`Wrote ${path}`);
}
