// An in-process Resource Graph on virtual time: fixed quota windows per principal, latency, paging; logs every request.
// Like Resource Graph (and bench/simulator.ts), a request is counted when it arrives and `resets-after` is told as the
// answer leaves, after the fixed latency; the rows then take their time to read, as a body does through the SDK.
import type {
  GraphClient,
  GraphClientOptions,
  GraphPage,
  GraphRequest,
} from "../../src/collect/graph-client.ts";
import { GraphRequestError } from "../../src/collect/graph-client.ts";
import type { Clock } from "../../src/collect/pacing.ts";

export interface FakeGraphSettings {
  readonly quota: number;
  readonly windowMs: number;
  readonly fixedMs: number;
  readonly perRowMs: number;
  /** `resets-after` in whole seconds, rounded down, as Azure writes it (`00:00:03`); default: to the millisecond. */
  readonly wholeSeconds?: boolean;
  /** Refuse every n-th request with a 429 of its own, on top of the quota (default: never). */
  readonly throttleEvery?: number;
}

export interface LoggedRequest {
  readonly principal: string;
  readonly query: string;
  readonly scope: string;
  readonly offset: number;
  readonly sentAt: number;
  answeredAt: number;
  status: number;
  /** Index of the principal's quota window the request was counted in. */
  readonly window: number;
}

interface Window {
  readonly index: number;
  readonly startedAt: number;
  used: number;
}

/** Rows of a query (by its KQL) for a set of subscriptions, in the order Azure would page them. */
export type Answer = (query: string, subscriptions: readonly string[]) => readonly unknown[];

export class FakeResourceGraph {
  readonly log: LoggedRequest[] = [];
  readonly #clock: Clock;
  readonly #settings: FakeGraphSettings;
  readonly #answer: Answer;
  readonly #windows = new Map<string, Window>();
  #inFlight = 0;
  maxInFlight = 0;

  constructor(clock: Clock, settings: FakeGraphSettings, answer: Answer) {
    this.#clock = clock;
    this.#settings = settings;
    this.#answer = answer;
  }

  /** A `createClient` for `collectResourceGraph`: the principal is the token its credential gives. */
  readonly createClient = (options: GraphClientOptions): GraphClient => ({
    resources: async (request) => {
      const token = await options.credential.getToken("https://management.azure.com/.default");
      return this.#resources(token?.token ?? "", request, options);
    },
  });

  #admit(principal: string): { allowed: boolean; window: Window; headers: () => Record<string, string> } {
    const now = this.#clock.now();
    let window = this.#windows.get(principal);
    if (!window || now - window.startedAt >= this.#settings.windowMs) {
      window = { index: (window?.index ?? -1) + 1, startedAt: now, used: 0 };
      this.#windows.set(principal, window);
    }
    const injected =
      this.#settings.throttleEvery !== undefined &&
      (this.log.length + 1) % this.#settings.throttleEvery === 0;
    const allowed = window.used < this.#settings.quota && !injected;
    if (window.used < this.#settings.quota) window.used++;
    const remaining = String(this.#settings.quota - window.used);
    const { startedAt } = window;
    const headers = (): Record<string, string> => {
      const seconds = Math.max(0, startedAt + this.#settings.windowMs - this.#clock.now()) / 1000;
      const written =
        this.#settings.wholeSeconds === true
          ? String(Math.floor(seconds)).padStart(2, "0")
          : seconds.toFixed(3).padStart(6, "0");
      return { "x-ms-user-quota-remaining": remaining, "x-ms-user-quota-resets-after": `00:00:${written}` };
    };
    return { allowed, window, headers };
  }

  async #resources(
    principal: string,
    request: GraphRequest,
    options: GraphClientOptions,
  ): Promise<GraphPage> {
    const { allowed, window, headers } = this.#admit(principal);
    const offset = request.skipToken ? Number(request.skipToken) : 0;
    const entry: LoggedRequest = {
      principal,
      query: request.query,
      scope: (request.subscriptions ?? []).join(","),
      offset,
      sentAt: this.#clock.now(),
      answeredAt: Number.NaN,
      status: allowed ? 200 : 429,
      window: window.index,
    };
    this.log.push(entry);
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    const rows = allowed ? this.#answer(request.query, request.subscriptions ?? []) : [];
    const data = rows.slice(offset, offset + request.top);
    await this.#clock.sleep(this.#settings.fixedMs);
    const arrivedAt = this.#clock.now();
    const told: Record<string, string | undefined> = headers();
    await this.#clock.sleep(data.length * this.#settings.perRowMs);
    this.#inFlight--;
    entry.answeredAt = this.#clock.now();
    const read = (name: string): string | undefined => told[name];
    options.onResponse(read, arrivedAt);
    if (!allowed) throw new GraphRequestError("Too many requests", 429, "RateLimiting", [], read);
    const next = offset + request.top < rows.length ? String(offset + request.top) : undefined;
    return { rows: data, skipToken: next, resultTruncated: false };
  }
}
