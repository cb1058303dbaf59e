// The rows a run sends to Log Analytics: one `run` row and one `result` row per result, in one custom table.
import type { Result } from "../findings/result.ts";
import type { RunRecord } from "../findings/run.ts";
import { scopeKey } from "../history/scope.ts";

/**
 * One stream and one table for both kinds (`RecordType`), so a single `--dcr-stream` carries a run and a KQL query
 * joins results to their run by `RunId` without a second table. The columns are those of
 * `examples/log-analytics/main.bicep`; a row may leave columns empty, which the table stores as null.
 */
export type LogRow = Readonly<Record<string, unknown>> & { readonly RecordType: "run" | "result" };

/**
 * Evidence beyond this many characters is replaced by its size: the Logs Ingestion API silently truncates a field
 * past 64 KB, which would leave broken JSON in the column, and limits a call to 1 MB
 * (https://learn.microsoft.com/azure/azure-monitor/service-limits#logs-ingestion-api). 32,000 characters stay
 * below 64 KB even when every character takes two bytes. findings.json keeps the whole evidence.
 */
export const evidenceMaxLength = 32_000;

function evidenceColumn(result: Result): unknown {
  const text = JSON.stringify(result.evidence);
  return text.length > evidenceMaxLength
    ? { truncated: true, length: text.length, see: "findings.json of this run" }
    : result.evidence;
}

export function runRow(run: RunRecord): LogRow {
  const { summary } = run;
  return {
    TimeGenerated: run.run.finishedAt,
    RecordType: "run",
    RunId: run.run.id,
    ScopeKey: scopeKey(run.run.scope),
    Scope: run.run.scope,
    Source: run.run.source,
    ToolVersion: run.tool.version,
    StartedAt: run.run.startedAt,
    PreviousRunId: run.run.previousRunId ?? "",
    Complete: run.coverage.complete,
    Gaps: run.coverage.gaps.length,
    Clusters: summary.clusters,
    IntegratedClusters: summary.integratedClusters,
    IntegratedPercent:
      summary.clusters === 0 ? null : Math.round((summary.integratedClusters / summary.clusters) * 1000) / 10,
    Critical: summary.bySeverity.critical,
    High: summary.bySeverity.high,
    Medium: summary.bySeverity.medium,
    Low: summary.bySeverity.low,
    Info: summary.bySeverity.info,
    New: summary.new,
    Resolved: summary.resolved,
    Suppressed: summary.suppressed,
    Results: summary.results,
  };
}

export function resultRow(run: RunRecord, key: string, result: Result): LogRow {
  return {
    TimeGenerated: run.run.finishedAt,
    RecordType: "result",
    RunId: run.run.id,
    ScopeKey: key,
    RuleId: result.ruleId,
    Status: result.status,
    Severity: result.severity,
    ResourceId: result.resourceId,
    ResourceType: result.resourceType,
    Detail: result.detail,
    Message: result.message,
    Fingerprint: result.fingerprint,
    TenantId: result.tenantId,
    SubscriptionId: result.subscriptionId,
    Diff: result.diff ?? "",
    SuppressionReason: result.suppression?.reason ?? "",
    Evidence: evidenceColumn(result),
  };
}

/** The run row first, then every result (passes and not-applicables too: a workbook counts what was checked). */
export function logRows(run: RunRecord): LogRow[] {
  const key = scopeKey(run.run.scope);
  return [runRow(run), ...run.results.map((result) => resultRow(run, key, result))];
}
