// Typed errors mapped to exit codes in one place (DESIGN §8): 0 clean, 1 findings, 2 usage/config, 3 incomplete.

export const exitCodes = { clean: 0, findings: 1, usage: 2, incomplete: 3 } as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** A problem the user can fix; printed as one line without a stack unless `--debug`. */
export class UserError extends Error {
  readonly exitCode: ExitCode = exitCodes.usage;
}

/** Wrong flags or arguments. */
export class UsageError extends UserError {
  override readonly name: string = "UsageError";
}

/** A config file that is missing, unreadable or fails validation. */
export class ConfigError extends UserError {
  override readonly name: string = "ConfigError";
}

/** Nothing to scan could be reached (no tenant answered, no readable input). */
export class NoScopeError extends UserError {
  override readonly name: string = "NoScopeError";
}

/** Precedence 2 > 3 > 1 > 0: the most serious outcome wins. */
export function combineExitCodes(...codes: readonly ExitCode[]): ExitCode {
  const order: readonly ExitCode[] = [exitCodes.usage, exitCodes.incomplete, exitCodes.findings];
  return order.find((code) => codes.includes(code)) ?? exitCodes.clean;
}
