// Secrets never reach a log: bearer tokens, JWTs, client secrets and SMTP passwords are masked before printing.

const replacements: readonly (readonly [RegExp, string])[] = [
  // A JWT anywhere (three base64url parts, the first starting with eyJ).
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted]"],
  [/(authorization["']?\s*[:=]\s*["']?)(?:bearer\s+)?[^\s"',}]+/gi, "$1[redacted]"],
  [/(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, "$1[redacted]"],
  [
    /((?:client_secret|clientsecret|password|passwd|secret|access_token|refresh_token|sig)["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
    "$1[redacted]",
  ],
  // Webhook URLs whose path is the secret: Slack incoming webhooks, the older Office 365 connector webhooks.
  [/(https?:\/\/(?:hooks\.slack\.com|[a-z0-9-]+\.webhook\.office\.com)\/)[^\s"'<>]+/gi, "$1[redacted]"],
  // Credentials inside a URL: smtp://user:password@host.
  [/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, "$1[redacted]@"],
];

/** Variables whose values are secrets; their literal values are masked wherever they show up, in any form of text. */
export const secretVariables = [
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "SMTP_PASSWORD",
  "SMTP_URL",
  "NOTIFY_WEBHOOK_URL",
] as const;

/** Shorter values would mask ordinary words; a real secret is far longer. */
const minimumSecretLength = 6;

export function redactSecrets(
  text: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const literal = secretVariables
    .map((name) => env[name])
    .filter((value): value is string => value !== undefined && value.length >= minimumSecretLength)
    .reduce((current, secret) => current.split(secret).join("[redacted]"), text);
  return replacements.reduce(
    (current, [pattern, replacement]) => current.replace(pattern, replacement),
    literal,
  );
}
