// The shape of a rule: metadata and a pure `evaluate` in one object, as ESLint and cdk-nag do it.
import type { Config } from "../config/config.ts";
import type { Severity, RuleOutcome } from "../findings/result.ts";
import type { Inventory } from "../inventory/model.ts";
import type { History } from "../history/history.ts";
import type { ApiServerEndpoint } from "../inventory/apiserver-endpoints.ts";
import type { Relations } from "../inventory/relations.ts";

export const ruleResources = [
  "cluster",
  "subnet",
  "network security group rule",
  "firewall rule",
  "ip group",
] as const;

export interface RuleMeta {
  /** Equals the file name under `src/rules/`. */
  readonly id: string;
  readonly title: string;
  /** Default severity; a result may raise or lower it as the catalog says. */
  readonly severity: Severity;
  /** What the table's resource column holds, in words (DESIGN §4). */
  readonly resource: string;
  /** Why it matters. */
  readonly rationale: string;
  /** What to do, including the `az` commands. */
  readonly remediation: string;
  /** Azure documentation page. */
  readonly docs: string;
}

/** Everything a rule may read. Rules do no I/O. */
export interface RuleContext {
  readonly inventory: Inventory;
  readonly relations: Relations;
  readonly config: Config;
  /** Earlier runs' observations; empty with `--no-history` or on a first run. */
  readonly history: History;
  /**
   * Current API server IPs per cluster (lower-cased id), with the evidence that shows each: the `kube-apiserver`
   * load balancer frontend, the API server private endpoint's NIC, or DNS answers (`--resolve-dns`).
   */
  readonly apiServerEndpoints: ReadonlyMap<string, readonly ApiServerEndpoint[]>;
  /** Run time; rules never read the clock themselves. */
  readonly now: Date;
}

export interface Rule {
  readonly meta: RuleMeta;
  evaluate(context: RuleContext): Iterable<RuleOutcome>;
}

export const apiServerVnetIntegrationDocs =
  "https://learn.microsoft.com/azure/aks/api-server-vnet-integration";

export function defineRule(rule: Rule): Rule {
  return rule;
}

export type { ApiServerEndpoint } from "../inventory/apiserver-endpoints.ts";
