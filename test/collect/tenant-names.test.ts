// Tenant names from ARM GET /tenants (the REST spec's example answer), and no names when the call is refused.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, it } from "node:test";
import nock from "nock";
import { readTenantNames } from "../../src/collect/tenant-names.ts";
import { blockNetwork, fakeCredentials, publicArm } from "./fakes.ts";

const example = JSON.parse(
  readFileSync(new URL("../fixtures/resources-GetTenants.json", import.meta.url), "utf8"),
) as { responses: { "200": { body: unknown } } };
const home = "83abe5cd-bcc3-441a-bd86-e6a75360cecc";

describe("readTenantNames", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("names every tenant the principal can list, by lower-cased id", async () => {
    const scope = nock(publicArm)
      .get("/tenants")
      .query(true)
      .matchHeader("authorization", `Bearer token-${home}`)
      .reply(200, example.responses["200"].body);
    const names = await readTenantNames({
      tenants: [{ tenantId: home }],
      credentialFactory: fakeCredentials().factory,
    });
    assert.deepEqual(names, {
      "a70a1586-9c4a-4373-b907-1d310660dbd1": "Test_Test_aad50",
      [home]: "Contoso Corp.",
      "daea2e9b-847b-4c93-850d-2aa6f2d7af33": "TEST_TEST_RDV",
    });
    assert.ok(scope.isDone());
  });

  it("gives no names, and no error, when the principal may not list tenants", async () => {
    nock(publicArm)
      .get("/tenants")
      .query(true)
      .reply(403, { error: { code: "AuthorizationFailed", message: "no access" } });
    const names = await readTenantNames({
      tenants: [{ tenantId: home }],
      credentialFactory: fakeCredentials().factory,
    });
    assert.deepEqual(names, {});
  });
});
