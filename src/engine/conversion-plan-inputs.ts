// What a conversion plan reads from the rules' results, indexed once per run so each plan costs map reads.
import { idKey } from "../inventory/model.ts";
import type { Evidence, Result } from "./result.ts";

export const planRuleIds = {
  notIntegrated: "cluster-not-vnet-integrated",
  conversionBlocked: "conversion-blocked",
  apiServerSubnetExhaustion: "apiserver-subnet-ip-exhaustion",
  nodeSubnetExhaustion: "node-subnet-ip-exhaustion",
  pinnedToApiServerIp: "rule-pinned-to-apiserver-ip",
} as const;

export interface PlanResults {
  /** Cluster key → its `conversion-blocked` result. */
  readonly conversionBlocked: ReadonlyMap<string, Result>;
  /** Subnet key → its `apiserver-subnet-ip-exhaustion` result. */
  readonly apiServerSubnetExhaustion: ReadonlyMap<string, Result>;
  /** Subnet key → its `node-subnet-ip-exhaustion` result. */
  readonly nodeSubnetExhaustion: ReadonlyMap<string, Result>;
  /** Cluster key → `rule-pinned-to-apiserver-ip` fails whose evidence names the cluster. */
  readonly pinnedToApiServerIp: ReadonlyMap<string, readonly Result[]>;
}

export function indexPlanResults(results: readonly Result[]): PlanResults {
  const conversionBlocked = new Map<string, Result>();
  const apiServerSubnetExhaustion = new Map<string, Result>();
  const nodeSubnetExhaustion = new Map<string, Result>();
  const pinnedToApiServerIp = new Map<string, Result[]>();
  const byResource: Readonly<Record<string, Map<string, Result>>> = {
    [planRuleIds.conversionBlocked]: conversionBlocked,
    [planRuleIds.apiServerSubnetExhaustion]: apiServerSubnetExhaustion,
    [planRuleIds.nodeSubnetExhaustion]: nodeSubnetExhaustion,
  };
  for (const result of results) {
    byResource[result.ruleId]?.set(idKey(result.resourceId), result);
    if (result.ruleId !== planRuleIds.pinnedToApiServerIp || result.status !== "fail") continue;
    for (const clusterId of stringsIn(result.evidence, "clusterIds")) {
      const list = pinnedToApiServerIp.get(idKey(clusterId));
      if (list === undefined) pinnedToApiServerIp.set(idKey(clusterId), [result]);
      else list.push(result);
    }
  }
  return { conversionBlocked, apiServerSubnetExhaustion, nodeSubnetExhaustion, pinnedToApiServerIp };
}

// Evidence is a plain record by contract; these read one field of the shape its rule writes, or nothing.

export function numberIn(evidence: Evidence | undefined, field: string): number | undefined {
  const value = evidence?.[field];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function stringIn(evidence: Evidence | undefined, field: string): string | undefined {
  const value = evidence?.[field];
  return typeof value === "string" ? value : undefined;
}

export function stringsIn(evidence: Evidence | undefined, field: string): string[] {
  return recordsIn(evidence, field, (value) => (typeof value === "string" ? value : undefined));
}

function asObject(value: unknown): Evidence | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Evidence)
    : undefined;
}

export function objectIn(evidence: Evidence | undefined, field: string): Evidence | undefined {
  return asObject(evidence?.[field]);
}

export function objectsIn(evidence: Evidence | undefined, field: string): Evidence[] {
  return recordsIn(evidence, field, asObject);
}

function recordsIn<T>(
  evidence: Evidence | undefined,
  field: string,
  read: (value: unknown) => T | undefined,
): T[] {
  const value = evidence?.[field];
  if (!Array.isArray(value)) return [];
  return value.map(read).filter((item): item is T => item !== undefined);
}
