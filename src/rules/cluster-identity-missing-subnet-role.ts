// Checks that an integrated cluster's identity holds a network-write role over its API server and node subnets (DESIGN §4).
import type { RuleOutcome } from "../findings/result.ts";
import { nameFromId } from "../inventory/arm-id.ts";
import type { Cluster, Inventory, RoleAssignment } from "../inventory/model.ts";
import { roleGrantsJoin, scopeReaches } from "../inventory/role-coverage.ts";
import type { Answer } from "../inventory/role-coverage.ts";
import { clusterSubject, integratedApiServerSubnet } from "../inventory/relations.ts";
import type { Relations, SubnetRef } from "../inventory/relations.ts";
import { apiServerVnetIntegrationDocs, defineRule } from "./define.ts";
import type { RuleContext } from "./define.ts";

export type PrincipalIndex = ReadonlyMap<string, readonly RoleAssignment[]>;

interface Target {
  readonly kind: "API server subnet" | "node subnet";
  readonly subnet: SubnetRef;
}

/** Why an assignment might cover a target but cannot be proven to. */
interface Doubt {
  readonly assignment: RoleAssignment;
  readonly reason: string;
}

interface Coverage {
  readonly target: Target;
  /** An assignment whose scope reaches the subnet and whose role grants subnet join and read. */
  readonly coveredBy: RoleAssignment | undefined;
  /** Assignments that may cover it: a role definition or a management-group ancestry that was not read. */
  readonly mayCover: readonly Doubt[];
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

function doubtOf(scope: Answer, grant: Answer, assignment: RoleAssignment): string {
  if (grant === "unknown")
    return `role definition ${assignment.roleDefinitionGuid} (a custom role) could not be read`;
  return scope === "unknown" ? `the management-group ancestry above ${assignment.scope} was not read` : "";
}

export function coverage(
  target: Target,
  assignments: readonly RoleAssignment[],
  inventory: Pick<Inventory, "subscriptions" | "roleDefinitions">,
): Coverage {
  let coveredBy: RoleAssignment | undefined;
  const mayCover: Doubt[] = [];
  for (const assignment of assignments) {
    const scope = scopeReaches(assignment.scope, target.subnet, inventory);
    if (scope === "no") continue;
    const grant = roleGrantsJoin(assignment, inventory);
    if (grant === "no") continue;
    if (scope === "yes" && grant === "yes") coveredBy ??= assignment;
    else mayCover.push({ assignment, reason: doubtOf(scope, grant, assignment) });
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
    mayCover: entry.mayCover.map((doubt) => ({ assignmentId: doubt.assignment.id, reason: doubt.reason })),
  };
}

function targetNames(entries: readonly Coverage[]): string {
  return entries.map((entry) => `${entry.target.kind} ${nameFromId(entry.target.subnet.id)}`).join(", ");
}

function evaluateCluster(
  cluster: Cluster,
  apiServer: SubnetRef,
  context: Pick<RuleContext, "inventory" | "relations">,
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
  const coverages = targetsOf(cluster, apiServer, context.relations).map((target) =>
    coverage(target, assignments, context.inventory),
  );
  const evidence = { principalIds, targets: coverages.map(coverageEvidence) };
  const uncovered = coverages.filter((entry) => entry.coveredBy === undefined);
  const missing = uncovered.filter((entry) => entry.mayCover.length === 0);
  if (missing.length > 0) {
    return {
      status: "fail",
      subject,
      evidence,
      message: `Cluster ${cluster.name}'s identity has no role granting subnets/join/action and subnets/read (Network Contributor, Contributor, Owner or such a custom role) covering ${targetNames(missing)}.`,
    };
  }
  if (uncovered.length > 0) {
    return {
      status: "unverified",
      subject,
      evidence,
      message: `Cluster ${cluster.name}'s identity may reach ${targetNames(uncovered)}, but ${[...new Set(uncovered.flatMap((entry) => entry.mayCover.map((doubt) => doubt.reason)))].join("; ")}.`,
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
      } else yield evaluateCluster(cluster, apiServer, context, index);
    }
  },
});
