// Test doubles for the live collector: a fake credential, a fake clock and nock set-up for Resource Graph.
import nock from "nock";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { CredentialFactory } from "../../src/collect/auth.ts";
import type { Clock } from "../../src/collect/pacing.ts";

export const publicArm = "https://management.azure.com";
export const resourcesPath = "/providers/Microsoft.ResourceGraph/resources";

export function blockNetwork(): void {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
}

export interface FakeCredentials {
  readonly factory: CredentialFactory;
  /** Scopes asked for, per tenant. */
  readonly scopes: string[];
}

/** Each tenant's token is `token-<tenant>`, so nock can tell tenants apart by the Authorization header. */
export function fakeCredentials(): FakeCredentials {
  const scopes: string[] = [];
  const factory: CredentialFactory = (tenantId) => {
    const credential: TokenCredential = {
      getToken(scope): Promise<AccessToken> {
        scopes.push(...(Array.isArray(scope) ? scope : [scope]));
        return Promise.resolve({ token: `token-${tenantId}`, expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    return credential;
  };
  return { factory, scopes };
}

export interface FakeClock extends Clock {
  readonly sleeps: number[];
}

export function fakeClock(): FakeClock {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep(ms) {
      sleeps.push(ms);
      time += ms;
      return Promise.resolve();
    },
  };
}

export interface GraphRequestBody {
  readonly query: string;
  readonly subscriptions?: string[];
  readonly managementGroups?: string[];
  readonly options?: { $top?: number; $skipToken?: string; resultFormat?: string };
}

export function page(
  data: readonly unknown[],
  skipToken?: string,
  resultTruncated = "false",
): Record<string, unknown> {
  return {
    totalRecords: data.length,
    count: data.length,
    resultTruncated,
    data,
    ...(skipToken ? { $skipToken: skipToken } : {}),
  };
}

export function cluster(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: id.split("/").at(-1), type: "microsoft.containerservice/managedclusters", ...extra };
}

export function armError(
  code: string,
  message: string,
  details: { code: string; message: string }[] = [],
): Record<string, unknown> {
  return { error: { code, message, details } };
}

/**
 * Virtual time for concurrent code: `sleep` parks the caller until `run` moves the time to the earliest parked
 * wake-up, which it does only once every other promise has settled. Runs are deterministic and never wait.
 */
export class VirtualClock implements Clock {
  #time = 0;
  #sequence = 0;
  readonly #timers: { at: number; order: number; wake: () => void }[] = [];

  now(): number {
    return this.#time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.#timers.push({ at: this.#time + Math.max(0, ms), order: this.#sequence++, wake });
    });
  }

  async run<T>(work: Promise<T>): Promise<T> {
    const state = { settled: false };
    const done = work.finally(() => {
      state.settled = true;
    });
    for (let idle = 0; ;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (state.settled) break;
      this.#timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.#timers.shift();
      if (next === undefined) {
        // Real I/O (reading a query file) may still be pending; give up only when nothing moves for long.
        if (++idle > 10_000) throw new Error("virtual clock: nothing left to wake and the work is not done");
        continue;
      }
      idle = 0;
      this.#time = Math.max(this.#time, next.at);
      next.wake();
    }
    return done;
  }
}
