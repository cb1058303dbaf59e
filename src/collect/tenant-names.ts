// Tenant display names from ARM `GET /tenants`, read with each scanned tenant's own credential.
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { AuthMode, CredentialFactory } from "./auth.ts";
import { createCredentialFactory } from "./auth.ts";
import type { AzureCloud } from "./clouds.ts";
import { resolveCloud } from "./clouds.ts";
import type { TenantTarget } from "./tenant-session.ts";

export interface TenantNameOptions {
  readonly tenants: readonly TenantTarget[];
  readonly auth?: AuthMode;
  readonly credentialFactory?: CredentialFactory;
  readonly cloud?: AzureCloud;
}

/**
 * Lower-cased tenant id → display name for every tenant a principal can list. A principal that may not list
 * tenants (or a failed request) gives no names: names are a courtesy, never a coverage gap, and the config's
 * `tenants[].displayName` stands in. The list is read once per scanned tenant, since each sees its own home tenant.
 * https://learn.microsoft.com/rest/api/resources/tenants/list
 */
export async function readTenantNames(options: TenantNameOptions): Promise<Record<string, string>> {
  const cloud = options.cloud ?? resolveCloud("public");
  const credentialFactory = options.credentialFactory ?? createCredentialFactory(cloud);
  const names: Record<string, string> = {};
  for (const tenant of options.tenants) {
    const credential = credentialFactory(tenant.tenantId, tenant.auth ?? options.auth ?? "default");
    const client = new SubscriptionClient(credential, {
      endpoint: cloud.armEndpoint,
      credentialScopes: [cloud.armScope],
      // Names are a courtesy: one attempt, so a refused or missing endpoint costs no backoff.
      retryOptions: { maxRetries: 0 },
    });
    try {
      for await (const listed of client.tenants.list()) {
        if (listed.tenantId && listed.displayName) names[listed.tenantId.toLowerCase()] = listed.displayName;
      }
    } catch {
      // Not readable with this credential: the config's name, if any, is shown instead.
    }
  }
  return names;
}
