// Subscriptions from `resourcecontainers` rows and from ARM GET bodies: names, tenants, Lighthouse tenants, ancestry.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { RawRow } from "../../src/inventory/model.ts";
import { normalize } from "../../src/inventory/normalize.ts";

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
}

function rows(table: string, values: readonly unknown[]): RawRow[] {
  return values.map((value, row) => ({ table, value, source: { origin: "fixture", row } }));
}

describe("subscriptions", () => {
  test("an ARG resourcecontainers row gives name, tenant, managing tenants and the ancestry, nearest first", () => {
    const page = fixture("arg-resourcecontainers-subscriptions.json");
    const inventory = normalize(rows("resourcecontainers", page.data as unknown[]));
    assert.deepEqual(
      inventory.diagnostics.filter((diagnostic) => diagnostic.level !== "info"),
      [],
    );
    const subscription = inventory.subscriptions.get("291bba3f-e0a5-47bc-a099-3bdcb2a50a05");
    assert.ok(subscription);
    assert.equal(subscription.displayName, "Example Subscription");
    assert.equal(subscription.tenantId, "31c75423-32d6-4322-88b7-c478bdde4858");
    assert.equal(subscription.state, "Enabled");
    assert.deepEqual(subscription.managedByTenantIds, ["8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7"]);
    const chain = subscription.managementGroupAncestorsChain ?? [];
    assert.deepEqual(
      chain.map((group) => group.name),
      ["20000000-0000-0000-0000-000000000001", "31c75423-32d6-4322-88b7-c478bdde4858"],
    );
    assert.equal(chain.at(1)?.displayName, "Tenant Root Group");
  });

  test("an ARM subscription list (az account list) reads without type; its ancestry stays unknown", () => {
    const example = fixture("resources-GetSubscriptions.json") as {
      responses: { 200: { body: { value: unknown[] } } };
    };
    const inventory = normalize(rows("resources", example.responses[200].body.value));
    assert.deepEqual(inventory.diagnostics, []);
    assert.equal(inventory.subscriptions.size, 2);
    const second = inventory.subscriptions.get("72ac930a-f34e-42d8-b06d-dc2a9e12ed71");
    assert.ok(second);
    assert.equal(second.displayName, "Example Subscription2");
    assert.equal(second.tenantId, "2a0ff0de-96b2-4859-bb7c-a430d07a3e0c");
    assert.deepEqual(second.managedByTenantIds, [
      "8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7",
      "f7fb6af2-321d-47c8-9c0f-b0239eaad39a",
    ]);
    assert.equal(second.managementGroupAncestorsChain, undefined);
  });

  test("a subscription row without a subscription id anywhere is an error and skipped", () => {
    const inventory = normalize(
      rows("resourcecontainers", [{ id: "/x", type: "microsoft.resources/subscriptions" }]),
    );
    assert.equal(inventory.subscriptions.size, 0);
    // "/x" is not an ARM path at all, which is reported as such before any reader runs.
    assert.deepEqual(
      inventory.diagnostics.map((diagnostic) => [diagnostic.level, diagnostic.code]),
      [["error", "malformed-id"]],
    );
  });
});
