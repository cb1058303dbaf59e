// `summary.md`: a short GitHub-flavoured Markdown summary for CI step summaries and pull request comments.
import { showControlCharacters } from "./control-characters.ts";
import { isActionable } from "../findings/result.ts";
import type { ReportView } from "./view-model.ts";

/** A CI summary stays readable; the rest is in report.html and findings.csv. */
export const summaryFindingsShown = 50;

// Backslash-escapes the Markdown punctuation that could open a link, emphasis, inline HTML or a table cell;
// `(` and `!` are harmless once `[` is escaped.
const markdownSpecial = /[\\`*_[\]<>|~&]/g;

/** Escapes text for one Markdown table cell or list item: punctuation, and line breaks that would end the row. */
export function escapeMarkdown(text: string): string {
  return showControlCharacters(text.replace(/\r\n|\r/g, "\n"), { keepTabAndNewline: true })
    .replace(markdownSpecial, (character) => `\\${character}`)
    .replace(/\n/g, "<br>");
}

function tableRow(cells: readonly (string | number)[]): string {
  return `| ${cells.map((cell) => (typeof cell === "number" ? String(cell) : escapeMarkdown(cell))).join(" | ")} |`;
}

/** Count tables align right; text tables left. */
function tableHeader(columns: readonly string[], align: "left" | "right"): string[] {
  const rule = columns.map(() => (align === "right" ? "---:" : "---"));
  return [`| ${columns.join(" | ")} |`, `| ${rule.join(" | ")} |`];
}

function headerLines(view: ReportView): string[] {
  const { header } = view;
  return [
    `## ${escapeMarkdown(header.title)}`,
    "",
    `Run \`${header.runId.replaceAll("`", "")}\` · ${escapeMarkdown(header.generatedAt)} · source ${escapeMarkdown(header.source)} · ${escapeMarkdown(`${header.toolName} ${header.toolVersion}`)}`,
    "",
    ...header.scopes.map((scope) => `- Scope: ${escapeMarkdown(scope)}`),
    ...(header.scopes.length ? [""] : []),
  ];
}

function incompleteLines(view: ReportView): string[] {
  if (view.header.complete) return [];
  const gaps = view.header.gaps.map((gap) => {
    const where = [gap.tenantId && `tenant ${gap.tenantId}`, gap.scope, gap.query && `query ${gap.query}`]
      .filter(Boolean)
      .join(", ");
    return `> - ${escapeMarkdown(`${where || "scan"}: ${gap.code}: ${gap.message}`)}`;
  });
  return [
    "> [!CAUTION]",
    "> **Incomplete scan.** Some scopes were not read; the numbers below leave them out.",
    ">",
    ...gaps,
    "",
  ];
}

function kpiLines(view: ReportView): string[] {
  const { kpis } = view;
  const diff = kpis.hasPrevious ? [kpis.new, kpis.resolved] : ["—", "—"];
  return [
    ...tableHeader(["Clusters", "Integrated", "Failing", "Suppressed", "New", "Resolved"], "right"),
    tableRow([
      kpis.clusters,
      `${kpis.integrated} (${kpis.percentIntegratedLabel})`,
      kpis.failing,
      kpis.suppressed,
      ...diff,
    ]),
    "",
    ...tableHeader(
      kpis.bySeverity.map((entry) => entry.severity),
      "right",
    ),
    tableRow(kpis.bySeverity.map((entry) => entry.count)),
    "",
  ];
}

function findingLines(view: ReportView): string[] {
  // view.results is worst first already; a summary lists only what someone has to act on, even with showAll.
  const findings = view.results.filter((result) => isActionable(result.status));
  if (findings.length === 0) return ["No findings to act on.", ""];
  const shown = findings.slice(0, summaryFindingsShown);
  const more = findings.length - shown.length;
  return [
    `### Top findings`,
    "",
    ...tableHeader(["Severity", "Status", "Rule", "Resource", "Message"], "left"),
    ...shown.map((result) =>
      tableRow([
        result.isNew ? `${result.severity} (new)` : result.severity,
        result.status,
        result.ruleId,
        result.detail ? `${result.resourceName} (${result.detail})` : result.resourceName,
        result.message,
      ]),
    ),
    "",
    ...(more > 0 ? [`${more} more findings in report.html and findings.csv.`, ""] : []),
  ];
}

export function renderSummaryMarkdown(view: ReportView): string {
  return [...headerLines(view), ...incompleteLines(view), ...kpiLines(view), ...findingLines(view)].join(
    "\n",
  );
}
