// What a conversion plan reads from the rules' results, indexed once per run so each plan costs map reads.
import { idKey } from "../inventory/model.ts";
import type { Result } from "../findings/result.ts";
import { planRuleIds } from "../findings/conversion-plan.ts";
import { stringsIn } from "../findings/evidence.ts";

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
