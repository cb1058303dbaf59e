// Reconcile: apply suppressions, then diff against the previous run of the same scope (DESIGN §6).
import type { Suppression } from "../config/config.ts";
import type { Diagnostic } from "../inventory/model.ts";
import type { Result, ResultStatus } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";
import { diffResults } from "../findings/diff.ts";

export interface ReconcileOptions {
  readonly suppressions: readonly Suppression[];
  readonly now: Date;
  /** The previous run of the same scope; undefined on the first run, when every failing result is `new`. */
  readonly previous: RunRecord | undefined;
}

/** A suppression past its expiry date: the findings it matched are shown again, and it is reported itself. */
export interface ExpiredSuppression {
  readonly suppression: Suppression;
  /** Fingerprints of the findings it matched this run, which stay failing. */
  readonly restored: readonly string[];
}

export interface Reconciled {
  readonly results: Result[];
  /** Findings failing in the previous run that pass or are gone now, with `diff: "resolved"`. */
  readonly resolved: Result[];
  readonly expiredSuppressions: ExpiredSuppression[];
  readonly warnings: Diagnostic[];
}

/** Only findings can be suppressed; a rule `error` is the tool failing and always stays visible. */
const suppressibleStatuses: readonly ResultStatus[] = ["fail", "unverified"];
/**
 * Failing results get `diff` `new` or `persisting`; `pass` and `not_applicable` results carry no `diff`,
 * since "new pass" says nothing a reader acts on, and fixed findings already appear in `resolved`.
 */
export function reconcile(results: readonly Result[], options: ReconcileOptions): Reconciled {
  const matchers = options.suppressions.map((suppression, index) =>
    compileSuppression(suppression, index, options.now),
  );
  const restored = new Map<SuppressionMatcher, string[]>();
  const suppressed = results.map((result) => applySuppressions(result, matchers, restored));
  const { results: diffed, resolved } = diffResults(suppressed, options.previous?.results ?? []);
  const expired = matchers.filter((matcher) => matcher.expired);
  return {
    results: diffed,
    resolved,
    expiredSuppressions: expired.map((matcher) => ({
      suppression: matcher.suppression,
      restored: restored.get(matcher) ?? [],
    })),
    warnings: expired.map((matcher) => expiredWarning(matcher, restored.get(matcher)?.length ?? 0)),
  };
}

interface SuppressionMatcher {
  readonly suppression: Suppression;
  /** Position in the config's `suppressions`, so a warning can point at it. */
  readonly index: number;
  readonly resource: RegExp;
  readonly expired: boolean;
}

function compileSuppression(suppression: Suppression, index: number, now: Date): SuppressionMatcher {
  const expires = suppression.expires === undefined ? Infinity : expiryInstant(suppression.expires);
  // An unreadable date counts as expired: the finding stays visible and the warning names the entry.
  const expired = Number.isNaN(expires) || expires <= now.getTime();
  return { suppression, index, resource: resourceGlob(suppression.resource), expired };
}

/** A date without a time means "through that day" (UTC), as people write it in a config file. */
export function expiryInstant(expires: string): number {
  const dayMs = 24 * 60 * 60 * 1000;
  return /^\d{4}-\d{2}-\d{2}$/.test(expires)
    ? Date.parse(`${expires}T00:00:00Z`) + dayMs
    : Date.parse(expires);
}

/** `*` matches within one `/` segment, `**` across segments (`/**\/` also matches none); case-insensitive. */
export function resourceGlob(pattern: string): RegExp {
  const body = (pattern.match(/\*\*\/|\*\*|\*|[^*]+/g) ?? [])
    .map((token) => {
      if (token === "**/") return "(?:.*/)?";
      if (token === "**") return ".*";
      if (token === "*") return "[^/]*";
      return token.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${body}$`, "i");
}

function applySuppressions(
  result: Result,
  matchers: readonly SuppressionMatcher[],
  restored: Map<SuppressionMatcher, string[]>,
): Result {
  if (matchers.length === 0 || !suppressibleStatuses.includes(result.status)) return result;
  const matching = matchers.filter(
    (matcher) =>
      (matcher.suppression.rule === "*" || matcher.suppression.rule === result.ruleId) &&
      matcher.resource.test(result.resourceId),
  );
  const active = matching.find((matcher) => !matcher.expired);
  if (active) {
    const { reason, owner, expires } = active.suppression;
    return { ...result, status: "suppressed", suppression: { reason, owner, expires } };
  }
  for (const matcher of matching)
    restored.set(matcher, [...(restored.get(matcher) ?? []), result.fingerprint]);
  return result;
}

function expiredWarning(matcher: SuppressionMatcher, restoredCount: number): Diagnostic {
  const { rule, resource, owner, expires } = matcher.suppression;
  const expiry = expires ?? "";
  const when = Number.isNaN(expiryInstant(expiry))
    ? `has an unreadable expiry "${expiry}"`
    : `expired on ${expiry}`;
  return {
    level: "warning",
    code: "suppression-expired",
    message:
      `Suppression of ${rule} on ${resource} (owner ${owner}) ${when}; ` +
      `${restoredCount} finding(s) it matched are reported again. Renew the expiry or remove the entry.`,
    origin: "config",
    field: `suppressions[${matcher.index}]`,
    resourceId: resource,
  };
}
