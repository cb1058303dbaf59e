// Pacing of ARM GETs (cluster verification, rule collection groups) by ARM's own limits, apart from Resource Graph's.
import type { ResponseHeaders } from "./graph-client.ts";
import type { Clock, Pacer } from "./pacing.ts";

/**
 * ARM's token bucket for reads: 250 requests, refilled at 25 a second, per subscription, per principal and per
 * region (and the same again per tenant), https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling.
 * Every answer says what is left in `x-ms-ratelimit-remaining-subscription-reads`.
 */
export const armReadBucket = { size: 250, refillPerSecond: 25 } as const;

export class ArmReadPacer implements Pacer {
  readonly #clock: Clock;
  #tokens: number = armReadBucket.size;
  #refilledAt: number;
  /** ARM asked to wait (Retry-After on a 429) until then. */
  #blockedUntil = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#refilledAt = clock.now();
  }

  #refill(now: number): void {
    const gained = ((now - this.#refilledAt) / 1000) * armReadBucket.refillPerSecond;
    this.#tokens = Math.min(armReadBucket.size, this.#tokens + gained);
    this.#refilledAt = now;
  }

  /** ARM's count is the truth when it is lower than ours (other clients of the same principal spend it too). */
  observe(headers: ResponseHeaders): void {
    const remaining = Number(headers("x-ms-ratelimit-remaining-subscription-reads") ?? NaN);
    this.#refill(this.#clock.now());
    if (Number.isFinite(remaining)) this.#tokens = Math.min(this.#tokens, remaining);
    const retryAfter = Number(headers("retry-after") ?? NaN);
    if (Number.isFinite(retryAfter) && retryAfter > 0)
      this.#blockedUntil = Math.max(this.#blockedUntil, this.#clock.now() + retryAfter * 1000);
  }

  msUntilReset(): number | undefined {
    const wait = this.#blockedUntil - this.#clock.now();
    return wait > 0 ? wait : undefined;
  }

  async acquire(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#refill(now);
      const blocked = this.#blockedUntil - now;
      if (blocked <= 0 && this.#tokens >= 1) {
        this.#tokens--;
        return;
      }
      const refill = ((1 - this.#tokens) / armReadBucket.refillPerSecond) * 1000;
      await this.#clock.sleep(Math.max(blocked, refill, 1));
    }
  }

  release(): void {
    // A token is spent when the request is sent; nothing comes back.
  }
}
