// `doctor --tenant ID…`: a read-only look at a user's estate before the first scan; exit 0 when every check holds.
import type { CredentialFactory } from "../collect/auth.ts";
import { createCredentialFactory } from "../collect/auth.ts";
import { resolveCloud } from "../collect/clouds.ts";
import { collect } from "../collect/collect.ts";
import { silentProgress } from "../collect/progress.ts";
import { loadInventoryQueries } from "../collect/queries.ts";
import type { ResourceGraphOptions } from "../collect/resource-graph.ts";
import type { Config } from "../config/config.ts";
import { runScope } from "../engine/run-record.ts";
import { runPipeline } from "../engine/scan.ts";
import { toolInfo } from "../engine/tool.ts";
import { exitCodes, type ExitCode } from "../errors/errors.ts";
import { redactSecrets } from "../errors/redact.ts";
import { rules } from "../rules/index.ts";
import type { QuotaSeen, SignIn } from "./doctor-checks.ts";
import { doctorChecks, doctorLines, recordQuota } from "./doctor-checks.ts";

export interface DoctorCommandOptions extends ResourceGraphOptions {
  readonly config: Config;
  readonly print: (line: string) => void;
  readonly now?: () => Date;
}

/** A token for ARM's scope per tenant, with the tenant's own sign-in mode; the token itself is never kept. */
async function signIn(
  options: DoctorCommandOptions,
  credentialFactory: CredentialFactory,
  armScope: string,
): Promise<Map<string, SignIn>> {
  const signIns = new Map<string, SignIn>();
  await Promise.all(
    options.tenants.map(async (tenant) => {
      const mode = tenant.auth ?? options.auth ?? "default";
      try {
        const token = await credentialFactory(tenant.tenantId, mode).getToken(armScope);
        signIns.set(
          tenant.tenantId.toLowerCase(),
          token ? { ok: true } : { ok: false, message: `--auth ${mode} returned no token` },
        );
      } catch (error) {
        const message = redactSecrets(error instanceof Error ? error.message : String(error));
        signIns.set(tenant.tenantId.toLowerCase(), { ok: false, message: `--auth ${mode}: ${message}` });
      }
    }),
  );
  return signIns;
}

/**
 * Signs in to each tenant, reads every inventory query as `scan` would (rule collection groups through ARM where
 * no table has them), analyzes the rows in memory and prints what holds. Nothing is written, in Azure or on disk.
 */
export async function runDoctorCommand(options: DoctorCommandOptions): Promise<ExitCode> {
  const cloud = options.cloud ?? resolveCloud("public");
  const credentialFactory = options.credentialFactory ?? createCredentialFactory(cloud);
  const signIns = await signIn(options, credentialFactory, cloud.armScope);
  const quota = new Map<string, QuotaSeen>();
  const progress = {
    ...(options.progress ?? silentProgress),
    quotaSeen: (tenantId: string, headers: { remaining: string; resetsAfter?: string }) => {
      recordQuota(quota, tenantId, headers);
    },
  };
  const queries = options.queries ?? (await loadInventoryQueries());
  const collection = await collect({
    kind: "live",
    options: { ...options, cloud, credentialFactory, progress, queries },
  });
  const startedAt = (options.now ?? (() => new Date()))();
  const { run } = runPipeline({
    collected: collection.collected,
    config: options.config,
    rules,
    tool: toolInfo(),
    inputs: collection.inputs,
    scope: runScope(collection.collected, collection.inputs),
    startedAt,
    now: () => startedAt,
  });
  const checks = doctorChecks({
    tenants: options.tenants.map((tenant) => tenant.tenantId),
    signIns,
    collected: collection.collected,
    coverage: run.coverage,
    queries: queries.map((query) => query.name),
    ruleCollectionGroupSources: collection.ruleCollectionGroupSources ?? new Map(),
    quota,
    results: run.results,
  });
  options.print("aks-vnet-audit doctor: read-only checks before the first scan");
  for (const line of doctorLines(checks)) options.print(line);
  return checks.some((check) => check.status === "fail") ? exitCodes.incomplete : exitCodes.clean;
}
