// Waiting for a run store's lock: a scan that cannot take it within `--state-lock-timeout` stops with exit 2.
import { UserError } from "../errors/errors.ts";

/** Ten minutes: a nightly scan of a large estate stores its run in well under that. */
export const defaultLockTimeoutMs = 10 * 60 * 1000;
const pollMs = 1000;

/** Another run holds the store's lock and did not let go in time. */
export class StateLockError extends UserError {
  override readonly name: string = "StateLockError";
}

/**
 * Calls `attempt` until it takes the lock (answers undefined) or `timeoutMs` passes. While the lock is taken,
 * `attempt` answers who holds it, which the error names.
 */
export async function waitForLock(
  timeoutMs: number,
  attempt: () => Promise<string | undefined>,
  location = "the run store",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holder = await attempt();
    if (holder === undefined) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new StateLockError(
        `${location} is locked by another run (${holder}); waited ${formatWait(timeoutMs)}. ` +
          "Let that scan finish, or raise --state-lock-timeout.",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}

function formatWait(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}
