// Where a model came from: the pointer every diagnostic and piece of evidence carries back to the input.

/** Where a model came from, so diagnostics and evidence can point back at the input. */
export interface SourceRef {
  /** File path, `resource-graph:<tenant>/<query>` or `demo:<file>`. */
  readonly origin: string;
  /** Zero-based row index inside that origin. */
  readonly row: number;
}
