// `--state-dir` and `--state-lock-timeout`: a folder or a blob container, signed in the way the scan signs in.
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { createCredentialFactory, isAuthMode } from "../collect/auth.ts";
import { resolveCloud } from "../collect/clouds.ts";
import { defaultLockTimeoutMs, openRunStore, type RunStoreBackend } from "../history/store.ts";
import { parseBlobStateUrl } from "../history/blob-store.ts";
import { UsageError } from "../errors/errors.ts";
import type { LiveFlags } from "./live.ts";

/** `90`, `90s`, `10m`, `1m30s`: seconds unless a unit says otherwise. */
export function parseLockTimeout(text: string | undefined): number {
  if (text === undefined) return defaultLockTimeoutMs;
  const match = /^\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s?)?\s*$/i.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    throw new UsageError(`--state-lock-timeout ${text}: expected a duration such as 90s, 10m or 1m30s.`);
  }
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 1000;
}

/**
 * Opens the run store. A blob URL signs in with `AZURE_STORAGE_CONNECTION_STRING` when it is set (emulator, SAS),
 * else with the scan's `--auth` credential for the tenant in `AZURE_TENANT_ID` or the first scanned tenant.
 */
export function openStateStore(
  stateDir: string,
  flags: LiveFlags,
  tenants: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  makeCredential?: (tenantId: string) => TokenCredential,
): RunStoreBackend {
  if (!parseBlobStateUrl(stateDir) || env.AZURE_STORAGE_CONNECTION_STRING) return openRunStore(stateDir);
  return openRunStore(stateDir, { credential: storageCredential(flags, tenants, env, makeCredential) });
}

function storageCredential(
  flags: LiveFlags,
  tenants: readonly string[],
  env: NodeJS.ProcessEnv,
  makeCredential: ((tenantId: string) => TokenCredential) | undefined,
): TokenCredential {
  const auth = flags.auth ?? "default";
  if (!isAuthMode(auth)) throw new UsageError(`--auth ${auth}: not a sign-in mode.`);
  const tenantId = env.AZURE_TENANT_ID || tenants[0];
  if (tenantId === undefined) {
    if (auth === "default") return new DefaultAzureCredential();
    throw new UsageError(
      `--state-dir on blob storage with --auth ${auth} needs a tenant: set AZURE_TENANT_ID or scan with --tenant ID.`,
    );
  }
  if (makeCredential) return makeCredential(tenantId);
  return createCredentialFactory(resolveCloud(flags.cloud ?? "public", flags.armEndpoint), env)(
    tenantId,
    auth,
  );
}
