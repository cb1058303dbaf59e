import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import nock from "nock";
import { formatCsv, formatTable, runQueryCommand, terminalSafe } from "../../src/cli/query.ts";
import { CollectOptionError } from "../../src/collect/errors.ts";
import {
  armError,
  blockNetwork,
  fakeClock,
  fakeCredentials,
  page,
  publicArm,
  resourcesPath,
} from "../collect/fakes.ts";

describe("query output", () => {
  it("shows ANSI and control characters in table cells visibly, never raw", () => {
    assert.equal(terminalSafe("\u001b[31mred\u001b[0m\u0007x\ny"), "\\u001b[31mred\\u001b[0m\\u0007x y");
    const table = formatTable([{ name: "\u001b]0;title\u0007aks", free: 3 }]);
    const cell = "\\u001b]0;title\\u0007aks";
    assert.equal(
      table,
      `${"name".padEnd(cell.length)}  free\n${"-".repeat(cell.length)}  ----\n${cell}  3\n`,
    );
  });

  it("writes nested values as JSON in CSV", () => {
    assert.equal(
      formatCsv([{ id: "a", tags: { env: "prod" } }, { id: "=cmd|calc" }]),
      '\uFEFFid,tags\r\na,"{""env"":""prod""}"\r\n\'=cmd|calc,\r\n',
    );
  });
});

describe("runQueryCommand", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("runs an ad-hoc query file and prints JSON", async () => {
    let sent = "";
    nock(publicArm)
      .post(resourcesPath)
      .query(true)
      .reply(async (request: Request) => {
        sent = ((await request.json()) as { query: string }).query;
        return [200, page([{ id: "/subscriptions/s/x", name: "aks" }])];
      });
    const out: string[] = [];
    const code = await runQueryCommand({
      name: "clusters-not-integrated",
      format: "json",
      tenants: [{ tenantId: "t1", subscriptions: ["s"] }],
      credentialFactory: fakeCredentials().factory,
      clock: fakeClock(),
      write: (text) => out.push(text),
    });
    assert.equal(code, 0);
    assert.match(sent, /^\/\/ AKS clusters whose API server is not VNet-integrated/);
    assert.deepEqual(JSON.parse(out.join("")), [{ id: "/subscriptions/s/x", name: "aks" }]);
  });

  it("prints Azure's KQL error and exits 2 when the query failed everywhere", async () => {
    nock(publicArm)
      .post(resourcesPath)
      .query(true)
      .reply(400, armError("BadRequest", "Query is invalid", [{ code: "ParserFailure", message: "line 1" }]));
    const errors: string[] = [];
    const code = await runQueryCommand({
      kql: "resources | whre",
      tenants: [{ tenantId: "t1", subscriptions: ["s"] }],
      credentialFactory: fakeCredentials().factory,
      clock: fakeClock(),
      write: () => undefined,
      writeError: (text) => errors.push(text),
    });
    assert.equal(code, 2);
    assert.match(
      errors.join(""),
      /query kql, 1 scope\(s\): BadRequest: Query is invalid ParserFailure: line 1/,
    );
  });

  it("exits 3 when one tenant fails and another answers", async () => {
    nock(publicArm)
      .post(resourcesPath)
      .query(true)
      .matchHeader("authorization", "Bearer token-t1")
      .reply(403, armError("AuthorizationFailed", "no access to t1"));
    nock(publicArm)
      .post(resourcesPath)
      .query(true)
      .matchHeader("authorization", "Bearer token-t2")
      .reply(200, page([{ id: "/subscriptions/s2/x", name: "aks" }]));
    const errors: string[] = [];
    const out: string[] = [];
    const code = await runQueryCommand({
      kql: "resources",
      tenants: [
        { tenantId: "t1", subscriptions: ["s1"] },
        { tenantId: "t2", subscriptions: ["s2"] },
      ],
      credentialFactory: fakeCredentials().factory,
      clock: fakeClock(),
      write: (text) => out.push(text),
      writeError: (text) => errors.push(text),
    });
    assert.equal(code, 3);
    assert.match(errors.join(""), /tenant t1.*AuthorizationFailed/);
    assert.match(out.join(""), /\/subscriptions\/s2\/x/);
  });

  it("needs exactly one of NAME and --kql", async () => {
    await assert.rejects(runQueryCommand({ tenants: [] }), CollectOptionError);
    await assert.rejects(runQueryCommand({ tenants: [], name: "x", kql: "resources" }), CollectOptionError);
  });
});
