// `report.html`: the view model through Handlebars (strict mode, always escaped), one self-contained file.
import { readdirSync, readFileSync } from "node:fs";
import Handlebars from "handlebars";
import type { ReportView } from "./view-model.ts";

/** Shipped in the package's `templates/` folder, next to `src/` and `dist/` alike. */
const templatesDir = new URL("../../templates/", import.meta.url);

// Chip colours as inline styles too: Outlook and some webmail clients drop or ignore the <style> block.
const chipColours: Readonly<Record<string, readonly [background: string, text: string]>> = {
  critical: ["#fde2e1", "#9b1c1c"],
  high: ["#fde9d7", "#9a3412"],
  medium: ["#fdf2c8", "#854d0e"],
  low: ["#dde9fd", "#1e40af"],
  info: ["#e8eaee", "#374151"],
  none: ["#dcf5e4", "#166534"],
  fail: ["#fde2e1", "#9b1c1c"],
  error: ["#efe3fd", "#6b21a8"],
  unverified: ["#fdf2c8", "#854d0e"],
  pass: ["#dcf5e4", "#166534"],
  not_applicable: ["#eef0f3", "#4b5563"],
  suppressed: ["#e8eaee", "#374151"],
  new: ["#dde9fd", "#1e40af"],
  yes: ["#dcf5e4", "#166534"],
  ok: ["#dcf5e4", "#166534"],
  covered: ["#dcf5e4", "#166534"],
  short: ["#fde9d7", "#9a3412"],
  needed: ["#fde9d7", "#9a3412"],
  no: ["#fde9d7", "#9a3412"],
  warning: ["#fdf2c8", "#854d0e"],
  complete: ["#dcf5e4", "#166534"],
  incomplete: ["#fde2e1", "#9b1c1c"],
  masked: ["#eef0f3", "#374151"],
};
const neutralChip = ["#eef0f3", "#374151"] as const;

function chipStyle(kind: unknown): string {
  const [background, text] = chipColours[String(kind)] ?? neutralChip;
  return `background:${background};color:${text};`;
}

function chipLabel(kind: unknown): string {
  return String(kind).replaceAll("_", " ");
}

function yesNo(flag: unknown): string {
  return flag === true ? "yes" : "no";
}

function loadTemplate(): Handlebars.TemplateDelegate<ReportView> {
  // An own instance, so helpers and partials never leak into another user of the Handlebars singleton.
  const handlebars = Handlebars.create();
  handlebars.registerHelper({ chipStyle, chipLabel, yesNo });
  const partialsDir = new URL("partials/", templatesDir);
  for (const file of readdirSync(partialsDir)
    .filter((name) => name.endsWith(".hbs"))
    .sort()) {
    const source = readFileSync(new URL(file, partialsDir), "utf8");
    handlebars.registerPartial(file.slice(0, -".hbs".length), handlebars.compile(source, { strict: true }));
  }
  const source = readFileSync(new URL("report.hbs", templatesDir), "utf8");
  return handlebars.compile<ReportView>(source, { strict: true });
}

let template: Handlebars.TemplateDelegate<ReportView> | undefined;

/** Renders the whole report; the templates are read on first use and kept. */
export function renderReportHtml(view: ReportView): string {
  template ??= loadTemplate();
  return template(view);
}
