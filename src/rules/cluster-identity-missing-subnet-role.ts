// Checks that an integrated cluster's identity holds a network-write role over its API server and node subnets (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import { nameFromId, resourceGroupFromId, subscriptionFromId } from "../inventory/arm-id.ts";
import type { Cluster, RoleAssignment } from "../inventory/model.ts";
import { clusterSubject, integratedApiServerSubnet } from "../inventory/relations.ts";
import type { Relations, SubnetRef } from "../inventory/relations.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";

/** Built-in roles that carry `Microsoft.Network/virtualNetworks/subnets/join/action` and `…/write`. */
const sufficientRoles: ReadonlyMap<string, string> = new Map([
  ["4d97b98b-1d4f-4787-a291-c67834d212e7", "Network Contributor"],
  ["b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"],
  ["8e3af657-a8ff-443b-a75c-2fe8c4bcb635", "Owner"],
]);

/** The hierarchy above a subscription is not collected, so a management-group assignment might cover anything. */
const managementGroupScope = "/providers/microsoft.management/managementgroups/";

export type PrincipalIndex = ReadonlyMap<string, readonly RoleAssignment[]>;

interface Target {
  readonly kind: "API server subnet" | "node subnet";
  readonly subnet: SubnetRef;
}

interface Coverage {
  readonly target: Target;
  /** A built-in role at a scope that holds the subnet. */
  readonly coveredBy: RoleAssignment | undefined;
  /** Custom roles at such a scope, and management-group assignments: they may cover it, we cannot tell. */
  readonly mayCover: readonly RoleAssignment[];
}

function scopeKey(scope: string): string {
  return scope.toLowerCase().replace(/\/+$/, "");
}

export function indexByPrincipal(assignments: readonly RoleAssignment[]): PrincipalIndex {
  const index = new Map<string, RoleAssignment[]>();
  for (const assignment of assignments) {
    const key = assignment.principalId.toLowerCase();
    const list = index.get(key);
    if (list === undefined) index.set(key, [assignment]);
    else list.push(assignment);
  }
  return index;
}

/** Subnet, VNet, resource group and subscription: every scope whose assignments reach the subnet. */
function scopesHolding(ref: SubnetRef): Set<string> {
  const scopes = new Set([scopeKey(ref.key), scopeKey(ref.vnetKey)]);
  const subscriptionId = subscriptionFromId(ref.id);
  if (subscriptionId !== undefined) {
    const subscription = scopeKey(`/subscriptions/${subscriptionId}`);
    scopes.add(subscription);
    const resourceGroup = resourceGroupFromId(ref.id);
    if (resourceGroup !== undefined) scopes.add(scopeKey(`${subscription}/resourceGroups/${resourceGroup}`));
  }
  return scopes;
}

export function coverage(target: Target, assignments: readonly RoleAssignment[]): Coverage {
  const scopes = scopesHolding(target.subnet);
  let coveredBy: RoleAssignment | undefined;
  const mayCover: RoleAssignment[] = [];
  for (const assignment of assignments) {
    const scope = scopeKey(assignment.scope);
    const builtIn = sufficientRoles.has(assignment.roleDefinitionGuid);
    if (builtIn && scopes.has(scope)) coveredBy ??= assignment;
    else if (scopes.has(scope) || scope.includes(managementGroupScope)) mayCover.push(assignment);
  }
  return { target, coveredBy, mayCover };
}

function targetsOf(cluster: Cluster, apiServer: SubnetRef, relations: Relations): Target[] {
  const targets: Target[] = [{ kind: "API server subnet", subnet: apiServer }];
  for (const subnet of relations.clusterNodeSubnets.get(cluster.key) ?? []) {
    if (subnet.key !== apiServer.key) targets.push({ kind: "node subnet", subnet });
  }
  return targets;
}

function coverageEvidence(entry: Coverage) {
  return {
    target: entry.target.kind,
    subnetId: entry.target.subnet.id,
    coveredBy: entry.coveredBy?.id ?? "none",
    mayCover: entry.mayCover.map((assignment) => assignment.id),
  };
}

function targetNames(entries: readonly Coverage[]): string {
  return entries.map((entry) => `${entry.target.kind} ${nameFromId(entry.target.subnet.id)}`).join(", ");
}

function evaluateCluster(
  cluster: Cluster,
  apiServer: SubnetRef,
  relations: Relations,
  index: PrincipalIndex,
): RuleOutcome {
  const subject = clusterSubject(cluster);
  const principalIds = cluster.identityPrincipalIds;
  if (principalIds.length === 0) {
    return {
      status: "unverified",
      subject,
      evidence: { principalIds },
      message: `Cluster ${cluster.name} shows no identity principal id, so its role assignments cannot be checked.`,
    };
  }
  const assignments = principalIds.flatMap((id) => index.get(id.toLowerCase()) ?? []);
  const coverages = targetsOf(cluster, apiServer, relations).map((target) => coverage(target, assignments));
  const evidence = { principalIds, targets: coverages.map(coverageEvidence) };
  const uncovered = coverages.filter((entry) => entry.coveredBy === undefined);
  const missing = uncovered.filter((entry) => entry.mayCover.length === 0);
  if (missing.length > 0) {
    return {
      status: "fail",
      subject,
      evidence,
      message: `Cluster ${cluster.name}'s identity has no Network Contributor, Contributor or Owner assignment covering ${targetNames(missing)}.`,
    };
  }
  if (uncovered.length > 0) {
    return {
      status: "unverified",
      subject,
      evidence,
      message: `Cluster ${cluster.name}'s identity reaches ${targetNames(uncovered)} only through custom roles or management-group assignments, which are not evaluated.`,
    };
  }
  return {
    status: "pass",
    subject,
    evidence,
    message: `Cluster ${cluster.name}'s identity holds a network-write role over its API server and node subnets.`,
  };
}

export default defineRule({
  meta: {
    id: "cluster-identity-missing-subnet-role",
    title: "Cluster identity lacks a role on its API server or node subnets",
    severity: "high",
    resource: "integrated cluster with a BYO API server subnet, when role assignments were collected",
    rationale:
      "With a bring-your-own VNet, AKS joins the API server load balancer to the API server subnet and the nodes " +
      "to their subnets with the cluster identity. Without Network Contributor (or Contributor / Owner) over those " +
      "subnets, creating, scaling, upgrading or converting the cluster fails.",
    remediation:
      "Grant the cluster identity Network Contributor on each subnet (or on their VNet):\n" +
      "  az role assignment create --assignee-object-id <cluster-identity-principal-id> " +
      "--assignee-principal-type ServicePrincipal --role 'Network Contributor' --scope <subnet-id>\n" +
      "Find the principal with az aks show -g <rg> -n <cluster> --query identity.principalId " +
      "(or identityProfile / userAssignedIdentities for user-assigned identities). Where the role comes from a " +
      "custom role or a management group, confirm it includes Microsoft.Network/virtualNetworks/subnets/join/action.",
    docs: apiServerVnetIntegrationDocs,
  },
  *evaluate(context) {
    const { inventory, relations } = context;
    const index =
      inventory.roleAssignments === undefined ? undefined : indexByPrincipal(inventory.roleAssignments);
    for (const cluster of inventory.clusters.values()) {
      const subject = clusterSubject(cluster);
      const apiServer = integratedApiServerSubnet(cluster, relations);
      if (index === undefined) {
        yield {
          status: "not_applicable",
          subject,
          message: `Role assignments were not collected, so cluster ${cluster.name}'s identity cannot be checked.`,
        };
      } else if (apiServer === undefined) {
        yield {
          status: "not_applicable",
          subject,
          message: `Cluster ${cluster.name} has no API server subnet of its own with VNet Integration enabled.`,
        };
      } else yield evaluateCluster(cluster, apiServer, relations, index);
    }
  },
});
