// Parsing of flag values shared by several commands; each error names the flag, the value and what it takes.
import { severities, type Severity } from "../findings/result.ts";
import { reportFormats, type ReportFormat } from "../report/write.ts";
import { UsageError } from "../errors/errors.ts";

export const failOnLevels = [...severities, "none"] as const;

export function parseFormats(text: string): ReportFormat[] {
  const formats = text
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  for (const format of formats) {
    if (!(reportFormats as readonly string[]).includes(format)) {
      throw new UsageError(
        `--format ${text}: unknown format "${format}"; use a comma list of ${reportFormats.join(", ")}.`,
      );
    }
  }
  if (formats.length === 0)
    throw new UsageError(`--format is empty; use a comma list of ${reportFormats.join(", ")}.`);
  return formats as ReportFormat[];
}

export function parseFailOn(text: string): Severity | "none" {
  const value = text.toLowerCase();
  if ((failOnLevels as readonly string[]).includes(value)) return value as Severity | "none";
  throw new UsageError(`--fail-on ${text}: unknown severity; use one of ${failOnLevels.join(", ")}.`);
}

export function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} ${text}: expected a whole number of at least 1.`);
  return value;
}
