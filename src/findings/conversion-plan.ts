// The conversion plan as findings.json carries it: `evidence.conversionPlan` of each `cluster-not-vnet-integrated`
// failure (built by src/engine/conversion-plan.ts, shown by src/report/plans-view.ts).

/** The rules whose results a plan is attached to or reads. */
export const planRuleIds = {
  notIntegrated: "cluster-not-vnet-integrated",
  conversionBlocked: "conversion-blocked",
  apiServerSubnetExhaustion: "apiserver-subnet-ip-exhaustion",
  nodeSubnetExhaustion: "node-subnet-ip-exhaustion",
  pinnedToApiServerIp: "rule-pinned-to-apiserver-ip",
} as const;

export const apiServerSubnetActions = ["reuse", "create", "none-free", "not-needed"] as const;
export type ApiServerSubnetAction = (typeof apiServerSubnetActions)[number];

export interface PlanBlocker {
  readonly code: string;
  readonly severity: string;
  readonly reason: string;
}

export interface ApiServerSubnetProposal {
  /** `reuse` a delegated subnet, `create` a new /28, `none-free` (see reason), `not-needed` on an AKS-managed VNet. */
  readonly action: ApiServerSubnetAction;
  /** Empty when there is no subnet; for `create`, the id the new subnet will have. */
  readonly subnetId: string;
  readonly subnetName: string;
  readonly addressPrefix: string;
  readonly vnetId: string;
  readonly vnetName: string;
  /** Free addresses of a reused subnet; null otherwise. */
  readonly free: number | null;
  readonly reason: string;
}

export interface PlanRoleAssignment {
  readonly principalId: string;
  readonly role: "Network Contributor";
  readonly target: "API server subnet" | "node subnet";
  readonly scope: string;
  /** `not-checked` when role assignments were not collected; `may-be-covered`: custom role or management group. */
  readonly status: "needed" | "covered" | "may-be-covered" | "not-checked";
  readonly coveredBy: string;
}

export interface PlanNsgRule {
  readonly nsgId: string;
  readonly nsgName: string;
  readonly direction: "Inbound" | "Outbound";
  readonly protocol: "Tcp";
  readonly source: string;
  readonly destination: string;
  readonly destinationPorts: string;
  readonly reason: string;
}

export interface PlanPinnedRule {
  readonly resourceId: string;
  readonly detail: string;
  readonly ip: string;
  readonly message: string;
}

export type SurgeRoomStatus = "ok" | "short" | "unknown";

export interface PlanNodeSubnetRoom {
  readonly subnetId: string;
  readonly subnetName: string;
  /** Free addresses now (capacity − used), null when unknown. */
  readonly free: number | null;
  /** Addresses the re-image surge of this cluster's pools on the subnet takes, null when unknown. */
  readonly surgeNeeded: number | null;
  readonly status: SurgeRoomStatus;
}

/** A plain JSON object, so it travels in `evidence.conversionPlan` and `findings.json` as it is. */
export interface ConversionPlan {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly resourceGroup: string;
  readonly subscriptionId: string;
  readonly vnetMode: "byo" | "aks-managed";
  readonly blockers: readonly PlanBlocker[];
  readonly apiServerSubnet: ApiServerSubnetProposal;
  readonly roleAssignments: readonly PlanRoleAssignment[];
  readonly nsgRules: readonly PlanNsgRule[];
  readonly pinnedRules: readonly PlanPinnedRule[];
  readonly nodeSubnets: readonly PlanNodeSubnetRoom[];
  readonly surgeRoom: SurgeRoomStatus | "not-applicable";
  /** In the order to run them. */
  readonly commands: readonly string[];
  readonly minimumAzureCliVersion: string;
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}
