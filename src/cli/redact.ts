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
  // Credentials inside a URL: smtp://user:password@host.
  [/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, "$1[redacted]@"],
];

export function redactSecrets(text: string): string {
  return replacements.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
}
