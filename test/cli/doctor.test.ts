// `doctor` against Resource Graph and ARM mocked with nock: a healthy tenant, unreadable rule collection groups, a 403.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, it } from "node:test";
import nock from "nock";
import { buildProgram } from "../../src/cli/main.ts";
import type { ExitCode } from "../../src/errors/errors.ts";
import { blockNetwork, fakeClock, fakeCredentials } from "../collect/fakes.ts";
import { serveEstate } from "../collect/estate.ts";
import type { Estate, EstateRow } from "../collect/estate.ts";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const forbiddenTenant = "bbbbbbbb-0000-4000-8000-000000000002";
const subscriptionId = "subid";

function exampleBody(path: string): Record<string, unknown> {
  const example = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
    responses: { 200: { body: Record<string, unknown> } };
  };
  return example.responses[200].body;
}

/** A REST spec example as Resource Graph returns it: lower-cased type, tenant and subscription columns. */
function asArgRow(body: Record<string, unknown>, type?: string): EstateRow {
  return {
    ...body,
    id: body.id as string,
    type: (type ?? (body.type as string)).toLowerCase(),
    tenantId,
    subscriptionId,
  };
}

const shared = "../../../shared/fixtures/arm-examples/";
const cluster = asArgRow(exampleBody(`${shared}aks-ManagedClustersGet.json`));
const policy = asArgRow(exampleBody("../fixtures/net-FirewallPolicyGet.json"));
const group = asArgRow(
  exampleBody(`${shared}net-FirewallPolicyRuleCollectionGroupGet.json`),
  "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
);
const assignment = asArgRow(exampleBody(`${shared}authz-RoleAssignments_Get.json`));
/** The same real assignment made at a management group, as `AtScopeAboveAndBelow` returns inherited ones. */
const managementGroupScope = "/providers/Microsoft.Management/managementGroups/mg-platform";
const inheritedAssignment: EstateRow = {
  ...assignment,
  id: `${managementGroupScope}/providers/Microsoft.Authorization/roleAssignments/b0f43c54-e787-4862-89b1-a653fa9cf747`,
  properties: { ...(assignment.properties as Record<string, unknown>), scope: managementGroupScope },
};
const subscription: EstateRow = {
  id: `/subscriptions/${subscriptionId}`,
  name: "Contoso Production",
  type: "microsoft.resources/subscriptions",
  tenantId,
  subscriptionId,
};

const quotaHeaders = { "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" };

const healthy: Estate = {
  tables: {
    resourcecontainers: [subscription],
    resources: [cluster, policy, group],
    authorizationresources: [assignment, inheritedAssignment],
  },
  headers: quotaHeaders,
};

async function doctor(estate: Estate, tenants: readonly string[]) {
  const log = serveEstate(estate);
  const lines: string[] = [];
  let exitCode: ExitCode | undefined;
  const program = buildProgram(
    (line) => lines.push(line),
    (code) => (exitCode = code),
    { credentialFactory: fakeCredentials().factory, clock: fakeClock(), random: () => 0.5 },
  );
  await program.parseAsync(["doctor", ...tenants.flatMap((tenant) => ["--tenant", tenant])], {
    from: "user",
  });
  return { exitCode, lines, log };
}

/** `status  name: detail` of one check, below the heading of its tenant (or of the estate). */
function check(lines: readonly string[], heading: string, name: string): string {
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `no heading ${heading} in\n${lines.join("\n")}`);
  const line = lines.slice(start + 1).find(
    (candidate) =>
      /^ {2}\S/.test(candidate) &&
      candidate
        .trim()
        .replace(/^\S+\s+/, "")
        .startsWith(name),
  );
  assert.ok(line, `no check ${name} under ${heading} in\n${lines.join("\n")}`);
  return line.trim();
}

describe("doctor", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("a healthy tenant: every check holds, exit 0", async () => {
    const { exitCode, lines, log } = await doctor(healthy, [tenantId]);
    const tenant = `tenant ${tenantId}`;
    assert.equal(exitCode, 0, lines.join("\n"));
    assert.match(check(lines, tenant, "sign-in"), /^ok /);
    assert.match(check(lines, tenant, "subscriptions"), /^ok +subscriptions: 1 subscription\(s\) visible$/);
    const rows = check(lines, tenant, "rows");
    assert.match(rows, /^ok +rows per query: /);
    assert.match(rows, /\bclusters 1\b/);
    assert.match(rows, /\bfirewall-policies 1\b/);
    assert.match(rows, /\brole-assignments 2\b/);
    assert.match(rows, /\bvirtual-networks 0\b/);
    assert.match(
      check(lines, tenant, "quota"),
      /^ok +quota headers: on \d+ answer\(s\); lowest x-ms-user-quota-remaining 14, resets after 00:00:05$/,
    );
    assert.match(
      check(lines, "estate", "rule"),
      /^ok +rule collection groups: 1 found: resources 1, networkresources 0, ARM GET 0$/,
    );
    assert.match(
      check(lines, "estate", "role"),
      /^ok +role assignments: 2 read, 1 inherited from a management group or the root$/,
    );
    assert.match(check(lines, "estate", "rows read"), /^ok +rows read: 6 row\(s\), none dropped$/);
    assert.match(check(lines, "estate", "unverified"), /^ok +unverified: no rule would answer unverified$/);
    assert.equal(lines.at(-1), "every check holds (0 warning(s)); exit 0");
    // Read-only: only Resource Graph queries, no ARM GET was needed.
    assert.deepEqual(log.armGets, []);
    assert.ok(
      log.graphBodies.some(
        ({ body }) =>
          String(body.query).includes("roleassignments") &&
          (body.options as { authorizationScopeFilter?: string } | undefined)?.authorizationScopeFilter ===
            "AtScopeAboveAndBelow",
      ),
    );
  });

  it("rule collection groups in no table and not readable by ARM: the check fails naming the group, exit 3", async () => {
    const { exitCode, lines, log } = await doctor(
      { ...healthy, tables: { ...healthy.tables, resources: [cluster, policy] }, forbiddenIds: [group.id] },
      [tenantId],
    );
    assert.equal(exitCode, 3);
    assert.deepEqual(log.armGets, [group.id]);
    const groups = check(lines, "estate", "rule");
    assert.match(groups, /^fail +rule collection groups: 1 of 1 unread /);
    assert.ok(groups.includes(group.id), groups);
    assert.match(groups, /AuthorizationFailed|No read access/);
    assert.match(check(lines, `tenant ${tenantId}`, "rows"), /^ok /);
    // The pinned-IP checks that depend on the group answer unverified, and say which group.
    for (const ruleId of ["rule-pinned-to-apiserver-ip", "rule-pinned-to-old-apiserver-ip"]) {
      const unverified = check(lines, "estate", `unverified ${ruleId}`);
      assert.match(unverified, /^warn /);
      assert.ok(unverified.includes(group.id), unverified);
    }
    assert.match(lines.at(-1) ?? "", /^1 check\(s\) failed, 2 warning\(s\); exit 3$/);
  });

  it("a 403 tenant beside a healthy one: signed in, but no subscription readable, exit 3", async () => {
    const { exitCode, lines } = await doctor({ ...healthy, forbiddenTenants: [forbiddenTenant] }, [
      tenantId,
      forbiddenTenant,
    ]);
    assert.equal(exitCode, 3);
    const denied = `tenant ${forbiddenTenant}`;
    assert.match(check(lines, denied, "sign-in"), /^ok /);
    assert.match(
      check(lines, denied, "subscriptions"),
      /^fail +subscriptions: AuthorizationFailed: The client has no access to tenant /,
    );
    assert.match(check(lines, denied, "rows per query"), /^fail +rows per query: not read/);
    assert.match(check(lines, denied, "quota"), /^warn /);
    assert.match(check(lines, `tenant ${tenantId}`, "subscriptions"), /^ok /);
    assert.match(check(lines, `tenant ${tenantId}`, "rows per query"), /^ok /);
    assert.match(lines.at(-1) ?? "", /^2 check\(s\) failed, 1 warning\(s\); exit 3$/);
  });
});
