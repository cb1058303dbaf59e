// `report.html`: the view model through Handlebars (strict mode, always escaped), one self-contained file.
import { readdirSync, readFileSync } from "node:fs";
import Handlebars from "handlebars";
import { chipStyle, readinessColour } from "./chips.ts";
import type { ReportView } from "./view-model.ts";

/** Shipped in the package's `templates/` folder, next to `src/` and `dist/` alike. */
const templatesDir = new URL("../../templates/", import.meta.url);

function chipLabel(kind: unknown): string {
  return String(kind).replaceAll("_", " ");
}

function yesNo(flag: unknown): string {
  return flag === true ? "yes" : "no";
}

// Chart geometry is computed in the view; the template only offsets labels from it.
const add = (a: unknown, b: unknown): number => Number(a) + Number(b);
const sub = (a: unknown, b: unknown): number => Number(a) - Number(b);
const div = (a: unknown, b: unknown): number => Number(a) / Number(b);

function loadTemplate(): Handlebars.TemplateDelegate<ReportView> {
  // An own instance, so helpers and partials never leak into another user of the Handlebars singleton.
  const handlebars = Handlebars.create();
  handlebars.registerHelper({ chipStyle, chipLabel, yesNo, add, sub, div, readinessColour });
  const partialsDir = new URL("partials/", templatesDir);
  for (const file of readdirSync(partialsDir)
    .filter((name) => name.endsWith(".hbs") && !name.startsWith("email-"))
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
