// The diagnostics list of a report: counts per level, the first of them, and where the rest are.
import type { Diagnostic, DiagnosticLevel } from "../inventory/model.ts";
import { diagnosticCount } from "../inventory/diagnostics.ts";
import { diagnosticLevels } from "../inventory/model.ts";
import { diagnosticsShown } from "./limits.ts";

export interface DiagnosticView {
  readonly level: DiagnosticLevel;
  readonly code: string;
  readonly message: string;
  /** Where it came from: origin, row and field, or resource id, joined; may be empty. */
  readonly location: string;
}

export interface DiagnosticsView {
  readonly counts: readonly { readonly level: DiagnosticLevel; readonly count: number }[];
  readonly total: number;
  readonly items: readonly DiagnosticView[];
  readonly more: number;
  /** `12 more diagnostics in findings.json`, or empty. */
  readonly moreLabel: string;
}

export function buildDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticsView {
  const ordered = [...diagnostics].sort(
    (a, b) => diagnosticLevels.indexOf(a.level) - diagnosticLevels.indexOf(b.level),
  );
  const more = Math.max(0, ordered.length - diagnosticsShown);
  return {
    counts: diagnosticLevels.map((level) => ({
      level,
      count: diagnosticCount(diagnostics.filter((diagnostic) => diagnostic.level === level)),
    })),
    total: diagnosticCount(diagnostics),
    items: ordered.slice(0, diagnosticsShown).map((diagnostic) => ({
      level: diagnostic.level,
      code: diagnostic.code,
      // An aggregate shows its first example and how many share its code, file and field pattern.
      message:
        diagnostic.count === undefined
          ? diagnostic.message
          : `${diagnostic.message} (${diagnostic.count} like this at ${diagnostic.fieldPattern ?? "this row"}; the first ${diagnostic.examples?.length ?? 1} in findings.json)`,
      location: diagnosticLocation(diagnostic),
    })),
    more,
    moreLabel: more > 0 ? `${more} more diagnostics in findings.json` : "",
  };
}

function diagnosticLocation(diagnostic: Diagnostic): string {
  const row = diagnostic.row === undefined ? "" : `row ${diagnostic.row}`;
  const field = diagnostic.field ? `field ${diagnostic.field}` : "";
  return [diagnostic.origin ?? "", row, field, diagnostic.resourceId ?? ""].filter(Boolean).join(", ");
}
