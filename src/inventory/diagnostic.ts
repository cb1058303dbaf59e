// What the reading of the input says about it: a diagnostic, or an aggregate of many alike.

export const diagnosticLevels = ["error", "warning", "info"] as const;
export type DiagnosticLevel = (typeof diagnosticLevels)[number];

/** Something wrong or skipped in the input; never thrown past the run. */
export interface Diagnostic {
  readonly level: DiagnosticLevel;
  /** Stable machine code, e.g. `malformed-row`, `invalid-prefix`, `unknown-type`. */
  readonly code: string;
  readonly message: string;
  readonly origin?: string;
  readonly row?: number;
  readonly field?: string;
  readonly resourceId?: string;
  /**
   * Aggregates only (see diagnostics.ts): how many diagnostics of this level and code, in this file, at this
   * field pattern there were in all; the fields above are the first one's.
   */
  readonly count?: number;
  /** `field` with list indices as `[*]`: `properties.subnets[*]`. */
  readonly fieldPattern?: string;
  /** The first ones (at most `diagnosticExamples`), the first included. */
  readonly examples?: readonly DiagnosticExample[];
}

export interface DiagnosticExample {
  readonly message: string;
  readonly row?: number;
  readonly field?: string;
  readonly resourceId?: string;
}
