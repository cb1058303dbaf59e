// One @azure/identity credential per tenant, chosen by `--auth`; secrets come from the environment only.
import {
  AzureCliCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import type { AzureCloud } from "./clouds.ts";
import { CollectOptionError } from "./errors.ts";

export const authModes = [
  "default",
  "cli",
  "managed-identity",
  "workload-identity",
  "client-secret",
] as const;
export type AuthMode = (typeof authModes)[number];

export function isAuthMode(mode: string): mode is AuthMode {
  return (authModes as readonly string[]).includes(mode);
}

/** Builds the credential for one tenant; injectable in tests. */
export type CredentialFactory = (tenantId: string, mode: AuthMode) => TokenCredential;

type Environment = Readonly<Record<string, string | undefined>>;

function requireVariable(env: Environment, name: string, mode: AuthMode): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new CollectOptionError(`--auth ${mode} needs the environment variable ${name}`);
  }
  return value;
}

export function createCredentialFactory(
  cloud: AzureCloud,
  env: Environment = process.env,
): CredentialFactory {
  const authorityHost = cloud.authorityHost;
  return (tenantId, mode) => {
    switch (mode) {
      case "default":
        return new DefaultAzureCredential({ tenantId, authorityHost });
      case "cli":
        return new AzureCliCredential({ tenantId });
      case "managed-identity": {
        // A managed identity belongs to one tenant; AZURE_CLIENT_ID picks a user-assigned one.
        const clientId = env.AZURE_CLIENT_ID;
        return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
      }
      case "workload-identity":
        return new WorkloadIdentityCredential({ tenantId, authorityHost });
      case "client-secret":
        return new ClientSecretCredential(
          tenantId,
          requireVariable(env, "AZURE_CLIENT_ID", mode),
          requireVariable(env, "AZURE_CLIENT_SECRET", mode),
          { authorityHost },
        );
    }
  };
}
