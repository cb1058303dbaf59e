import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AzureCliCredential, ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import { resolveCloud } from "../../src/collect/clouds.ts";
import { createCredentialFactory } from "../../src/collect/auth.ts";
import { CollectOptionError } from "../../src/collect/errors.ts";

describe("resolveCloud", () => {
  const cases = [
    { cloud: "public", arm: "https://management.azure.com", authority: "https://login.microsoftonline.com" },
    {
      cloud: "usgov",
      arm: "https://management.usgovcloudapi.net",
      authority: "https://login.microsoftonline.us",
    },
    {
      cloud: "china",
      arm: "https://management.chinacloudapi.cn",
      authority: "https://login.chinacloudapi.cn",
    },
  ];
  for (const { cloud, arm, authority } of cases) {
    it(`knows ${cloud}`, () => {
      const resolved = resolveCloud(cloud);
      assert.equal(resolved.armEndpoint, arm);
      assert.equal(resolved.armScope, `${arm}/.default`);
      assert.equal(resolved.authorityHost, authority);
    });
  }

  it("takes --arm-endpoint over HTTPS and derives the scope from it", () => {
    const resolved = resolveCloud("public", "https://management.example.net/");
    assert.equal(resolved.name, "custom");
    assert.equal(resolved.armEndpoint, "https://management.example.net");
    assert.equal(resolved.armScope, "https://management.example.net/.default");
  });

  for (const bad of ["http://management.example.net", "not a url"]) {
    it(`rejects --arm-endpoint ${bad}`, () => {
      assert.throws(() => resolveCloud("public", bad), CollectOptionError);
    });
  }

  it("rejects an unknown cloud", () => {
    assert.throws(() => resolveCloud("mars"), /Use one of: public, usgov, china/);
  });
});

describe("createCredentialFactory", () => {
  const cloud = resolveCloud("public");
  it("builds the credential --auth names", () => {
    const factory = createCredentialFactory(cloud, { AZURE_CLIENT_ID: "app", AZURE_CLIENT_SECRET: "secret" });
    assert.ok(factory("t1", "cli") instanceof AzureCliCredential);
    assert.ok(factory("t1", "managed-identity") instanceof ManagedIdentityCredential);
    assert.ok(factory("t1", "client-secret") instanceof ClientSecretCredential);
  });

  it("asks for AZURE_CLIENT_SECRET from the environment for client-secret", () => {
    const factory = createCredentialFactory(cloud, { AZURE_CLIENT_ID: "app" });
    assert.throws(() => factory("t1", "client-secret"), /AZURE_CLIENT_SECRET/);
  });
});
