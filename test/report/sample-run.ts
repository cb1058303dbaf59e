// A small hand-built run (two tenants, three subscriptions, four clusters) that every report test renders.
import type { Coverage } from "../../src/collect/source.ts";
import type { Result } from "../../src/findings/result.ts";
import type { ClusterPosture, RunRecord } from "../../src/findings/run.ts";
import type { RuleMeta } from "../../src/rules/define.ts";

export const tenantOne = "11111111-1111-1111-1111-111111111111";
export const tenantTwo = "22222222-2222-2222-2222-222222222222";
export const subscriptionProd = "aaaaaaaa-0000-4000-8000-00000000a1b2";
export const subscriptionBatch = "bbbbbbbb-0000-4000-8000-00000000c3d4";
export const subscriptionLab = "cccccccc-0000-4000-8000-00000000e5f6";

export const hostileScript = "<script>alert(1)</script>";
export const hostileAttribute = '"><img src=x onerror=alert(1)>';

const docs = "https://learn.microsoft.com/azure/aks/api-server-vnet-integration";

export function clusterId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

export const prodClusterId = clusterId(subscriptionProd, "rg-prod", "aks-prod-weu");
export const legacyClusterId = clusterId(subscriptionProd, "rg-prod", "aks-legacy");
export const batchClusterId = clusterId(subscriptionBatch, "rg-batch", "aks-batch");
export const hostileClusterId = clusterId(subscriptionLab, "rg-lab", hostileAttribute);
export const apiServerSubnetId = `/subscriptions/${subscriptionProd}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-apiserver`;
export const nsgRuleId = `/subscriptions/${subscriptionBatch}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-batch/securityRules/allow-apiserver`;

export const sampleRules: readonly RuleMeta[] = [
  ["cluster-not-vnet-integrated", "Cluster is not VNet integrated", "medium"],
  ["enablement-restart-unverified", "Restart after enablement is not proven", "high"],
  ["apiserver-subnet-ip-exhaustion", "API server subnet is running out of addresses", "critical"],
  ["rule-pinned-to-apiserver-ip", "Network rule pins the current API server IP", "medium"],
  ["node-subnet-ip-exhaustion", "Node subnet is running out of addresses", "critical"],
  ["nsg-blocks-apiserver-traffic", "NSG blocks API server traffic", "high"],
  ["cluster-identity-missing-subnet-role", "Cluster identity lacks a role on its subnets", "high"],
].map(([id, title, severity]) => ({
  id: id!,
  title: title!,
  severity: severity as RuleMeta["severity"],
  resource: "cluster",
  rationale: `Why ${id!} matters.`,
  remediation: `az aks update --name <cluster> # fixes ${id!}`,
  docs,
}));

/** A result with every field filled; tests override what they look at. */
export function makeResult(overrides: Partial<Result> & Pick<Result, "ruleId" | "resourceId">): Result {
  return {
    status: "fail",
    severity: "medium",
    resourceType: "microsoft.containerservice/managedclusters",
    detail: "",
    message: `Finding on ${overrides.resourceId}.`,
    evidence: {},
    remediation: "Do the thing.",
    fingerprint: `fp-${overrides.ruleId}-${overrides.resourceId.length}-${overrides.detail ?? ""}`,
    tenantId: tenantOne,
    subscriptionId: subscriptionProd,
    ...overrides,
  };
}

export function makeCluster(
  overrides: Partial<ClusterPosture> & Pick<ClusterPosture, "id" | "name">,
): ClusterPosture {
  return {
    tenantId: tenantOne,
    tenantName: "",
    subscriptionId: subscriptionProd,
    subscriptionName: "",
    resourceGroup: "rg-prod",
    location: "westeurope",
    mode: "Base",
    tier: "Standard",
    readiness: overrides.enableVnetIntegration === false ? "ready" : "integrated",
    kubernetesVersion: "1.31.2",
    enableVnetIntegration: true,
    apiServerSubnetMode: "byo",
    apiServerSubnetId,
    enablePrivateCluster: false,
    networkPlugin: "azure",
    powerState: "Running",
    worstSeverity: "none",
    failingResults: 0,
    ...overrides,
  };
}

export const sampleResults: readonly Result[] = [
  makeResult({
    ruleId: "cluster-not-vnet-integrated",
    resourceId: legacyClusterId,
    diff: "new",
    message: "Cluster aks-legacy does not use API Server VNet Integration.",
    evidence: { enableVnetIntegration: false, plan: { apiServerSubnet: "10.0.8.0/28", blockers: [] } },
  }),
  makeResult({
    ruleId: "cluster-not-vnet-integrated",
    resourceId: hostileClusterId,
    tenantId: tenantTwo,
    subscriptionId: subscriptionLab,
    message: `Cluster ${hostileAttribute} is not integrated.`,
    evidence: { note: hostileScript },
    diff: "persisting",
  }),
  makeResult({
    ruleId: "enablement-restart-unverified",
    resourceId: prodClusterId,
    severity: "high",
    message: "Cluster aks-prod-weu was enabled on 2026-07-01 and has not restarted since.",
    evidence: { enabledAt: "2026-07-01T00:00:00Z", restartedAt: null },
    diff: "persisting",
  }),
  makeResult({
    ruleId: "apiserver-subnet-ip-exhaustion",
    resourceId: apiServerSubnetId,
    resourceType: "microsoft.network/virtualnetworks/subnets",
    severity: "critical",
    message: "Subnet snet-apiserver has -7 free addresses.",
    evidence: { capacity: 11, used: 18, free: -7 },
  }),
  makeResult({
    ruleId: "rule-pinned-to-apiserver-ip",
    resourceId: nsgRuleId,
    resourceType: "microsoft.network/networksecuritygroups/securityrules",
    status: "unverified",
    severity: "low",
    detail: "20.1.2.3",
    subscriptionId: subscriptionBatch,
    message: "NSG rule allow-apiserver pins 20.1.2.3.",
  }),
  makeResult({
    ruleId: "node-subnet-ip-exhaustion",
    resourceId: `/subscriptions/${subscriptionBatch}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-batch/subnets/snet-nodes`,
    resourceType: "microsoft.network/virtualnetworks/subnets",
    status: "pass",
    severity: "critical",
    subscriptionId: subscriptionBatch,
  }),
  makeResult({ ruleId: "conversion-blocked", resourceId: prodClusterId, status: "not_applicable" }),
  makeResult({
    ruleId: "nsg-blocks-apiserver-traffic",
    resourceId: prodClusterId,
    status: "suppressed",
    severity: "high",
    suppression: { reason: "Change CHG-42 in progress", owner: "netops", expires: "2026-12-31" },
  }),
  makeResult({
    ruleId: "cluster-identity-missing-subnet-role",
    resourceId: prodClusterId,
    status: "error",
    severity: "high",
    message: "The rule failed: role assignment row without scope.",
  }),
];

export const sampleClusters: readonly ClusterPosture[] = [
  makeCluster({ id: prodClusterId, name: "aks-prod-weu", worstSeverity: "high", failingResults: 2 }),
  makeCluster({
    id: legacyClusterId,
    name: "aks-legacy",
    enableVnetIntegration: false,
    apiServerSubnetMode: "none",
    apiServerSubnetId: "",
    worstSeverity: "medium",
    failingResults: 1,
  }),
  makeCluster({
    id: batchClusterId,
    name: "aks-batch",
    subscriptionId: subscriptionBatch,
    resourceGroup: "rg-batch",
    location: "northeurope",
    mode: "Automatic",
    apiServerSubnetMode: "managed",
    apiServerSubnetId: "",
    enablePrivateCluster: true,
  }),
  makeCluster({
    id: hostileClusterId,
    name: hostileScript,
    tenantId: tenantTwo,
    subscriptionId: subscriptionLab,
    resourceGroup: "rg-lab",
    location: "eastus",
    enableVnetIntegration: false,
    apiServerSubnetMode: "none",
    apiServerSubnetId: "",
    networkPlugin: "kubenet",
    powerState: "Stopped",
    worstSeverity: "medium",
    failingResults: 1,
  }),
];

/** Display names for one tenant and two of the three subscriptions: the lab's names could not be read. */
export const sampleNames = {
  tenants: { [tenantOne]: "Contoso" },
  subscriptions: { [subscriptionProd]: "Contoso Production", [subscriptionBatch]: "Contoso Batch" },
};

export const completeCoverage: Coverage = {
  complete: true,
  scopes: [
    { tenantId: tenantOne, subscriptions: [subscriptionProd, subscriptionBatch] },
    { tenantId: tenantTwo, managementGroups: ["mg-lab"] },
  ],
  gaps: [],
  tables: ["resources", "networkresources", "resourcechanges"],
};

export const incompleteCoverage: Coverage = {
  ...completeCoverage,
  complete: false,
  gaps: [
    {
      tenantId: tenantTwo,
      scope: [subscriptionLab],
      query: "network-security-groups",
      code: "AuthorizationFailed",
      message: `The client has no read access to ${hostileScript}.`,
    },
  ],
};

export function sampleRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    schemaVersion: 1,
    tool: { name: "aks-vnet-audit", version: "0.1.0" },
    run: {
      id: "20261126T101500Z-3f9a1c",
      startedAt: "2026-11-26T10:15:00.000Z",
      finishedAt: "2026-11-26T10:15:42.000Z",
      source: "resource-graph",
      scope: ["11111111-1111-1111-1111-111111111111"],
      inputs: [tenantOne, tenantTwo],
      previousRunId: "20261125T101500Z-aa11bb",
    },
    coverage: completeCoverage,
    summary: {
      clusters: 4,
      integratedClusters: 2,
      results: sampleResults.length,
      byStatus: { fail: 4, unverified: 1, pass: 1, not_applicable: 1, suppressed: 1, error: 1 },
      bySeverity: { critical: 1, high: 2, medium: 2, low: 1, info: 0 },
      suppressed: 1,
      new: 1,
      resolved: 1,
      inventory: { clusters: 4, virtualNetworks: 2, subnets: 5, networkSecurityGroups: 1 },
    },
    results: sampleResults,
    resolved: [
      makeResult({
        ruleId: "rule-pinned-to-old-apiserver-ip",
        resourceId: `/subscriptions/${subscriptionProd}/resourceGroups/rg-net/providers/Microsoft.Network/azureFirewalls/fw-hub`,
        resourceType: "microsoft.network/azurefirewalls",
        severity: "high",
        detail: "allow-aks-api",
        diff: "resolved",
        message: "Firewall fw-hub rule allow-aks-api pinned the old API server IP 20.9.9.9.",
      }),
    ],
    diagnostics: [
      { level: "warning", code: "malformed-row", message: "Row has no id.", origin: "resources", row: 12 },
      {
        level: "error",
        code: "unknown-type",
        message: "Type microsoft.foo/bar is not known.",
        field: "type",
      },
    ],
    clusters: sampleClusters,
    names: sampleNames,
    ...overrides,
  };
}
