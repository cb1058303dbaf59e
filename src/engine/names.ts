// Display names beside ids: subscriptions from `resourcecontainers`, tenants from ARM or the config.
import type { Config } from "../config/config.ts";
import type { Inventory } from "../inventory/model.ts";
import type { DisplayNames } from "../findings/run.ts";

/**
 * Names keyed by lower-cased id. A tenant name read from ARM `GET /tenants` wins over the config's
 * `tenants[].displayName`, which is the fallback for a principal that cannot list tenants.
 */
export function displayNames(
  inventory: Inventory,
  tenantNamesFromArm: Readonly<Record<string, string>>,
  config: Config,
): DisplayNames {
  const tenants: Record<string, string> = {};
  for (const tenant of config.tenants)
    if (tenant.displayName) tenants[tenant.tenantId.toLowerCase()] = tenant.displayName;
  for (const [tenantId, name] of Object.entries(tenantNamesFromArm))
    if (name) tenants[tenantId.toLowerCase()] = name;
  const subscriptions: Record<string, string> = {};
  for (const subscription of inventory.subscriptions.values())
    if (subscription.displayName) subscriptions[subscription.key] = subscription.displayName;
  return { tenants, subscriptions };
}
