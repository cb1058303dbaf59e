// Posts JSON to a webhook: HTTPS only (loopback aside), a timeout per attempt, bounded retries, the URL never logged.
import { ConfigError } from "../errors/errors.ts";
import { redactSecrets } from "../errors/redact.ts";
import { showControlCharacters } from "../report/control-characters.ts";
import { DeliveryError } from "./errors.ts";

export interface WebhookTarget {
  readonly url: URL;
  /** What messages call it: where it came from and its host. The path and query are secrets (Slack, Teams `sig`). */
  readonly label: string;
}

export interface PostOptions {
  /** Per attempt; a receiver that hangs must not hold a nightly job. */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts?: number;
  /** Longest wait between attempts, whatever Retry-After asks. */
  readonly maxDelayMs?: number;
  /** Tests pass a sleep that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const defaults = { timeoutMs: 30_000, maxAttempts: 4, maxDelayMs: 30_000 } as const;

const loopbackHosts = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** `https://hooks.slack.com/…`: enough to tell webhooks apart, nothing that would let a reader post to one. */
export function describeWebhookUrl(url: URL): string {
  return `${url.protocol}//${url.host}/…`;
}

/**
 * Checks one webhook URL. `origin` names where it came from (`--notify-webhook #2`, `config notify.webhooks[0]`,
 * `NOTIFY_WEBHOOK_URL`); the URL itself is never echoed, since its path or query is the webhook's secret.
 */
export function parseWebhookUrl(text: string, origin: string): WebhookTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ConfigError(`${origin} is not a valid URL; give the https:// URL the webhook's service shows.`);
  }
  const label = `${origin} (${describeWebhookUrl(url)})`;
  if (url.protocol === "http:" && !loopbackHosts.test(url.hostname)) {
    throw new ConfigError(
      `${label} must use https://: the URL is the webhook's secret. Plain http is accepted for loopback receivers only.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`${label} must be an https:// URL, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${label} carries a user name or password; webhooks take none, remove it.`);
  }
  return { url, label };
}

/** Statuses worth another attempt: timeouts, throttling and server faults, as Azure's own SDKs retry them. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What a receiver said, made safe for a log line: secrets masked, control characters shown escaped, short. */
function replySnippet(text: string): string {
  const clean = showControlCharacters(redactSecrets(text).replace(/\s+/g, " ").trim());
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Attempt =
  | { readonly done: true }
  | { readonly done: false; readonly reason: string; readonly waitMs?: number; readonly retry: boolean };

async function attempt(target: WebhookTarget, body: string, timeoutMs: number): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body,
      // A redirect could lead the secret-bearing request anywhere, and a 3xx is no delivery.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const reason =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${timeoutMs / 1000} s`
        : typeof cause?.code === "string"
          ? cause.code
          : error instanceof Error
            ? error.message
            : String(error);
    return { done: false, reason: replySnippet(reason), retry: true };
  }
  const reply = await response.text().catch(() => "");
  if (response.ok) return { done: true };
  const reason = `HTTP ${response.status}${reply ? ` (${replySnippet(reply)})` : ""}`;
  const waitMs = retryAfterMs(response.headers.get("retry-after"));
  return {
    done: false,
    reason,
    retry: retryable(response.status),
    ...(waitMs === undefined ? {} : { waitMs }),
  };
}

/**
 * Posts `payload` as JSON. Retries network errors, timeouts, 408, 429 and 5xx with jittered exponential backoff
 * (or the receiver's `Retry-After`), at most `maxAttempts` in all; anything else fails at once. Throws a
 * `DeliveryError` naming the webhook by its host only.
 */
export async function postJson(
  target: WebhookTarget,
  payload: unknown,
  options: PostOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts;
  const maxDelayMs = options.maxDelayMs ?? defaults.maxDelayMs;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const body = JSON.stringify(payload);
  for (let number = 1; ; number += 1) {
    const outcome = await attempt(target, body, timeoutMs);
    if (outcome.done) return;
    if (!outcome.retry || number >= maxAttempts) {
      const tries = number === 1 ? "" : ` after ${number} attempts`;
      throw new DeliveryError(`Could not post the summary to ${target.label}${tries}: ${outcome.reason}.`);
    }
    const backoff = 1000 * 2 ** (number - 1) * (0.5 + random() / 2);
    await sleep(Math.min(maxDelayMs, outcome.waitMs ?? backoff));
  }
}
