// Tests for header safety: control characters stripped, recipients checked, the subject built from the run.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors/errors.ts";
import { checkRecipients, emailSubject, headerText } from "../../src/deliver/headers.ts";
import { incompleteCoverage, sampleRun, tenantOne } from "../report/sample-run.ts";

describe("headerText", () => {
  const cases: [input: string, expected: string][] = [
    ["plain", "plain"],
    ["evil\r\nBcc: attacker@example.com", "evil Bcc: attacker@example.com"],
    ["tab\there\u0000nul\u007fdel", "tab here nul del"],
    ["line\u2028separator", "line separator"],
    ["bidi\u202eoverride", "bidi override"],
    ["  many   spaces  ", "many spaces"],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(headerText(input), expected);
    });
  }
  it("cuts long text", () => {
    assert.equal(headerText("x".repeat(50), 10), `${"x".repeat(10)}…`);
  });
});

describe("checkRecipients", () => {
  it("trims and drops duplicates, case-insensitively", () => {
    assert.deepEqual(
      checkRecipients([" ops@contoso.example ", "OPS@contoso.example", "sec@contoso.example"]),
      ["ops@contoso.example", "sec@contoso.example"],
    );
  });
  const invalid: string[] = [
    "ops@contoso.example\r\nBcc: attacker@example.com",
    "ops@contoso.example\nx",
    "ops@contoso.example, attacker@example.com",
    "Ops <ops@contoso.example>",
    "<ops@contoso.example>",
    "no-at-sign",
    "two@@contoso.example",
    "space in@contoso.example",
    "",
  ];
  for (const address of invalid) {
    it(`refuses ${JSON.stringify(address)}`, () => {
      assert.throws(() => checkRecipients([address]), ConfigError);
    });
  }
  it("refuses an empty list", () => {
    assert.throws(() => checkRecipients([]), /no recipient/);
  });
});

describe("emailSubject", () => {
  const base = sampleRun();
  const cases: [name: string, run: ReturnType<typeof sampleRun>, expected: string][] = [
    ["two tenants", base, "[aks-vnet-audit] 2 tenants 2026-11-26: 1 critical, 2 high"],
    [
      "one tenant, incomplete",
      sampleRun({ coverage: { ...incompleteCoverage, scopes: [{ tenantId: tenantOne }] } }),
      `[aks-vnet-audit] ${tenantOne} 2026-11-26: 1 critical, 2 high (INCOMPLETE)`,
    ],
    [
      "the demo",
      sampleRun({ run: { ...base.run, source: "demo" } }),
      "[aks-vnet-audit] demo fleet 2026-11-26: 1 critical, 2 high",
    ],
    [
      "a snapshot",
      sampleRun({ run: { ...base.run, source: "snapshot" } }),
      "[aks-vnet-audit] snapshot 2026-11-26: 1 critical, 2 high",
    ],
    [
      "no tenant named",
      sampleRun({ coverage: { ...base.coverage, scopes: [{}] }, run: { ...base.run, inputs: [] } }),
      "[aks-vnet-audit] default tenant 2026-11-26: 1 critical, 2 high",
    ],
    [
      "a run finishing just before midnight UTC",
      sampleRun({ run: { ...base.run, finishedAt: "2026-11-26T23:59:59+00:00" } }),
      "[aks-vnet-audit] 2 tenants 2026-11-26: 1 critical, 2 high",
    ],
  ];
  for (const [name, run, expected] of cases) {
    it(name, () => {
      assert.equal(emailSubject(run), expected);
    });
  }
});
