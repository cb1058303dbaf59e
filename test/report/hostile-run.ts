// A run whose every free-text field carries markup, spreadsheet formulas, ANSI escapes or line breaks.
import type { RunRecord } from "../../src/findings/run.ts";
import type { RuleMeta } from "../../src/rules/define.ts";
import { clusterId, makeResult, sampleClusters, sampleRun, subscriptionProd } from "./sample-run.ts";

export const hostile = {
  script: "<script>alert(1)</script>",
  attribute: '"><img src=x onerror=alert(1)>',
  hyperlink: '=HYPERLINK("http://x","y")',
  command: "+cmd|' /C calc'!A0",
  sum: "@SUM(1)",
  ansi: "\u001b[31mred\u001b[0m",
  lineBreak: "first line\r\nsecond line",
} as const;

const everything = Object.values(hostile).join(" ");

export const hostileRuleId = "cluster-not-vnet-integrated";

export const hostileRules: readonly RuleMeta[] = [
  {
    id: hostileRuleId,
    title: `${hostile.script} title`,
    severity: "high",
    resource: "cluster",
    rationale: `Rationale ${everything}`,
    remediation: `${hostile.command}\naz aks update ${hostile.attribute}`,
    docs: "javascript:alert(1)",
  },
];

const hostileClusterId = clusterId(subscriptionProd, hostile.attribute, hostile.script);

export function hostileRun(): RunRecord {
  const base = sampleRun();
  const formulas = [hostile.hyperlink, hostile.command, hostile.sum, hostile.ansi, hostile.lineBreak];
  const results = formulas.map((text, index) =>
    makeResult({
      ruleId: hostileRuleId,
      resourceId: hostileClusterId,
      severity: "high",
      resourceType: hostile.sum,
      detail: `${text} ${String(index)}`,
      message: text,
      remediation: `${hostile.hyperlink} ${hostile.script}`,
      evidence: { tags: { owner: hostile.attribute, cost: hostile.hyperlink }, note: everything },
      fingerprint: `hostile-${String(index)}`,
    }),
  );
  return {
    ...base,
    results,
    resolved: [{ ...results[0]!, diff: "resolved", message: `${hostile.script} | pipe` }],
    diagnostics: [
      { level: "warning", code: "malformed-row", message: everything, origin: hostile.attribute },
    ],
    coverage: {
      ...base.coverage,
      complete: false,
      gaps: [{ tenantId: hostile.script, code: "AuthorizationFailed", message: everything }],
    },
    clusters: [
      {
        ...sampleClusters[0]!,
        id: hostileClusterId,
        name: hostile.hyperlink,
        resourceGroup: hostile.command,
        location: hostile.sum,
        kubernetesVersion: hostile.ansi,
        networkPlugin: hostile.attribute,
        powerState: hostile.lineBreak,
      },
    ],
  };
}
