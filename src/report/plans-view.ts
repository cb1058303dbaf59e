// Conversion plans as the report shows them, read back from `evidence.conversionPlan` of stored or fresh results.
import { planRuleIds } from "../findings/conversion-plan.ts";
import { numberIn, objectIn, objectsIn, stringIn, stringsIn } from "../findings/evidence.ts";
import type { Readiness } from "../findings/readiness.ts";
import { planReadiness, readinessLabels } from "../findings/readiness.ts";
import type { Evidence, Result } from "../findings/result.ts";
import { armName } from "./evidence-view.ts";
import { compareText } from "./findings-view.ts";

export interface PlanBlockerView {
  readonly severity: string;
  readonly reason: string;
}

export interface PlanRoleView {
  readonly principalId: string;
  readonly target: string;
  readonly scope: string;
  readonly status: string;
}

export interface PlanNsgRuleView {
  readonly nsgName: string;
  readonly direction: string;
  readonly protocol: string;
  readonly source: string;
  readonly destination: string;
  readonly destinationPorts: string;
  readonly reason: string;
}

export interface PlanPinView {
  readonly resourceId: string;
  readonly resourceName: string;
  readonly detail: string;
  readonly ip: string;
}

export interface PlanNodeSubnetView {
  readonly subnetName: string;
  /** Numbers as text; `unknown` when the rule could not size the subnet. */
  readonly free: string;
  readonly surgeNeeded: string;
  readonly status: string;
}

/** Every field is present (strict templates), text where the plan had none is empty. */
export interface PlanView {
  readonly readiness: Readiness;
  readonly readinessLabel: string;
  readonly clusterId: string;
  readonly clusterName: string;
  readonly resourceGroup: string;
  readonly subscriptionId: string;
  readonly blockers: readonly PlanBlockerView[];
  readonly subnetAction: string;
  readonly subnetActionLabel: string;
  readonly subnetPrefix: string;
  readonly subnetId: string;
  readonly subnetReason: string;
  readonly roleAssignments: readonly PlanRoleView[];
  /** Role assignments the commands create (all but those already covered). */
  readonly roleAssignmentsNeeded: readonly PlanRoleView[];
  readonly nsgRules: readonly PlanNsgRuleView[];
  readonly pinnedRules: readonly PlanPinView[];
  readonly nodeSubnets: readonly PlanNodeSubnetView[];
  readonly surgeRoom: string;
  readonly commands: readonly string[];
  /** The commands one a line, for a `<pre>` block and the CSV cell. */
  readonly commandsText: string;
  readonly minimumAzureCliVersion: string;
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

const subnetActionLabels: Readonly<Record<string, string>> = {
  reuse: "Reuse a delegated subnet",
  create: "Create a delegated /28",
  "none-free": "No free /28",
  "not-needed": "None needed (AKS-managed VNet)",
};

function text(evidence: Evidence | undefined, field: string): string {
  return stringIn(evidence, field) ?? "";
}

function countText(evidence: Evidence, field: string): string {
  const value = numberIn(evidence, field);
  return value === undefined ? "unknown" : String(value);
}

// Each view is one object literal: the pairs and entries of a generic field-list reader cost more than the read
// itself over a fleet's 7,000 plans and their rules, and a literal gives every view of a kind one shape.
function roleView(role: Evidence): PlanRoleView {
  return {
    principalId: text(role, "principalId"),
    target: text(role, "target"),
    scope: text(role, "scope"),
    status: text(role, "status"),
  };
}

function blockerView(blocker: Evidence): PlanBlockerView {
  return { severity: text(blocker, "severity"), reason: text(blocker, "reason") };
}

function nsgRuleView(rule: Evidence): PlanNsgRuleView {
  return {
    nsgName: text(rule, "nsgName"),
    direction: text(rule, "direction"),
    protocol: text(rule, "protocol"),
    source: text(rule, "source"),
    destination: text(rule, "destination"),
    destinationPorts: text(rule, "destinationPorts"),
    reason: text(rule, "reason"),
  };
}

function pinView(pin: Evidence): PlanPinView {
  const resourceId = text(pin, "resourceId");
  return { resourceId, detail: text(pin, "detail"), ip: text(pin, "ip"), resourceName: armName(resourceId) };
}

function nodeSubnetView(room: Evidence): PlanNodeSubnetView {
  return {
    subnetName: text(room, "subnetName"),
    free: countText(room, "free"),
    surgeNeeded: countText(room, "surgeNeeded"),
    status: text(room, "status"),
  };
}

/** Reads a plan written by this or an earlier version; a field it lacks shows empty rather than failing the report. */
export function planView(plan: Evidence): PlanView {
  const subnet = objectIn(plan, "apiServerSubnet");
  const roleAssignments = objectsIn(plan, "roleAssignments").map(roleView);
  const commands = stringsIn(plan, "commands");
  const subnetAction = text(subnet, "action");
  const readiness = planReadiness(plan);
  return {
    readiness,
    readinessLabel: readinessLabels[readiness],
    clusterId: text(plan, "clusterId"),
    clusterName: text(plan, "clusterName"),
    resourceGroup: text(plan, "resourceGroup"),
    subscriptionId: text(plan, "subscriptionId"),
    surgeRoom: text(plan, "surgeRoom"),
    minimumAzureCliVersion: text(plan, "minimumAzureCliVersion"),
    blockers: objectsIn(plan, "blockers").map(blockerView),
    subnetAction,
    subnetActionLabel: subnetActionLabels[subnetAction] ?? subnetAction,
    subnetPrefix: text(subnet, "addressPrefix"),
    subnetId: text(subnet, "subnetId"),
    subnetReason: text(subnet, "reason"),
    roleAssignments,
    roleAssignmentsNeeded: roleAssignments.filter((role) => role.status !== "covered"),
    nsgRules: objectsIn(plan, "nsgRules").map(nsgRuleView),
    pinnedRules: objectsIn(plan, "pinnedRules").map(pinView),
    nodeSubnets: objectsIn(plan, "nodeSubnets").map(nodeSubnetView),
    commands,
    commandsText: commands.join("\n"),
    warnings: stringsIn(plan, "warnings"),
    notes: stringsIn(plan, "notes"),
  };
}

/** A result a plan may be read from: its rule writes the plan into its evidence. */
export function isPlanSource(result: Result): boolean {
  return result.ruleId === planRuleIds.notIntegrated;
}

/** One plan a cluster, from its `cluster-not-vnet-integrated` result (suppressed ones too), by cluster name. */
export function buildPlanViews(results: readonly Result[]): PlanView[] {
  return results
    .filter(isPlanSource)
    .flatMap((result) => {
      const plan = objectIn(result.evidence, "conversionPlan");
      return plan === undefined ? [] : [planView(plan)];
    })
    .sort((a, b) => compareText(a.clusterName, b.clusterName) || compareText(a.clusterId, b.clusterId));
}
