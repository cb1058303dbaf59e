// Who may do what, and where a subscription sits: role assignments and definitions from `authorizationresources`,
// subscriptions and their management-group ancestry from `resourcecontainers`.
import type { SourceRef } from "./source-ref.ts";

export interface RoleAssignment {
  readonly id: string;
  readonly key: string;
  readonly scope: string;
  /** The role definition's GUID, lower-cased (last segment of `roleDefinitionId`). */
  readonly roleDefinitionGuid: string;
  readonly principalId: string;
  readonly principalType: string | undefined;
  readonly source: SourceRef;
}

/** One `permissions[]` entry of a role definition: control-plane actions and the ones taken back. */
export interface RolePermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

/** A role definition (`authorizationresources`, `microsoft.authorization/roledefinitions`). */
export interface RoleDefinition {
  readonly id: string;
  /** The definition's GUID, lower-cased: what an assignment's `roleDefinitionId` ends with. */
  readonly key: string;
  readonly roleName: string;
  /** `BuiltInRole` or `CustomRole`. */
  readonly roleType: string | undefined;
  readonly permissions: readonly RolePermission[];
  readonly source: SourceRef;
}

/** One management group above a subscription, as `managementGroupAncestorsChain` names it. */
export interface ManagementGroupAncestor {
  /** The management group's id (`name`); the tenant root group's is the tenant id. */
  readonly name: string;
  readonly displayName: string | undefined;
}

/** A subscription (`resourcecontainers`), keyed by its lower-cased subscription id. */
export interface Subscription {
  /** `/subscriptions/{subscriptionId}`. */
  readonly id: string;
  /** Lower-cased subscription id (the GUID), the key every resource's `subscriptionId` joins on. */
  readonly key: string;
  readonly subscriptionId: string;
  readonly displayName: string;
  /** The tenant that owns the subscription (for a Lighthouse delegation, the customer's tenant). */
  readonly tenantId: string;
  readonly state: string | undefined;
  /**
   * Management groups above the subscription, the direct parent first and the tenant root group last; undefined
   * when the row did not carry the chain (an ARM GET body), which is not the same as "directly under root".
   */
  readonly managementGroupAncestorsChain: readonly ManagementGroupAncestor[] | undefined;
  /** Tenants that manage this subscription through Azure Lighthouse (`properties.managedByTenants`). */
  readonly managedByTenantIds: readonly string[];
  readonly source: SourceRef;
}
