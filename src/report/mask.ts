// Masks subscription ids in a whole run, so a report can be shared outside the team that owns the subscriptions.
import type { RunRecord } from "../findings/run.ts";

const guidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
// A subscription id is recognised either from a `subscriptionId` field or from its place in an ARM id.
const subscriptionSegment =
  /\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/**
 * Replaces every GUID in `text` that is one of `subscriptionIds` (lower-cased) with `maskOf(id)`; other GUIDs
 * (tenants, principals, role definitions) stay, since they carry meaning a reader needs.
 */
export function replaceSubscriptionIds(
  text: string,
  subscriptionIds: ReadonlySet<string>,
  maskOf: (subscriptionId: string) => string,
): string {
  return text.replace(guidPattern, (guid) => (subscriptionIds.has(guid.toLowerCase()) ? maskOf(guid) : guid));
}

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx1a2b`: the last four digits stay, so two masked ids still tell apart. */
export function maskSubscriptionId(subscriptionId: string): string {
  return `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxx${subscriptionId.slice(-4).toLowerCase()}`;
}

/** Shortest text a GUID fits in, and the shortest that holds `/subscriptions/<guid>`. */
const guidLength = 36;
const segmentLength = "/subscriptions/".length + guidLength;

/**
 * Adds to `into`, lower-cased, every subscription id that `text` names in an ARM id's place. An exec loop, not
 * matchAll: matchAll copies the regex for every string, and a 10,000-cluster run has millions of strings. That
 * copy was the largest share of the 5 s that masking one such run took (docs/performance.md).
 */
export function addSubscriptionIdsIn(text: string, into: Set<string>): void {
  if (text.length < segmentLength) return;
  subscriptionSegment.lastIndex = 0;
  for (let match = subscriptionSegment.exec(text); match !== null; match = subscriptionSegment.exec(text))
    into.add(match[1]!.toLowerCase());
}

/** Every subscription id the run names, lower-cased. */
function collectSubscriptionIds(run: RunRecord): Set<string> {
  const found = new Set<string>();
  const add = (id: string | undefined): void => {
    if (id) found.add(id.toLowerCase());
  };
  for (const result of [...run.results, ...run.resolved]) add(result.subscriptionId);
  for (const cluster of run.clusters) add(cluster.subscriptionId);
  for (const scope of run.coverage.scopes) scope.subscriptions?.forEach(add);
  for (const scope of run.run.excludedScopes ?? []) scope.subscriptions.forEach(add);
  visitStrings(run, (text) => {
    addSubscriptionIdsIn(text, found);
  });
  return found;
}

function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") {
    visit(value);
  } else if (Array.isArray(value)) {
    for (const item of value) visitStrings(item, visit);
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      visit(key);
      visitStrings(record[key], visit);
    }
  }
}

/** A copy of `value` with every string, keys included, passed through `map`; same shape and key order. */
function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value === null || typeof value !== "object") return value;
  // Filled by assignment rather than Object.fromEntries, which built two arrays per object of the run.
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const item = mapStrings(record[key], map);
    const mapped = map(key);
    // Assigning "__proto__" would set the copy's prototype; it is a data key like any other here.
    if (mapped === "__proto__")
      Object.defineProperty(copy, mapped, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[mapped] = item;
  }
  return copy;
}

/** `masked …1a2b`: a display name says who owns a subscription or tenant as plainly as its id does. */
export function maskName(id: string): string {
  return `masked …${id.slice(-4).toLowerCase()}`;
}

function maskedNames(
  names: Readonly<Record<string, string>>,
  maskId: (id: string) => string,
): Record<string, string> {
  return Object.fromEntries(Object.keys(names).map((id) => [maskId(id), maskName(id)]));
}

/** Masked copies by run (runs are immutable): the report files, the view and the email's view share one. */
const maskedRuns = new WeakMap<RunRecord, RunRecord>();

/**
 * A copy of the run where every subscription id, wherever it appears (ids, messages, evidence), is masked, and
 * every tenant and subscription display name is replaced by `maskName` of its id. Names are replaced by exact
 * value wherever they occur, since a name can be copied into a message.
 */
export function maskRun(run: RunRecord): RunRecord {
  let masked = maskedRuns.get(run);
  if (masked === undefined) {
    masked = maskedCopy(run);
    maskedRuns.set(run, masked);
  }
  return masked;
}

function maskedCopy(run: RunRecord): RunRecord {
  const subscriptionIds = collectSubscriptionIds(run);
  const names = new Map<string, string>();
  for (const [id, name] of [
    ...Object.entries(run.names?.tenants ?? {}),
    ...Object.entries(run.names?.subscriptions ?? {}),
  ])
    if (name !== "") names.set(name, maskName(id));
  const seen = new Map<string, string>();
  const mask = (text: string): string => {
    const name = names.get(text);
    if (name !== undefined) return name;
    if (text.length < guidLength) return text;
    let masked = seen.get(text);
    if (masked === undefined) {
      masked = replaceSubscriptionIds(text, subscriptionIds, maskSubscriptionId);
      seen.set(text, masked);
    }
    return masked;
  };
  // mapStrings keeps the shape; only string contents change.
  const masked = mapStrings({ ...run, names: undefined }, mask) as RunRecord;
  if (run.names === undefined) return masked;
  return {
    ...masked,
    names: {
      // Tenant ids stay (see replaceSubscriptionIds); subscription ids are keyed as the masked run names them.
      tenants: maskedNames(run.names.tenants, (id) => id),
      subscriptions: maskedNames(run.names.subscriptions, maskSubscriptionId),
    },
  };
}
