// The conversion plan of a non-integrated cluster: blockers, subnet, roles, NSG rules, pins, surge room, commands (DESIGN §5).
import { idKey } from "../inventory/model.ts";
import type { Cluster } from "../inventory/model.ts";
import type { SubnetRef } from "../inventory/relations.ts";
import { coverage, indexByPrincipal } from "../rules/cluster-identity-missing-subnet-role.ts";
import type { PrincipalIndex } from "../rules/cluster-identity-missing-subnet-role.ts";
import type { RuleContext } from "../rules/define.ts";
import {
  createSubnetCommand,
  enableIntegrationCommand,
  minimumAzureCliVersion,
  restartCommands,
  roleAssignmentCommand,
} from "./conversion-plan-commands.ts";
import { indexPlanResults } from "./conversion-plan-inputs.ts";
import type { PlanResults } from "./conversion-plan-inputs.ts";
import {
  nodeSubnetRoom,
  nsgRulesToAdd,
  pinnedRules,
  planBlockers,
  surgeRoom,
} from "./conversion-plan-parts.ts";
import { chooseApiServerSubnet, delegatedSubnetsByVnet, emptyClaims } from "./conversion-plan-subnet.ts";
import { blockerSteps, type BlockerSteps } from "./conversion-plan-blockers.ts";
import type { PlanClaims, SubnetChoice } from "./conversion-plan-subnet.ts";
import type { Result } from "../findings/result.ts";
import { planRuleIds, type ConversionPlan, type PlanRoleAssignment } from "../findings/conversion-plan.ts";

/** Everything plans share in one run, built once. */
interface Planner {
  readonly context: RuleContext;
  readonly results: PlanResults;
  readonly delegatedByVnet: ReturnType<typeof delegatedSubnetsByVnet>;
  readonly assignments: PrincipalIndex | undefined;
  readonly claims: PlanClaims;
}

function makePlanner(context: RuleContext, results: readonly Result[]): Planner {
  const assignments = context.inventory.roleAssignments;
  return {
    context,
    results: indexPlanResults(results),
    delegatedByVnet: delegatedSubnetsByVnet(context),
    assignments: assignments === undefined ? undefined : indexByPrincipal(assignments),
    claims: emptyClaims(),
  };
}

function roleTargets(
  cluster: Cluster,
  planner: Planner,
  apiServer: SubnetRef,
): { kind: PlanRoleAssignment["target"]; subnet: SubnetRef }[] {
  const nodeSubnets = planner.context.relations.clusterNodeSubnets.get(cluster.key) ?? [];
  return [
    { kind: "API server subnet", subnet: apiServer },
    ...nodeSubnets
      .filter((ref) => ref.key !== apiServer.key)
      .map((subnet) => ({ kind: "node subnet" as const, subnet })),
  ];
}

function roleAssignments(
  cluster: Cluster,
  planner: Planner,
  apiServer: SubnetRef | undefined,
): PlanRoleAssignment[] {
  if (apiServer === undefined) return [];
  const targets = roleTargets(cluster, planner, apiServer);
  return cluster.identityPrincipalIds.flatMap((principalId) => {
    const held = planner.assignments?.get(principalId.toLowerCase()) ?? [];
    return targets.map((target): PlanRoleAssignment => {
      const base = {
        principalId,
        role: "Network Contributor",
        target: target.kind,
        scope: target.subnet.id,
      } as const;
      if (planner.assignments === undefined) return { ...base, status: "not-checked", coveredBy: "" };
      const found = coverage(target, held, planner.context.inventory);
      if (found.coveredBy !== undefined) return { ...base, status: "covered", coveredBy: found.coveredBy.id };
      return { ...base, status: found.mayCover.length > 0 ? "may-be-covered" : "needed", coveredBy: "" };
    });
  });
}

function commandsFor(cluster: Cluster, subnet: SubnetChoice, roles: readonly PlanRoleAssignment[]): string[] {
  const { action, subnetId } = subnet.proposal;
  if (action === "none-free") return [];
  return [
    ...(subnet.create === undefined ? [] : [createSubnetCommand(subnet.create)]),
    ...roles
      .filter((role) => role.status !== "covered")
      .map((role) => roleAssignmentCommand(role.principalId, role.scope)),
    enableIntegrationCommand(cluster, action === "not-needed" ? undefined : subnetId),
    ...restartCommands(cluster),
  ];
}

function blockerWarnings(plan: Pick<ConversionPlan, "blockers">, steps: BlockerSteps): string[] {
  if (steps.cannotRun.length > 0)
    return [`This plan cannot run, so it has no enable command: ${steps.cannotRun.join("; ")}.`];
  if (steps.commands.length > 0)
    return [
      `The first ${String(steps.commands.length)} command(s) clear the blockers; run them, and let them finish, first.`,
    ];
  return plan.blockers.length > 0 ? ["Clear the blockers before running these commands."] : [];
}

function warningsFor(
  plan: Pick<ConversionPlan, "blockers" | "pinnedRules" | "surgeRoom">,
  steps: BlockerSteps,
): string[] {
  return [
    ...(steps.cannotRun.length > 0 ? blockerWarnings(plan, steps) : []),
    `Use Azure CLI ${minimumAzureCliVersion} or later.`,
    "The API server IP changes when integration is enabled; its hostname (FQDN) does not. Point clients and rules at the hostname or the API server subnet first.",
    "API Server VNet Integration cannot be turned off again once enabled.",
    "Run az aks stop and az aks start right after the update; the cluster is unavailable while stopped.",
    ...(steps.cannotRun.length > 0 ? [] : blockerWarnings(plan, steps)),
    ...(plan.pinnedRules.length > 0
      ? [`Update the ${String(plan.pinnedRules.length)} rule(s) that pin the current API server IP first.`]
      : []),
    ...(plan.surgeRoom === "short"
      ? ["A node subnet lacks room for the re-image surge; make room before converting."]
      : []),
  ];
}

function notesFor(cluster: Cluster, planner: Planner, subnet: SubnetChoice): string[] {
  const { context } = planner;
  const notes: string[] = [];
  const blocked = planner.results.conversionBlocked.get(cluster.key);
  if (blocked === undefined || blocked.status === "error")
    notes.push("Conversion blockers were not evaluated in this run.");
  if ((context.relations.clusterNodeVnetKeys.get(cluster.key) ?? []).length > 1)
    notes.push(
      "Node pools span several VNets; the API server subnet must sit in the same VNet as the node subnets.",
    );
  if (subnet.subnet !== undefined && cluster.identityPrincipalIds.length === 0)
    notes.push(
      "The cluster shows no managed identity principal id; grant its service principal Network Contributor on the subnets by hand.",
    );
  return notes;
}

function planFor(cluster: Cluster, planner: Planner): ConversionPlan {
  const { context, results } = planner;
  const subnet = chooseApiServerSubnet(cluster, context, results, planner.delegatedByVnet, planner.claims);
  const nodeSubnets = nodeSubnetRoom(cluster, context, results);
  const roles = roleAssignments(cluster, planner, subnet.subnet);
  const blocked = results.conversionBlocked.get(cluster.key);
  const steps = blockerSteps(cluster, blocked);
  const parts = {
    blockers: planBlockers(blocked),
    pinnedRules: pinnedRules(results.pinnedToApiServerIp.get(cluster.key) ?? []),
    surgeRoom: surgeRoom(nodeSubnets),
  };
  return {
    clusterId: cluster.id,
    clusterName: cluster.name,
    resourceGroup: cluster.resourceGroup,
    subscriptionId: cluster.subscriptionId,
    vnetMode: subnet.proposal.action === "not-needed" ? "aks-managed" : "byo",
    ...parts,
    apiServerSubnet: subnet.proposal,
    roleAssignments: roles,
    nsgRules: nsgRulesToAdd(cluster, context, subnet.subnet, subnet.proposal.addressPrefix),
    nodeSubnets,
    // Blockers first; a blocker no command clears leaves nothing to run.
    commands: steps.cannotRun.length > 0 ? [] : [...steps.commands, ...commandsFor(cluster, subnet, roles)],
    minimumAzureCliVersion,
    warnings: warningsFor(parts, steps),
    notes: [
      ...steps.notes,
      ...notesFor(cluster, planner, subnet),
      ...(blocked?.status === "unverified" ? [blocked.message] : []),
    ],
  };
}

/** The plan of one cluster on its own; use `buildConversionPlans` for a fleet, which indexes the results once. */
export function buildConversionPlan(
  context: RuleContext,
  results: readonly Result[],
  cluster: Cluster,
): ConversionPlan {
  return planFor(cluster, makePlanner(context, results));
}

/**
 * Plans for every non-integrated cluster, keyed by cluster key. Clusters are planned in id order, and a /28
 * or reused room handed to one is not handed to the next, so plans for one VNet can run one after another.
 */
export function buildConversionPlans(
  context: RuleContext,
  results: readonly Result[],
): Map<string, ConversionPlan> {
  const planner = makePlanner(context, results);
  const clusters = [...context.inventory.clusters.values()]
    .filter((cluster) => !cluster.apiServerAccessProfile.enableVnetIntegration)
    .sort((a, b) => a.key.localeCompare(b.key));
  return new Map(clusters.map((cluster) => [cluster.key, planFor(cluster, planner)]));
}

/** The results with each plan in its cluster's `cluster-not-vnet-integrated` evidence as `conversionPlan`. */
export function withConversionPlans(context: RuleContext, results: readonly Result[]): Result[] {
  const plans = buildConversionPlans(context, results);
  return results.map((result) => {
    if (result.ruleId !== planRuleIds.notIntegrated || result.status !== "fail") return result;
    const plan = plans.get(idKey(result.resourceId));
    return plan === undefined
      ? result
      : { ...result, evidence: { ...result.evidence, conversionPlan: plan } };
  });
}
