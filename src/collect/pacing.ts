// Per-tenant pacing on Resource Graph's quota headers, and the one retry loop for 429, 5xx and network errors.
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
 * Resource Graph allows about 15 queries per 5 s per principal and tenant and says how many are left
 * on every response; when none are left, the tenant's next request waits for the reset.
 */
export class TenantPacer {
  readonly #clock: Clock;
  #quotaRemaining: number | undefined;
  #quotaResetsAt = 0;
  /** `x-ms-tenant-subscription-limit-hit: true` was seen: the tenant-wide scope was cut short. */
  subscriptionLimitHit = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  observe(headers: ResponseHeaders): void {
    const remaining = headers("x-ms-user-quota-remaining");
    const resetsAfter = parseResetsAfter(headers("x-ms-user-quota-resets-after"));
    if (remaining !== undefined && remaining !== "") this.#quotaRemaining = Number(remaining);
    if (resetsAfter !== undefined) this.#quotaResetsAt = this.#clock.now() + resetsAfter;
    if (headers("x-ms-tenant-subscription-limit-hit")?.toLowerCase() === "true")
      this.subscriptionLimitHit = true;
  }

  /** Milliseconds until the quota resets, when a reset was announced and is still ahead. */
  msUntilReset(): number | undefined {
    const wait = this.#quotaResetsAt - this.#clock.now();
    return wait > 0 ? wait : undefined;
  }

  async beforeRequest(): Promise<void> {
    if (this.#quotaRemaining !== 0) return;
    const wait = this.msUntilReset();
    if (wait !== undefined) await this.#clock.sleep(wait);
    this.#quotaRemaining = undefined;
  }
}

export interface RetryOptions {
  readonly clock: Clock;
  readonly pacer: TenantPacer;
  /** Uniform in [0, 1); spreads retries of parallel tenants apart. */
  readonly random: () => number;
  readonly maxRetries: number;
  readonly debug: (message: string) => void;
}

const backoffBaseMs = 1000;
const backoffCapMs = 32_000;
const jitterMs = 1000;

function backoff(attempt: number): number {
  return Math.min(backoffCapMs, backoffBaseMs * 2 ** attempt);
}

/** How long to wait before retrying, or undefined when the error is not worth a retry. */
export function retryDelay(error: unknown, attempt: number, pacer: TenantPacer): number | undefined {
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
    await options.pacer.beforeRequest();
    try {
      return await send();
    } catch (error) {
      const delay = retryDelay(error, attempt, options.pacer);
      if (delay === undefined || attempt >= options.maxRetries) throw error;
      const wait = Math.round(delay + options.random() * jitterMs);
      options.debug(`retry ${attempt + 1}/${options.maxRetries} in ${wait} ms after ${describe(error)}`);
      await options.clock.sleep(wait);
    }
  }
}

/** Azure's own message makes a retry line useful; it is cut short because some gateways answer with whole pages. */
function describe(error: unknown): string {
  if (!(error instanceof GraphRequestError)) return String(error);
  const message = error.message.length > 200 ? `${error.message.slice(0, 200)}...` : error.message;
  return `${String(error.statusCode ?? "network")} ${error.code}: ${message}`;
}
