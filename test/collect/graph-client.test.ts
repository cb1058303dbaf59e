// The Resource Graph client through the real SDK (nock at the HTTP layer): when an answer's headers are handed on.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import nock from "nock";
import { createGraphClient } from "../../src/collect/graph-client.ts";
import type { ResponseHeaders } from "../../src/collect/graph-client.ts";
import { resolveCloud } from "../../src/collect/clouds.ts";
import { blockNetwork, cluster, fakeCredentials, publicArm, resourcesPath } from "./fakes.ts";

const clusterId =
  "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1";

/** A 200 answer whose body comes in two parts, `gapMs` apart, as a large page does over a real connection. */
function slowBody(gapMs: number): Readable {
  const text = JSON.stringify({
    totalRecords: 1,
    count: 1,
    data: [cluster(clusterId)],
    resultTruncated: "false",
  });
  const cut = Math.floor(text.length / 2);
  return Readable.from(
    (async function* () {
      yield Buffer.from(text.slice(0, cut));
      await sleep(gapMs);
      yield Buffer.from(text.slice(cut));
    })(),
  );
}

describe("createGraphClient", () => {
  beforeEach(blockNetwork);
  afterEach(() => {
    nock.cleanAll();
  });

  it("hands on each answer's headers with the time its first bytes arrived, not when its body was read", async () => {
    const quota = { "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:04" };
    nock(publicArm)
      .post(resourcesPath)
      .query({ "api-version": "2024-04-01" })
      .reply(200, () => slowBody(200), { "content-type": "application/json", ...quota });
    const seen: { headers: ResponseHeaders; arrivedAt: number; readAt: number }[] = [];
    const client = createGraphClient({
      credential: fakeCredentials().factory("t1", "default"),
      cloud: resolveCloud("public"),
      now: () => performance.now(),
      onResponse: (headers, arrivedAt) => {
        seen.push({ headers, arrivedAt, readAt: performance.now() });
      },
    });
    const started = performance.now();
    const page = await client.resources({ query: "resources", subscriptions: ["s1"], top: 1000 });
    assert.deepEqual(
      page.rows.map((row) => (row as { id: string }).id),
      [clusterId],
    );
    assert.equal(seen.length, 1);
    const [answer] = seen;
    assert.equal(answer!.headers("x-ms-user-quota-resets-after"), "00:00:04");
    assert.ok(answer!.arrivedAt >= started, "the answer arrived after the request was sent");
    // The body's second half came 200 ms after its first: the headers were read then, the answer came before.
    const reading = answer!.readAt - answer!.arrivedAt;
    assert.ok(reading >= 150, `the body took ${reading.toFixed(0)} ms to read after its first bytes`);
  });

  it("gives the arrival of the answer it hands on when a claims challenge made the SDK send the request again", async () => {
    // The claims challenge of https://learn.microsoft.com/entra/identity-platform/claims-challenge: a 401 whose
    // www-authenticate asks for a token with these claims; the SDK gets one and sends the request again.
    const claims = Buffer.from('{"access_token":{"nbf":{"essential":true, "value":"1603742800"}}}').toString(
      "base64",
    );
    const challenge = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${claims}"`;
    let resentAt = Number.NaN;
    nock(publicArm)
      .post(resourcesPath)
      .query({ "api-version": "2024-04-01" })
      .reply(
        401,
        { error: { code: "InvalidAuthenticationToken", message: "claims challenge" } },
        {
          "content-type": "application/json",
          "www-authenticate": challenge,
        },
      )
      .post(resourcesPath)
      .query({ "api-version": "2024-04-01" })
      .reply(() => {
        resentAt = performance.now();
        return [
          200,
          slowBody(0),
          {
            "content-type": "application/json",
            "x-ms-user-quota-remaining": "13",
            "x-ms-user-quota-resets-after": "00:00:04",
          },
        ];
      });
    const arrivals: number[] = [];
    const client = createGraphClient({
      credential: fakeCredentials().factory("t1", "default"),
      cloud: resolveCloud("public"),
      now: () => performance.now(),
      onResponse: (_headers, arrivedAt) => {
        arrivals.push(arrivedAt);
      },
    });
    const page = await client.resources({ query: "resources", subscriptions: ["s1"], top: 1000 });
    assert.deepEqual(
      page.rows.map((row) => (row as { id: string }).id),
      [clusterId],
    );
    assert.ok(nock.isDone(), "the SDK sent the request again after the challenge");
    assert.equal(arrivals.length, 1);
    // The 401's body came before the request was sent again; the answer handed on came after.
    assert.ok(arrivals[0]! >= resentAt, "the arrival is the second answer's, not the challenge's");
  });
});
