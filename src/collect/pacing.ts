// Pacing on Resource Graph's quota headers (one pacer per principal) and the one retry loop for 429, 5xx and network errors.
import { CredentialError, GraphRequestError } from "./graph-client.ts";
import type { ResponseHeaders } from "./graph-client.ts";

/** Time, injectable so tests never wait for real. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** `hh:mm:ss` (Resource Graph's `x-ms-user-quota-resets-after`) to milliseconds. */
export function parseResetsAfter(value: string | undefined): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value?.trim() ?? "");
  if (!match) return undefined;
  const [, hours, minutes, seconds] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/**
 * The latest the quota can reset, in ms, by `x-ms-user-quota-resets-after`: the value is rounded to its last digit,
 * so the wait can be up to one unit of that digit longer than written. Azure writes whole seconds (`00:00:03` in
 * https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests), which can
 * be a second short; the bench's simulator writes milliseconds.
 */
export function latestResetMs(value: string | undefined): number | undefined {
  const written = parseResetsAfter(value);
  if (written === undefined) return undefined;
  const decimals = /\.(\d+)$/.exec(value?.trim() ?? "")?.[1]?.length ?? 0;
  return written + 1000 / 10 ** decimals;
}

/** What the retry loop needs of a pacer: a slot before each attempt, given back after it, and the next reset. */
export interface Pacer {
  acquire(): Promise<void>;
  release(): void;
  /** Milliseconds until the quota resets, when a reset was announced and is still ahead. */
  msUntilReset(): number | undefined;
}

/**
 * Resource Graph's documented default quota: 15 queries per 5-second window per user
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests).
 * It is the pacer's assumption until the first answer says how many are left.
 */
export const defaultQuota = 15;
const defaultWindowMs = 5000;
/** Sent this much after the latest reset (`latestResetMs`), a request never lands in the old window. */
const resetGuardMs = 10;

export interface PrincipalPacerOptions {
  /** Requests let out before any answer has told the quota; default 15. */
  readonly assumedQuota?: number;
  /** Called with the wait in ms whenever requests wait for the quota to reset (the progress view's countdown). */
  readonly onQuotaWait?: (ms: number) => void;
}

/**
 * One pacer per principal serves every request of that principal, so concurrent queries share one view of the
 * quota. The budget of the current window is the smallest that any answer allows, less the requests still in
 * flight when it was given (they may not have been counted yet); a window that has passed gives back the whole
 * quota, less what is still in flight. Answers from an older window than the one budgeted are ignored.
 */
export class PrincipalPacer implements Pacer {
  readonly #clock: Clock;
  readonly #assumedQuota: number;
  readonly #onQuotaWait: ((ms: number) => void) | undefined;
  /** Requests that may still be sent in the current window; undefined until an answer carried the headers. */
  #budget: number | undefined;
  #windowEndsAt = 0;
  /** The largest `remaining + 1` seen: a lower bound of the principal's quota a window. */
  #quota = 0;
  /** The longest `resets-after` seen: about the window's length. */
  #windowMs = 0;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];
  /** `x-ms-tenant-subscription-limit-hit: true` was seen: the tenant-wide scope was cut short. */
  subscriptionLimitHit = false;

  constructor(clock: Clock, options: PrincipalPacerOptions = {}) {
    this.#clock = clock;
    this.#assumedQuota = options.assumedQuota ?? defaultQuota;
    this.#onQuotaWait = options.onQuotaWait;
  }

  /**
   * Reads an answer's quota headers. `arrivedAt` is when its first bytes came (the clock's time; now by default):
   * the reset is counted from there, because Resource Graph tells it as the answer leaves and the headers reach
   * us only once the body is read. Counted from when they reach us, every window would end late by the slowest
   * body in it: on the bench's 4-tenant collection, 2.2–2.5 s a window (docs/performance.md).
   */
  observe(headers: ResponseHeaders, arrivedAt = this.#clock.now()): void {
    if (headers("x-ms-tenant-subscription-limit-hit")?.toLowerCase() === "true")
      this.subscriptionLimitHit = true;
    const remainingText = headers("x-ms-user-quota-remaining");
    const remaining = remainingText === undefined || remainingText === "" ? NaN : Number(remainingText);
    const resetsAfterText = headers("x-ms-user-quota-resets-after");
    const resetsAfter = parseResetsAfter(resetsAfterText);
    const latestReset = latestResetMs(resetsAfterText);
    if (!Number.isFinite(remaining) || resetsAfter === undefined || latestReset === undefined) return;
    const endsAt = Math.min(arrivedAt, this.#clock.now()) + latestReset + resetGuardMs;
    const estimate = remaining - Math.max(0, this.#inFlight - 1);
    this.#quota = Math.max(this.#quota, remaining + 1);
    this.#windowMs = Math.max(this.#windowMs, resetsAfter);
    // Answers of one window announce ends that differ by their transit time and the server's rounding; a later
    // window's end is a window on.
    const tolerance = this.#windowMs / 2;
    if (this.#budget === undefined || endsAt > this.#windowEndsAt + tolerance) {
      this.#budget = estimate;
      this.#windowEndsAt = endsAt;
    } else if (endsAt >= this.#windowEndsAt - tolerance) {
      this.#budget = Math.min(this.#budget, estimate);
      this.#windowEndsAt = Math.max(this.#windowEndsAt, endsAt);
    }
    this.#wake();
  }

  msUntilReset(): number | undefined {
    if (this.#budget === undefined) return undefined;
    const wait = this.#windowEndsAt - this.#clock.now();
    return wait > 0 ? wait : undefined;
  }

  async acquire(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      if (this.#budget !== undefined && now >= this.#windowEndsAt) {
        // The server's next window opens with its first request, so it ends a window after now at the earliest.
        this.#budget = Math.max(0, this.#quota - this.#inFlight);
        this.#windowEndsAt = now + (this.#windowMs || defaultWindowMs);
      }
      const free = this.#budget === undefined ? this.#inFlight < this.#assumedQuota : this.#budget > 0;
      if (free) {
        if (this.#budget !== undefined) this.#budget--;
        this.#inFlight++;
        return;
      }
      if (this.#budget === undefined) {
        await new Promise<void>((resolve) => this.#waiting.push(resolve));
      } else {
        const wait = this.#windowEndsAt - now;
        this.#onQuotaWait?.(wait);
        await this.#clock.sleep(wait);
      }
    }
  }

  release(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#wake();
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

export interface RetryOptions {
  readonly clock: Clock;
  readonly pacer: Pacer;
  /** Uniform in [0, 1); spreads retries of parallel tenants apart. */
  readonly random: () => number;
  readonly maxRetries: number;
  readonly debug: (message: string) => void;
  /** Called before each retry (the progress view counts them). */
  readonly onRetry?: () => void;
}

const backoffBaseMs = 1000;
const backoffCapMs = 32_000;
const jitterMs = 1000;

function backoff(attempt: number): number {
  return Math.min(backoffCapMs, backoffBaseMs * 2 ** attempt);
}

/** How long to wait before retrying, or undefined when the error is not worth a retry. */
export function retryDelay(error: unknown, attempt: number, pacer: Pacer): number | undefined {
  if (error instanceof CredentialError || !(error instanceof GraphRequestError)) return undefined;
  if (error.statusCode === 429) {
    // RateLimiting may come without Retry-After; the quota reset is then the best hint.
    const retryAfter = Number(error.headers("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
    return pacer.msUntilReset() ?? backoff(attempt);
  }
  if (error.statusCode === undefined || error.statusCode >= 500) return backoff(attempt);
  return undefined;
}

/** Sends with pacing; retries throttling, server and network errors a bounded number of times, never silently. */
export async function withRetries<T>(send: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await options.pacer.acquire();
    let wait: number;
    try {
      return await send();
    } catch (error) {
      const delay = retryDelay(error, attempt, options.pacer);
      if (delay === undefined || attempt >= options.maxRetries) throw error;
      wait = Math.round(delay + options.random() * jitterMs);
      options.debug(`retry ${attempt + 1}/${options.maxRetries} in ${wait} ms after ${describe(error)}`);
      options.onRetry?.();
    } finally {
      // The slot is given back before the wait, so a retrying request never holds the quota it waits for.
      options.pacer.release();
    }
    await options.clock.sleep(wait);
  }
}

/** Azure's own message makes a retry line useful; it is cut short because some gateways answer with whole pages. */
function describe(error: unknown): string {
  if (!(error instanceof GraphRequestError)) return String(error);
  const message = error.message.length > 200 ? `${error.message.slice(0, 200)}...` : error.message;
  return `${String(error.statusCode ?? "network")} ${error.code}: ${message}`;
}
