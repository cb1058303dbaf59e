// Secrets never reach a log line: each kind of secret the tool may see, in the shapes it appears in.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactSecrets } from "../../src/errors/redact.ts";

const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJlLXBhcnQ";

const cases: readonly { name: string; line: string; secret: string; kept: string }[] = [
  {
    name: "Authorization header",
    line: `POST /resources authorization: Bearer opaque-token-123`,
    secret: "opaque-token-123",
    kept: "POST /resources",
  },
  { name: "a JWT anywhere", line: `token=${jwt} status=200`, secret: jwt, kept: "status=200" },
  {
    name: "a bare bearer token",
    line: "sending Bearer abc.def-ghi~",
    secret: "abc.def-ghi~",
    kept: "sending Bearer",
  },
  {
    name: "client_secret in a form body",
    line: "client_id=app&client_secret=s3cr3t&scope=x",
    secret: "s3cr3t",
    kept: "client_id=app",
  },
  {
    name: "a password in JSON",
    line: '{"user":"ops","password":"hunter2"}',
    secret: "hunter2",
    kept: '"user":"ops"',
  },
  {
    name: "SMTP URL credentials",
    line: "connecting smtp://mailer:p%40ss@relay.example:587",
    secret: "p%40ss",
    kept: "relay.example:587",
  },
  {
    name: "a SAS signature",
    line: "GET https://x.blob.core.windows.net/c?sv=2022&sig=AbCd%2Bef",
    secret: "AbCd%2Bef",
    kept: "sv=2022",
  },
  {
    name: "a Slack incoming-webhook path",
    line: "POST https://hooks.slack.com/services/T0AAA/B0BBB/xoxsecretpart failed",
    secret: "T0AAA/B0BBB/xoxsecretpart",
    kept: "https://hooks.slack.com/",
  },
  {
    name: "a Teams Workflows trigger signature",
    line: "POST https://prod-07.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sv=1.0&sig=Zm9vYmFy",
    secret: "Zm9vYmFy",
    kept: "logic.azure.com:443",
  },
];

describe("redactSecrets", () => {
  for (const { name, line, secret, kept } of cases) {
    it(`masks ${name}`, () => {
      const redacted = redactSecrets(line);
      assert.ok(!redacted.includes(secret), redacted);
      assert.ok(redacted.includes("[redacted]"), redacted);
      assert.ok(redacted.includes(kept), `keeps the useful part: ${redacted}`);
    });
  }

  it("leaves a line without secrets as it is", () => {
    const line =
      "POST https://management.azure.com/providers/Microsoft.ResourceGraph/resources 200 (x-ms-user-quota-remaining 14)";
    assert.equal(redactSecrets(line), line);
  });
});
