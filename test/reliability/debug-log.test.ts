// `--debug` on a live scan: every request is logged with method, URL and status, and neither the bearer token nor
// the client secret reaches stderr, stdout or the reports, even when a server echoes them back in an error.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, it } from "node:test";
import nock from "nock";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { loadInventoryQueries, type GraphQuery } from "../../src/collect/queries.ts";
import { main } from "../../src/cli/main.ts";
import {
  armError,
  blockNetwork,
  cluster,
  fakeClock,
  page,
  publicArm,
  resourcesPath,
} from "../collect/fakes.ts";
import type { GraphRequestBody } from "../collect/fakes.ts";
import { tempFolder } from "./cli.ts";

const subscription = "00000000-0000-0000-0000-000000000001";
// Looks like an Entra access token (header.payload.signature, base64url), as a real one would.
const jwt =
  "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJlLW9mLWEtdGVzdA";
const clientSecret = "Qx7~fake.secret_value-for.tests";
const clusterRows = [1, 2, 3].map((n) =>
  cluster(
    `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c${n}`,
  ),
);

let savedSecret: string | undefined;
before(() => {
  savedSecret = process.env.AZURE_CLIENT_SECRET;
  process.env.AZURE_CLIENT_SECRET = clientSecret;
});
after(() => {
  if (savedSecret === undefined) delete process.env.AZURE_CLIENT_SECRET;
  else process.env.AZURE_CLIENT_SECRET = savedSecret;
});
beforeEach(blockNetwork);
afterEach(() => {
  nock.cleanAll();
});

/** Captures what `main` writes to stdout and stderr while it runs. */
async function captured(
  run: () => Promise<number>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array): boolean => ((stdout += String(chunk)), true);
  process.stderr.write = (chunk: string | Uint8Array): boolean => ((stderr += String(chunk)), true);
  try {
    return { code: await run(), stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

/** A server that first echoes the caller's secrets in a 500, throttles once, then answers every query. */
function echoingServer(queries: readonly GraphQuery[]): void {
  const arg = (): nock.Interceptor => nock(publicArm).post(resourcesPath).query(true);
  arg().reply((request: Request) => {
    const echoed = `upstream rejected Authorization: ${request.headers.get("authorization") ?? ""} client_secret=${clientSecret} raw ${clientSecret}`;
    return [
      500,
      JSON.stringify(armError("InternalServerError", echoed)),
      { "content-type": "application/json" },
    ];
  });
  arg().reply(429, armError("RateLimiting", "Too many requests"), { "x-ms-request-id": "req-429" });
  arg()
    .times(Infinity)
    .reply(async (request: Request) => {
      const body = (await request.json()) as GraphRequestBody;
      const query = queries.find((candidate) => candidate.kql === body.query);
      return [
        200,
        JSON.stringify(page(query?.name === "clusters" ? clusterRows : [])),
        { "content-type": "application/json" },
      ];
    });
}

it("--debug logs each request with method, URL and status, and never the token or the client secret", async () => {
  echoingServer(await loadInventoryQueries());
  const folder = await tempFolder("debug-log");
  const out = join(folder, "out");
  const credentialFactory = (): TokenCredential => ({
    getToken: (): Promise<AccessToken> =>
      Promise.resolve({ token: jwt, expiresOnTimestamp: Date.now() + 3_600_000 }),
  });
  const argv = [
    "--debug",
    "scan",
    "--tenant",
    "t1",
    "--subscription",
    subscription,
    "--auth",
    "client-secret",
  ];
  const { code, stdout, stderr } = await captured(() =>
    main(
      [...argv, "--out", out, "--state-dir", join(folder, "state"), "--format", "json,md", "--no-verify"],
      {
        credentialFactory,
        clock: fakeClock(),
        random: () => 0.5,
      },
    ),
  );
  assert.equal(code, 0, stderr);
  const requestLines = stderr
    .split("\n")
    .filter((line) => line.includes(`POST ${publicArm}${resourcesPath}`));
  assert.ok(
    requestLines.some((line) => / -> 200\b/.test(line)),
    "a successful request is logged with its status",
  );
  assert.ok(
    requestLines.some((line) => / -> 429 \(x-ms-request-id req-429\)/.test(line)),
    "a throttled one too, with its request id",
  );
  assert.match(
    stderr,
    /retry 1\/6 in \d+ ms after 500 InternalServerError: upstream rejected/,
    "the retry says why",
  );
  assert.match(stderr, /\[redacted\]/, "the echoed secrets were masked, not dropped silently");
  const reports = await Promise.all((await readdir(out)).map((name) => readFile(join(out, name), "utf8")));
  for (const [where, text] of [
    ["stderr", stderr],
    ["stdout", stdout],
    ["reports", reports.join("\n")],
  ] as const) {
    assert.equal(text.includes(jwt), false, `${where} holds the bearer token`);
    assert.equal(text.includes(jwt.split(".")[2] ?? jwt), false, `${where} holds the token's signature`);
    assert.equal(text.includes(clientSecret), false, `${where} holds the client secret`);
  }
  const findings = JSON.parse(await readFile(join(out, "findings.json"), "utf8")) as {
    results?: { resourceId: string }[];
  };
  assert.ok(
    findings.results?.some((result) => result.resourceId.endsWith("/c3")),
    "the scan still read every cluster",
  );
});
