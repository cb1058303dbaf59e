// Reads subscriptions (`resourcecontainers`, `microsoft.resources/subscriptions`): name, tenant, management-group ancestry.
import type { RowReader } from "./builder.ts";
import type { ManagementGroupAncestor, Subscription } from "./model.ts";
import { nonEmpty } from "./read.ts";

/**
 * An ARG subscription row names the subscription in `name` and keeps `properties.managementGroupAncestorsChain`
 * (`[{ name, displayName }]`, the direct parent first, the tenant root group last). An ARM GET of the subscription
 * (`az account show`) says `displayName` and has no chain; its ancestry then stays unknown, never empty.
 */
export const readSubscription: RowReader = (row, base, into) => {
  const properties = row.object("properties");
  const subscriptionId = nonEmpty(row.string("subscriptionId")) ?? base.subscriptionId;
  if (subscriptionId === "") {
    row.report("error", "malformed-row", "subscription row has no subscriptionId; skipped", "subscriptionId");
    return;
  }
  const chain = properties.has("managementGroupAncestorsChain")
    ? properties.objects("managementGroupAncestorsChain").flatMap((node): ManagementGroupAncestor[] => {
        const name = nonEmpty(node.string("name"));
        return name === undefined ? [] : [{ name, displayName: nonEmpty(node.string("displayName")) }];
      })
    : undefined;
  const subscription: Subscription = {
    id: base.id,
    key: subscriptionId.toLowerCase(),
    subscriptionId,
    displayName:
      nonEmpty(row.string("displayName")) ??
      nonEmpty(properties.string("displayName")) ??
      nonEmpty(row.string("name")) ??
      subscriptionId,
    tenantId: base.tenantId || (nonEmpty(properties.string("tenantId")) ?? ""),
    state: nonEmpty(properties.string("state")) ?? nonEmpty(row.string("state")),
    managementGroupAncestorsChain: chain,
    managedByTenantIds: [...properties.objects("managedByTenants"), ...row.objects("managedByTenants")]
      .map((tenant) => nonEmpty(tenant.string("tenantId")))
      .filter((tenantId) => tenantId !== undefined),
    source: base.source,
  };
  into.subscriptions.set(subscription.key, subscription);
};
