// SMTP settings from environment variables only (DESIGN §7): credentials never come from flags or config files.
import { ConfigError } from "../errors/errors.ts";
import { checkMailbox } from "./headers.ts";

export type Environment = Readonly<Record<string, string | undefined>>;

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  /** Refuse to send unless the connection was upgraded with STARTTLS. */
  readonly requireTLS: boolean;
  readonly auth: { readonly user: string; readonly pass: string } | undefined;
  readonly from: string;
}

/** The variables read, for docs and error messages. */
export const smtpVariables = [
  "SMTP_URL",
  "SMTP_HOST",
  "SMTP_PORT",
  "SMTP_USER",
  "SMTP_PASSWORD",
  "SMTP_SECURE",
  "SMTP_REQUIRE_TLS",
  "MAIL_FROM",
] as const;

const setupHint =
  "Set SMTP_URL (smtp://user:password@host:587 or smtps://…:465) or SMTP_HOST, and MAIL_FROM.";

function value(env: Environment, name: (typeof smtpVariables)[number]): string | undefined {
  const text = env[name]?.trim();
  return text === "" ? undefined : text;
}

function flag(env: Environment, name: "SMTP_SECURE" | "SMTP_REQUIRE_TLS"): boolean | undefined {
  const text = value(env, name)?.toLowerCase();
  if (text === undefined) return undefined;
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(text)}.`);
}

function port(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const number = Number(text);
  if (!/^\d+$/.test(text) || number < 1 || number > 65535) {
    throw new ConfigError(`${name} must be a port number from 1 to 65535, not ${JSON.stringify(text)}.`);
  }
  return number;
}

/** Nodemailer's own defaults: 465 with implicit TLS, 587 (submission, STARTTLS) otherwise. */
function defaultPort(secure: boolean): number {
  return secure ? 465 : 587;
}

type Server = Pick<SmtpSettings, "host" | "port" | "secure" | "auth">;

function serverFromUrl(text: string): Server {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The value is not echoed: it may hold a password.
    throw new ConfigError(`SMTP_URL is not a valid URL. ${setupHint}`);
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  }
  if (url.hostname === "") throw new ConfigError(`SMTP_URL has no host. ${setupHint}`);
  const secure = url.protocol === "smtps:";
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: port(url.port || undefined, "The port in SMTP_URL") ?? defaultPort(secure),
    secure,
    auth: user === "" ? undefined : { user, pass: decodeURIComponent(url.password) },
  };
}

function serverFromParts(env: Environment, host: string): Server {
  const secure = flag(env, "SMTP_SECURE") ?? false;
  const user = value(env, "SMTP_USER");
  const pass = env.SMTP_PASSWORD;
  if (user !== undefined && (pass === undefined || pass === "")) {
    throw new ConfigError(
      "SMTP_USER is set but SMTP_PASSWORD is not; set both, or neither for a relay without login.",
    );
  }
  return {
    host,
    port: port(value(env, "SMTP_PORT"), "SMTP_PORT") ?? defaultPort(secure),
    secure,
    auth: user === undefined || pass === undefined ? undefined : { user, pass },
  };
}

/** Reads and checks the SMTP settings; a `ConfigError` names the variable to fix. SMTP_URL wins over SMTP_HOST. */
export function readSmtpSettings(env: Environment): SmtpSettings {
  const url = value(env, "SMTP_URL");
  const host = value(env, "SMTP_HOST");
  if (url === undefined && host === undefined) {
    throw new ConfigError(
      `Email needs an SMTP server and neither SMTP_URL nor SMTP_HOST is set. ${setupHint}`,
    );
  }
  const server = url === undefined ? serverFromParts(env, host ?? "") : serverFromUrl(url);
  const from = value(env, "MAIL_FROM");
  if (from === undefined) {
    throw new ConfigError(
      `MAIL_FROM is not set: set it to the sender address, e.g. MAIL_FROM="AKS audit <aks-audit@contoso.com>".`,
    );
  }
  checkMailbox(from, "MAIL_FROM", { displayName: true });
  return { ...server, requireTLS: flag(env, "SMTP_REQUIRE_TLS") ?? false, from };
}

/** `host:port`, for messages; never the credentials. */
export function describeServer(settings: Pick<SmtpSettings, "host" | "port">): string {
  return `${settings.host}:${settings.port}`;
}
