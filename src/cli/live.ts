// Options shared by every command that talks to Azure (scan, query, export): tenants, scopes, auth, cloud.
import type { Command } from "commander";
import { Option } from "commander";
import { authModes, isAuthMode, type CredentialFactory } from "../collect/auth.ts";
import { cloudNames, resolveCloud } from "../collect/clouds.ts";
import type { Clock } from "../collect/pacing.ts";
import type { ManagedClusterReaders } from "../collect/verify.ts";
import type { ResourceGraphOptions, TenantTarget } from "../collect/resource-graph.ts";
import type { Config } from "../config/config.ts";
import { redactSecrets } from "../errors/redact.ts";
import { UsageError } from "../errors/errors.ts";
import { wholeNumber } from "./options.ts";

export interface LiveFlags {
  readonly tenant?: readonly string[];
  readonly subscription?: readonly string[];
  readonly managementGroup?: readonly string[];
  readonly auth?: string;
  readonly cloud?: string;
  readonly armEndpoint?: string;
  readonly batchSize?: string;
  readonly concurrency?: string;
  readonly queryConcurrency?: string;
}

/** What tests (and only tests) inject: a fake credential and a clock that never really waits. */
export interface LiveDependencies {
  readonly credentialFactory?: CredentialFactory;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly debug?: (message: string) => void;
  readonly managedClusterReaders?: ManagedClusterReaders;
}

const repeatable = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addLiveOptions(command: Command): Command {
  return command
    .option("--tenant <id>", "Microsoft Entra tenant to scan (repeatable)", repeatable)
    .option("--subscription <id>", "subscription to scan in every given tenant (repeatable)", repeatable)
    .option("--management-group <id>", "management group to scan (repeatable)", repeatable)
    .addOption(new Option("--auth <mode>", "how to sign in").choices(authModes).default("default"))
    .addOption(new Option("--cloud <name>", "Azure cloud").choices(cloudNames).default("public"))
    .option("--arm-endpoint <url>", "ARM endpoint of another cloud (https only)")
    .option("--batch-size <n>", "subscriptions per Resource Graph request (below 300)")
    .option("--concurrency <n>", "tenants scanned at once")
    .option(
      "--query-concurrency <n>",
      "queries and subscription batches of one tenant read at once (default 15, Resource Graph's quota a window)",
    );
}

export function hasLiveScope(flags: LiveFlags, config: Config): boolean {
  return (
    Boolean(flags.tenant?.length || flags.subscription?.length || flags.managementGroup?.length) ||
    config.tenants.length > 0
  );
}

/** Tenants from `--tenant` (with the shared `--subscription`/`--management-group`) plus the config's tenants. */
export function resolveTenants(flags: LiveFlags, config: Config): TenantTarget[] {
  const fromFlags = (flags.tenant ?? []).map((tenantId) => ({
    tenantId,
    ...(flags.subscription?.length ? { subscriptions: flags.subscription } : {}),
    ...(flags.managementGroup?.length ? { managementGroups: flags.managementGroup } : {}),
  }));
  if (fromFlags.length === 0 && (flags.subscription?.length || flags.managementGroup?.length)) {
    throw new UsageError(
      "--subscription and --management-group need --tenant ID (or tenants in the config file).",
    );
  }
  const fromConfig = config.tenants.map((tenant) => ({
    tenantId: tenant.tenantId,
    ...(tenant.subscriptions ? { subscriptions: tenant.subscriptions } : {}),
    ...(tenant.managementGroups ? { managementGroups: tenant.managementGroups } : {}),
    ...(tenant.auth ? { auth: tenant.auth } : {}),
  }));
  const seen = new Set<string>();
  return [...fromFlags, ...fromConfig].filter((tenant) => {
    const key = tenant.tenantId.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function liveOptions(
  flags: LiveFlags,
  config: Config,
  dependencies: LiveDependencies,
  debugEnabled: boolean,
): ResourceGraphOptions {
  const tenants = resolveTenants(flags, config);
  if (tenants.length === 0)
    throw new UsageError("no tenant to scan: give --tenant ID or list tenants in the config file.");
  const auth = flags.auth ?? "default";
  if (!isAuthMode(auth)) throw new UsageError(`--auth ${auth}: use one of ${authModes.join(", ")}.`);
  const debug =
    dependencies.debug ??
    (debugEnabled
      ? (message: string): void => void process.stderr.write(`debug: ${redactSecrets(message)}\n`)
      : undefined);
  return {
    tenants,
    auth,
    cloud: resolveCloud(flags.cloud ?? "public", flags.armEndpoint),
    ...(flags.batchSize ? { batchSize: wholeNumber("--batch-size", flags.batchSize) } : {}),
    ...(flags.concurrency ? { concurrency: wholeNumber("--concurrency", flags.concurrency) } : {}),
    ...(flags.queryConcurrency
      ? { queryConcurrency: wholeNumber("--query-concurrency", flags.queryConcurrency) }
      : {}),
    ...(dependencies.credentialFactory ? { credentialFactory: dependencies.credentialFactory } : {}),
    ...(dependencies.clock ? { clock: dependencies.clock } : {}),
    ...(dependencies.random ? { random: dependencies.random } : {}),
    ...(debug ? { debug } : {}),
  };
}
