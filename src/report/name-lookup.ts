// The display names a view shows beside tenant and subscription ids.

/** Display names by lower-cased id, for the columns beside tenant and subscription ids. */
export interface NameLookup {
  readonly tenant: (tenantId: string) => string;
  readonly subscription: (subscriptionId: string) => string;
}
