// Test doubles for the live collector: a fake credential, a fake clock and nock set-up for Resource Graph.
import nock from "nock";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { CredentialFactory } from "../../src/collect/auth.ts";
import type { Clock } from "../../src/collect/pacing.ts";

export const publicArm = "https://management.azure.com";
export const resourcesPath = "/providers/Microsoft.ResourceGraph/resources";

export function blockNetwork(): void {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
}

export interface FakeCredentials {
  readonly factory: CredentialFactory;
  /** Scopes asked for, per tenant. */
  readonly scopes: string[];
}

/** Each tenant's token is `token-<tenant>`, so nock can tell tenants apart by the Authorization header. */
export function fakeCredentials(): FakeCredentials {
  const scopes: string[] = [];
  const factory: CredentialFactory = (tenantId) => {
    const credential: TokenCredential = {
      getToken(scope): Promise<AccessToken> {
        scopes.push(...(Array.isArray(scope) ? scope : [scope]));
        return Promise.resolve({ token: `token-${tenantId}`, expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    return credential;
  };
  return { factory, scopes };
}

export interface FakeClock extends Clock {
  readonly sleeps: number[];
}

export function fakeClock(): FakeClock {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep(ms) {
      sleeps.push(ms);
      time += ms;
      return Promise.resolve();
    },
  };
}

export interface GraphRequestBody {
  readonly query: string;
  readonly subscriptions?: string[];
  readonly managementGroups?: string[];
  readonly options?: { $top?: number; $skipToken?: string; resultFormat?: string };
}

export function page(
  data: readonly unknown[],
  skipToken?: string,
  resultTruncated = "false",
): Record<string, unknown> {
  return {
    totalRecords: data.length,
    count: data.length,
    resultTruncated,
    data,
    ...(skipToken ? { $skipToken: skipToken } : {}),
  };
}

export function cluster(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: id.split("/").at(-1), type: "microsoft.containerservice/managedclusters", ...extra };
}

export function armError(
  code: string,
  message: string,
  details: { code: string; message: string }[] = [],
): Record<string, unknown> {
  return { error: { code, message, details } };
}
