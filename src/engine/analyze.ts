// Runs every rule over the inventory; a rule that throws becomes an `error` result and the run goes on.
import type { Rule, RuleContext } from "../rules/define.ts";
import { contentGapIndex, withContentGaps } from "./content-gaps.ts";
import { fingerprint } from "./fingerprint.ts";
import type { Result, RuleOutcome } from "../findings/result.ts";

export function analyze(rules: readonly Rule[], context: RuleContext): Result[] {
  const results: Result[] = [];
  const seen = new Set<string>();
  const gaps = contentGapIndex(context.inventory);
  for (const rule of rules) {
    try {
      for (const outcome of rule.evaluate(context)) {
        const result = withContentGaps(toResult(rule, outcome), rule.meta, gaps);
        // One result per (rule, resource, detail): a rule that yields twice for the same key keeps the first.
        if (seen.has(result.fingerprint)) continue;
        seen.add(result.fingerprint);
        results.push(result);
      }
    } catch (error) {
      results.push(ruleErrorResult(rule, error));
    }
  }
  return results;
}

function toResult(rule: Rule, outcome: RuleOutcome): Result {
  const detail = outcome.detail ?? "";
  return {
    ruleId: rule.meta.id,
    status: outcome.status,
    severity: outcome.severity ?? rule.meta.severity,
    resourceId: outcome.subject.id,
    resourceType: outcome.subject.type,
    detail,
    message: outcome.message,
    evidence: outcome.evidence ?? {},
    remediation:
      outcome.status === "pass" || outcome.status === "not_applicable" ? "" : rule.meta.remediation,
    fingerprint: fingerprint(rule.meta.id, outcome.subject.id, detail),
    tenantId: outcome.subject.tenantId,
    subscriptionId: outcome.subject.subscriptionId,
  };
}

function ruleErrorResult(rule: Rule, error: unknown): Result {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ruleId: rule.meta.id,
    status: "error",
    severity: rule.meta.severity,
    resourceId: "",
    resourceType: "rule",
    detail: "",
    message: `Rule ${rule.meta.id} failed and its verdicts are missing from this run: ${reason}`,
    evidence: { error: reason },
    remediation:
      "Report this as a bug with the run's findings.json and diagnostics; rerun with --debug for the stack.",
    fingerprint: fingerprint(rule.meta.id, "", "error"),
    tenantId: "",
    subscriptionId: "",
  };
}
