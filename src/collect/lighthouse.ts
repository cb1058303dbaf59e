// Azure Lighthouse: which scanned tenant reads each subscription, so a delegated one is read once, by one tenant.

/** A subscription as discovery returns it: its id and the tenant that owns it (another one when delegated). */
export interface DiscoveredSubscription {
  readonly subscriptionId: string;
  /** The subscription's own tenant: for a Lighthouse delegation the customer's, not the scanning one. */
  readonly tenantId: string;
}

/** What one scanned tenant can read: its own id and the subscriptions it found or was given. */
export interface TenantReach {
  readonly tenantId: string;
  readonly subscriptions: readonly DiscoveredSubscription[];
}

/**
 * A tenant-wide Resource Graph query also returns the subscriptions that other tenants delegated to the principal
 * through Azure Lighthouse, each row with its own `tenantId`
 * (https://learn.microsoft.com/azure/lighthouse/concepts/cross-tenant-management-experience). Each subscription goes
 * to exactly one tenant of the run: its own tenant when the run scans that tenant and it sees the subscription (its
 * own sign-in, no delegation in between); else the first tenant, in the order given, that sees it. The answer is the
 * same whatever order the discoveries finished in, so a rerun reads the same scope.
 */
export function claimSubscriptions(reaches: readonly TenantReach[]): DiscoveredSubscription[][] {
  const owner = new Map<string, number>();
  for (const [index, reach] of reaches.entries()) {
    for (const subscription of reach.subscriptions) {
      const key = subscription.subscriptionId.toLowerCase();
      const current = owner.get(key);
      const home = subscription.tenantId.toLowerCase() === reach.tenantId.toLowerCase();
      const currentIsHome =
        current !== undefined &&
        reaches[current]!.tenantId.toLowerCase() === subscription.tenantId.toLowerCase();
      if (current === undefined || (home && !currentIsHome)) owner.set(key, index);
    }
  }
  return reaches.map((reach, index) => {
    const seen = new Set<string>();
    return reach.subscriptions.filter((subscription) => {
      const key = subscription.subscriptionId.toLowerCase();
      if (owner.get(key) !== index || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
}

/** The subscriptions of `kept` that belong to another tenant than `tenantId`: what the scope calls delegated. */
export function delegatedFrom(
  tenantId: string,
  kept: readonly DiscoveredSubscription[],
): DiscoveredSubscription[] {
  return kept.filter((subscription) => subscription.tenantId.toLowerCase() !== tenantId.toLowerCase());
}
