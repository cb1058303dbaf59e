// doctor's conclusions from one read: which facts fail the check, which only warn, and how quota headers add up.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DoctorInput, QuotaSeen } from "../../src/cli/doctor-checks.ts";
import { doctorChecks, doctorLines, recordQuota } from "../../src/cli/doctor-checks.ts";
import type { RawRow } from "../../src/inventory/model.ts";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

function assignmentRow(scope: string): RawRow {
  return {
    table: "authorizationresources",
    value: {
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/a`,
      type: "microsoft.authorization/roleassignments",
      properties: { scope },
    },
    source: { origin: `resource-graph:${tenantId}/role-assignments`, row: 0 },
  };
}

function input(overrides: Partial<DoctorInput> = {}): DoctorInput {
  const coverage = {
    complete: true,
    scopes: [{ tenantId, subscriptions: ["s1"] }],
    gaps: [],
    tables: ["resources"],
  };
  return {
    tenants: [tenantId],
    signIns: new Map([[tenantId, { ok: true }]]),
    collected: { kind: "resource-graph", rows: [assignmentRow("/")], coverage, diagnostics: [] },
    coverage,
    queries: ["role-assignments"],
    ruleCollectionGroupSources: new Map(),
    quota: new Map([[tenantId, { answers: 1, lowest: { remaining: "9" } }]]),
    results: [],
    ...overrides,
  };
}

function statusOf(doctorInput: DoctorInput, name: string): string | undefined {
  return doctorChecks(doctorInput).find((check) => check.name === name)?.status;
}

describe("doctorChecks", () => {
  const cases: { name: string; check: string; input: DoctorInput; status: string }[] = [
    { name: "a healthy read", check: "sign-in", input: input(), status: "ok" },
    {
      name: "no token",
      check: "sign-in",
      input: input({
        signIns: new Map([[tenantId, { ok: false, message: "--auth cli: Please run 'az login'" }]]),
      }),
      status: "fail",
    },
    {
      name: "an assignment at the root is inherited",
      check: "role assignments",
      input: input(),
      status: "ok",
    },
    {
      name: "only subscription-scope assignments: a warning, not a failure",
      check: "role assignments",
      input: input({
        collected: { ...input().collected, rows: [assignmentRow("/subscriptions/s1")] },
      }),
      status: "warn",
    },
    {
      name: "the role-assignment query failed",
      check: "role assignments",
      input: input({
        coverage: {
          ...input().coverage,
          complete: false,
          gaps: [{ tenantId, query: "role-assignments", code: "BadRequest", message: "bad" }],
        },
      }),
      status: "fail",
    },
    {
      name: "rows the normalizer dropped",
      check: "rows read",
      input: input({
        coverage: {
          ...input().coverage,
          complete: false,
          gaps: [{ code: "malformed-rows", message: "2 rows" }],
        },
      }),
      status: "fail",
    },
    { name: "no quota headers", check: "quota headers", input: input({ quota: new Map() }), status: "warn" },
  ];
  for (const { name, check, input: doctorInput, status } of cases) {
    it(`${name}: ${check} ${status}`, () => {
      assert.equal(statusOf(doctorInput, check), status);
    });
  }

  it("ends with the count of failed checks", () => {
    const failing = input({ signIns: new Map([[tenantId, { ok: false, message: "no" }]]), quota: new Map() });
    assert.equal(doctorLines(doctorChecks(failing)).at(-1), "1 check(s) failed, 1 warning(s); exit 3");
  });
});

describe("recordQuota", () => {
  it("counts answers and keeps the lowest remaining with its reset", () => {
    const seen = new Map<string, QuotaSeen>();
    recordQuota(seen, tenantId.toUpperCase(), { remaining: "14", resetsAfter: "00:00:05" });
    recordQuota(seen, tenantId, { remaining: "3", resetsAfter: "00:00:02" });
    recordQuota(seen, tenantId, { remaining: "12", resetsAfter: "00:00:04" });
    assert.deepEqual(seen.get(tenantId), { answers: 3, lowest: { remaining: "3", resetsAfter: "00:00:02" } });
  });
});
