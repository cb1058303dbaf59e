// The email variant of the report: table layout, inline styles only, findings cut so the body stays under a byte cap.
import { chipStyle, readinessColour } from "./chips.ts";
import { compareResults } from "./findings-view.ts";
import { readdirSync, readFileSync } from "node:fs";
import Handlebars from "handlebars";
import type {
  GapView,
  PostureRow,
  ReportHeader,
  ReportKpis,
  ResultView,
  ReportView,
  ReadinessView,
  SeverityCount,
  TrendView,
} from "./view-model.ts";

/** Gmail clips a message body past about 100 KB and many gateways reject multi-megabyte mail; 1 MB is the default cap. */
export const defaultMaxBodyBytes = 1_000_000;

/** A scope list or gap list longer than this is counted, not listed: one broad scan must not fill the mailbox. */
const listedScopesMax = 10;
const listedGapsMax = 20;
/** Compact rows: a message longer than this is cut; findings.csv keeps it whole. */
const rowMessageMaxLength = 300;
const scopeTextMaxLength = 300;

export interface EmailOptions {
  readonly maxBodyBytes: number;
}

interface EmailKpis {
  readonly clusters: number;
  readonly clustersNote: string;
  readonly percentIntegratedLabel: string;
  readonly integratedNote: string;
  readonly failing: number;
  readonly bySeverity: readonly SeverityCount[];
  readonly newLabel: string;
  readonly resolvedLabel: string;
  readonly diffNote: string;
}

/** Email clients strip SVG, so the trend is a table of the latest runs with bars made of cells. */
const trendRowsInEmail = 12;
/** Flat evidence lines a row shows; findings.csv and the browser report have the rest. */
const evidenceLinesInEmail = 4;

interface EmailView {
  readonly header: ReportHeader & { readonly moreScopesLabel: string };
  readonly gaps: readonly GapView[];
  readonly moreGapsLabel: string;
  readonly kpis: EmailKpis;
  readonly trend: TrendView;
  readonly readiness: ReadinessView;
  readonly tenants: readonly PostureRow[];
  readonly listedCount: number;
  readonly rows: readonly ResultView[];
  readonly moreLabel: string;
}

const templatesDir = new URL("../../templates/", import.meta.url);

function loadTemplates(): EmailTemplates {
  // An own instance with only the email partials, so the browser report's partials and helpers stay apart.
  const handlebars = Handlebars.create();
  handlebars.registerHelper({ severityStyle: chipStyle, readinessColour });
  const partialsDir = new URL("partials/", templatesDir);
  for (const file of readdirSync(partialsDir).filter(
    (name) => name.startsWith("email-") && name.endsWith(".hbs"),
  )) {
    const source = readFileSync(new URL(file, partialsDir), "utf8");
    handlebars.registerPartial(file.slice(0, -".hbs".length), handlebars.compile(source, { strict: true }));
  }
  return {
    body: handlebars.compile<EmailView>(readFileSync(new URL("email.hbs", templatesDir), "utf8"), {
      strict: true,
    }),
    row: handlebars.compile<ResultView>("{{> email-finding-row}}", { strict: true }),
  };
}

interface EmailTemplates {
  readonly body: Handlebars.TemplateDelegate<EmailView>;
  /** One finding row alone, byte-identical to the same row inside the body, to measure rows once each. */
  readonly row: Handlebars.TemplateDelegate<ResultView>;
}

let templates: EmailTemplates | undefined;

function clip(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

function moreLabel(count: number, noun: string, where: string): string {
  return count > 0 ? `${count} more ${noun} in ${where}` : "";
}

function emailKpis(kpis: ReportKpis): EmailKpis {
  return {
    clusters: kpis.clusters,
    clustersNote: `${kpis.integrated} integrated · ${kpis.notIntegrated} not`,
    percentIntegratedLabel: kpis.percentIntegratedLabel,
    integratedNote: "API Server VNet Integration",
    failing: kpis.failing,
    bySeverity: kpis.bySeverity.filter((entry) => entry.count > 0),
    newLabel: kpis.hasPrevious ? String(kpis.new) : "—",
    resolvedLabel: kpis.hasPrevious ? String(kpis.resolved) : "—",
    diffNote: kpis.hasPrevious ? "since the last run" : "no earlier run",
  };
}

function compactRow(result: ResultView): ResultView {
  const lines = result.evidence.lines.slice(0, evidenceLinesInEmail);
  return {
    ...result,
    message: clip(result.message, rowMessageMaxLength),
    evidence: { lines, tables: [], count: lines.length },
  };
}

/** Everything but the rows is fixed; `rows` is the first `shown` listed results. */
function emailView(view: ReportView, rows: readonly ResultView[], shown: number): EmailView {
  const { header } = view;
  return {
    header: {
      ...header,
      scopes: header.scopes.slice(0, listedScopesMax).map((scope) => clip(scope, scopeTextMaxLength)),
      moreScopesLabel: moreLabel(header.scopes.length - listedScopesMax, "scopes", "findings.json"),
    },
    gaps: header.gaps.slice(0, listedGapsMax),
    moreGapsLabel: moreLabel(header.gaps.length - listedGapsMax, "coverage gaps", "findings.json"),
    kpis: emailKpis(view.kpis),
    trend: { ...view.trend, rows: view.trend.rows.slice(-trendRowsInEmail) },
    readiness: view.readiness,
    tenants: view.posture.byTenant.rows,
    listedCount: view.findings.reduce((total, group) => total + group.count, 0),
    rows: rows.slice(0, shown),
    moreLabel: moreLabel(
      view.findings.reduce((total, group) => total + group.count, 0) - shown,
      "findings",
      "the attached findings.csv",
    ),
  };
}

/** How many rows, in order, fit into `budget` bytes. */
function rowsWithin(rowBytes: readonly number[], budget: number): number {
  let used = 0;
  for (const [index, bytes] of rowBytes.entries()) {
    used += bytes;
    if (used > budget) return index;
  }
  return rowBytes.length;
}

/**
 * Renders the email body. Rows are added worst first while the whole body stays within `maxBodyBytes`
 * (UTF-8); the KPIs always count every result. If the frame alone is larger than the cap, no row is shown.
 */
export function renderEmailHtml(view: ReportView, options: EmailOptions): string {
  templates ??= loadTemplates();
  const { body, row } = templates;
  // The per-rule cap of report.html first (worst first within each rule), then the byte cap.
  const rows = view.findings
    .flatMap((group) => group.results)
    .sort(compareResults)
    .map(compactRow);
  const rowBytes = rows.map((result) => Buffer.byteLength(row(result), "utf8"));
  // The frame measured with no row shown carries the longest "N more" line, so it never underestimates.
  const frameBytes = Buffer.byteLength(body(emailView(view, rows, 0)), "utf8");
  let shown = rowsWithin(rowBytes, options.maxBodyBytes - frameBytes);
  for (;;) {
    const html = body(emailView(view, rows, shown));
    if (shown === 0 || Buffer.byteLength(html, "utf8") <= options.maxBodyBytes) return html;
    shown -= 1;
  }
}
