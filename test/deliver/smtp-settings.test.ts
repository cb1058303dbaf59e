// Tests for reading SMTP settings from the environment: URL and separate variables, defaults, errors naming the variable.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors/errors.ts";
import type { Environment, SmtpSettings } from "../../src/deliver/smtp-settings.ts";
import { describeServer, readSmtpSettings } from "../../src/deliver/smtp-settings.ts";

const from = "aks-audit@contoso.example";

describe("readSmtpSettings", () => {
  const valid: [name: string, env: Environment, expected: Partial<SmtpSettings>][] = [
    [
      "SMTP_URL with encoded credentials",
      { SMTP_URL: "smtp://audit%40contoso.example:p%40ss%3Aw0rd@mail.contoso.example:2525", MAIL_FROM: from },
      {
        host: "mail.contoso.example",
        port: 2525,
        secure: false,
        auth: { user: "audit@contoso.example", pass: "p@ss:w0rd" },
      },
    ],
    [
      "smtps:// defaults to 465 and implicit TLS",
      { SMTP_URL: "smtps://mail.contoso.example", MAIL_FROM: from },
      { port: 465, secure: true, auth: undefined },
    ],
    [
      "smtp:// defaults to 587 (STARTTLS)",
      { SMTP_URL: "smtp://mail.contoso.example", MAIL_FROM: from },
      { port: 587, secure: false },
    ],
    [
      "separate variables",
      {
        SMTP_HOST: "relay.contoso.example",
        SMTP_PORT: "25",
        SMTP_USER: "u",
        SMTP_PASSWORD: "p",
        MAIL_FROM: from,
      },
      { host: "relay.contoso.example", port: 25, secure: false, auth: { user: "u", pass: "p" } },
    ],
    [
      "SMTP_SECURE=true defaults to 465",
      { SMTP_HOST: "relay", SMTP_SECURE: "true", MAIL_FROM: from },
      { port: 465, secure: true },
    ],
    [
      "SMTP_REQUIRE_TLS=true",
      { SMTP_HOST: "relay", SMTP_REQUIRE_TLS: "true", MAIL_FROM: from },
      { requireTLS: true },
    ],
    [
      "SMTP_URL wins over SMTP_HOST",
      { SMTP_URL: "smtp://a.example", SMTP_HOST: "b.example", MAIL_FROM: from },
      { host: "a.example" },
    ],
    [
      "MAIL_FROM with a display name",
      { SMTP_HOST: "relay", MAIL_FROM: `"AKS audit" <${from}>` },
      { from: `"AKS audit" <${from}>` },
    ],
  ];
  for (const [name, env, expected] of valid) {
    it(name, () => {
      const settings = readSmtpSettings(env);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(settings[key as keyof SmtpSettings], value, key);
      }
    });
  }

  const invalid: [name: string, env: Environment, message: RegExp][] = [
    ["no server", { MAIL_FROM: from }, /neither SMTP_URL nor SMTP_HOST/],
    ["no MAIL_FROM", { SMTP_HOST: "relay" }, /MAIL_FROM is not set/],
    ["a blank MAIL_FROM", { SMTP_HOST: "relay", MAIL_FROM: "  " }, /MAIL_FROM is not set/],
    [
      "MAIL_FROM with a line break",
      { SMTP_HOST: "relay", MAIL_FROM: `${from}\r\nBcc: x@example.com` },
      /MAIL_FROM/,
    ],
    ["a port out of range", { SMTP_HOST: "relay", SMTP_PORT: "70000", MAIL_FROM: from }, /SMTP_PORT/],
    ["a port that is no number", { SMTP_HOST: "relay", SMTP_PORT: "smtp", MAIL_FROM: from }, /SMTP_PORT/],
    [
      "SMTP_SECURE=yes",
      { SMTP_HOST: "relay", SMTP_SECURE: "yes", MAIL_FROM: from },
      /SMTP_SECURE must be true or false/,
    ],
    [
      "SMTP_USER without SMTP_PASSWORD",
      { SMTP_HOST: "relay", SMTP_USER: "u", MAIL_FROM: from },
      /SMTP_PASSWORD/,
    ],
    ["an http URL", { SMTP_URL: "http://relay", MAIL_FROM: from }, /smtp:\/\/ or smtps:\/\//],
  ];
  for (const [name, env, message] of invalid) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => readSmtpSettings(env),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }

  it("never echoes an unparsable SMTP_URL, which may hold a password", () => {
    const secret = "s3cret-value";
    assert.throws(
      () => readSmtpSettings({ SMTP_URL: `smtp://user:${secret}@[bad`, MAIL_FROM: from }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes(secret),
    );
  });

  it("describes the server by host and port only", () => {
    const settings = readSmtpSettings({
      SMTP_URL: "smtp://user:secret@mail.contoso.example:587",
      MAIL_FROM: from,
    });
    assert.equal(describeServer(settings), "mail.contoso.example:587");
  });
});
