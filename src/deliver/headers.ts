// What goes into mail headers: the subject and addresses, made safe against header injection from scanned data.
import { ConfigError } from "../errors/errors.ts";
import type { RunRecord } from "../findings/run.ts";

/** Control characters (CR and LF above all), Unicode line breaks and bidi overrides that could forge or disguise a header. */
const unsafeInHeader = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** One mailbox, no display name: `local@domain`, nothing that could start a second address or header. */
const plainAddress = /^[^\s<>,;:"()[\]\\@]+@[\p{L}\p{N}](?:[\p{L}\p{N}.-]*[\p{L}\p{N}])?$/u;
/** `Display Name <local@domain>`; the name may be quoted but holds no angle bracket or quote. */
const namedAddress = /^(?:"[^"<>]*"|[^"<>,;]*)\s*<([^<>]+)>$/;

/** Header text from anything scanned: unsafe characters become spaces, runs of spaces one. */
export function headerText(text: string, maxLength = 200): string {
  const clean = text.replace(unsafeInHeader, " ").replace(/\s+/g, " ").trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength)}…` : clean;
}

/** Throws a `ConfigError` naming `what` unless `text` is one mailbox (optionally with a display name). */
export function checkMailbox(text: string, what: string, options: { readonly displayName: boolean }): void {
  const address = options.displayName ? (namedAddress.exec(text)?.[1] ?? text) : text;
  if (new RegExp(unsafeInHeader.source, "u").test(text) || !plainAddress.test(address.trim())) {
    const form = options.displayName ? "name@domain or Name <name@domain>" : "name@domain";
    throw new ConfigError(
      `${what} ${JSON.stringify(text)} is not one email address (${form}; no line break, <, >, or comma inside one address). Give each address separately.`,
    );
  }
}

/** Trims and checks recipients (`--email-to`, config `email.to`); duplicates are dropped, case-insensitively. */
export function checkRecipients(to: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const address of to.map((text) => text.trim())) {
    if (!byKey.has(address.toLowerCase())) byKey.set(address.toLowerCase(), address);
  }
  const recipients = [...byKey.values()];
  if (recipients.length === 0)
    throw new ConfigError("Email has no recipient: give --email-to ADDRESS or config email.to.");
  for (const address of recipients) checkMailbox(address, "Email recipient", { displayName: false });
  return recipients;
}

/** "the tenant id" when one, "N tenants" when several; snapshots and the demo by their source. */
export function tenantScope(run: RunRecord): string {
  if (run.run.source === "demo") return "demo fleet";
  if (run.run.source === "snapshot") return "snapshot";
  const fromScopes = run.coverage.scopes.flatMap((scope) => (scope.tenantId ? [scope.tenantId] : []));
  const tenants = new Set(
    (fromScopes.length > 0 ? fromScopes : run.run.inputs).map((id) => id.toLowerCase()),
  );
  const [only] = tenants;
  if (tenants.size === 1 && only !== undefined) return headerText(only, 80);
  return tenants.size === 0 ? "default tenant" : `${tenants.size} tenants`;
}

/** UTC date of the run, the day a reader files it under. */
function runDate(run: RunRecord): string {
  const time = Date.parse(run.run.finishedAt);
  return Number.isNaN(time)
    ? headerText(run.run.finishedAt.slice(0, 10), 10)
    : new Date(time).toISOString().slice(0, 10);
}

/** `[aks-vnet-audit] <tenant scope> <YYYY-MM-DD>: <n> critical, <n> high`, plus ` (INCOMPLETE)` when coverage is. */
export function emailSubject(run: RunRecord): string {
  const { critical, high } = run.summary.bySeverity;
  const incomplete = run.coverage.complete ? "" : " (INCOMPLETE)";
  return headerText(
    `[aks-vnet-audit] ${tenantScope(run)} ${runDate(run)}: ${critical} critical, ${high} high${incomplete}`,
    400,
  );
}
