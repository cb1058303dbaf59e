// `--log-analytics-endpoint`: sends a run's rows through the Azure Monitor Logs Ingestion API (@azure/monitor-ingestion).
import type { TokenCredential } from "@azure/identity";
import {
  isAggregateLogsUploadError,
  LogsIngestionClient,
  type LogsUploadFailure,
} from "@azure/monitor-ingestion";
import { ConfigError } from "../errors/errors.ts";
import { redactSecrets } from "../errors/redact.ts";
import type { RunRecord } from "../findings/run.ts";
import { showControlCharacters } from "../report/control-characters.ts";
import type { DeliveryOutcome } from "./delivery.ts";
import { DeliveryError } from "./errors.ts";
import { logRows } from "./log-analytics-rows.ts";

/** The stream of the custom table `AksVnetAudit_CL` that `examples/log-analytics/main.bicep` declares. */
export const defaultStream = "Custom-AksVnetAudit_CL";

export interface LogAnalyticsFlags {
  readonly logAnalyticsEndpoint?: string;
  readonly dcrId?: string;
  readonly dcrStream?: string;
}

export interface LogAnalyticsTarget {
  /** The data collection endpoint's (or the DCR's own) logs ingestion URL. */
  readonly endpoint: string;
  /** The DCR's immutable id (`dcr-` and 32 hex digits), not its ARM id. */
  readonly ruleId: string;
  readonly stream: string;
}

const immutableId = /^dcr-[0-9a-f]{32}$/i;
// Stream names as a DCR declares them: `Custom-<name>` for own streams, `Microsoft-<table>` for built-in tables.
const streamName = /^(?:Custom|Microsoft)-[A-Za-z0-9_]{1,100}$/;

/** Checks the flags before the scan (exit 2); undefined when Log Analytics is not asked for. */
export function planLogAnalytics(flags: LogAnalyticsFlags): LogAnalyticsTarget | undefined {
  const { logAnalyticsEndpoint: endpoint, dcrId, dcrStream } = flags;
  if (endpoint === undefined && dcrId === undefined && dcrStream === undefined) return undefined;
  if (endpoint === undefined || dcrId === undefined) {
    throw new ConfigError(
      "Log Analytics needs both --log-analytics-endpoint URL (the DCE's or DCR's logs ingestion endpoint) and --dcr-id dcr-… (the DCR's immutable id).",
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  // The SDK sends a bearer token with every call: never over plain http.
  if (url?.protocol !== "https:") {
    throw new ConfigError(
      `--log-analytics-endpoint ${JSON.stringify(endpoint)} is not an https:// URL; copy the logs ingestion endpoint from the data collection endpoint or rule (https://<name>.<region>-1.ingest.monitor.azure.com).`,
    );
  }
  if (!immutableId.test(dcrId)) {
    throw new ConfigError(
      `--dcr-id ${JSON.stringify(dcrId)} is not a DCR immutable id; use the rule's immutableId (dcr- and 32 hex digits, from az monitor data-collection rule show --query immutableId), not its name or ARM id.`,
    );
  }
  const stream = dcrStream ?? defaultStream;
  if (!streamName.test(stream)) {
    throw new ConfigError(
      `--dcr-stream ${JSON.stringify(stream)} is not a stream name; use the name the DCR declares, e.g. ${defaultStream}.`,
    );
  }
  return { endpoint: url.href.replace(/\/$/, ""), ruleId: dcrId, stream };
}

export interface LogAnalyticsOptions {
  readonly credential: TokenCredential;
  /** The Entra audience of Azure Monitor in the scan's cloud (`https://monitor.azure.com` in the public cloud). */
  readonly audience?: string;
  /** Passed to the SDK's retry policy; tests shorten the waits. */
  readonly retryOptions?: {
    readonly maxRetries?: number;
    readonly retryDelayInMs?: number;
    readonly maxRetryDelayInMs?: number;
  };
  readonly maxConcurrency?: number;
}

/** Azure Monitor's audience per cloud, as the SDK's `KnownMonitorAudience` lists them. */
export const monitorAudience: Readonly<Record<string, string>> = {
  public: "https://monitor.azure.com",
  usgov: "https://monitor.azure.us",
  china: "https://monitor.azure.cn",
};

/** "rows 2001–2950 of 4000": which rows a failed batch held, found by identity (the SDK hands back our objects). */
function batchName(
  total: number,
  failure: LogsUploadFailure,
  index: ReadonlyMap<object, number>,
): { readonly first: number; readonly name: string } {
  const positions = failure.failedLogs.flatMap((row) => {
    const position = index.get(row);
    return position === undefined ? [] : [position + 1];
  });
  if (positions.length === 0) return { first: 0, name: `a batch of ${failure.failedLogs.length} rows` };
  const first = Math.min(...positions);
  return { first, name: `the batch of rows ${first}–${Math.max(...positions)} of ${total}` };
}

function causeText(failure: LogsUploadFailure): string {
  const cause = failure.cause as Error & { statusCode?: number; code?: string };
  const status = cause.statusCode === undefined ? "" : `HTTP ${cause.statusCode} `;
  const code = cause.code ? `${cause.code}: ` : "";
  const text = showControlCharacters(redactSecrets(`${status}${code}${cause.message}`).replace(/\s+/g, " "));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Uploads the run row and every result row. The SDK cuts the rows into calls under the API's 1 MB limit, gzips
 * each, and retries 429 (after `Retry-After`), 408 and 5xx; what still fails is one `DeliveryError` that names
 * every failed batch by its rows, so an operator can tell what is missing from the workspace.
 */
export async function sendToLogAnalytics(
  target: LogAnalyticsTarget,
  run: RunRecord,
  options: LogAnalyticsOptions,
): Promise<{ readonly rows: number }> {
  const rows = logRows(run);
  const client = new LogsIngestionClient(target.endpoint, options.credential, {
    audience: options.audience ?? monitorAudience.public,
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  });
  try {
    await client.upload(target.ruleId, target.stream, rows, {
      ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    });
  } catch (error) {
    if (!isAggregateLogsUploadError(error)) throw error;
    const index = new Map<object, number>(rows.map((row, position) => [row, position]));
    const failed = error.errors
      .map((failure) => ({ ...batchName(rows.length, failure, index), cause: causeText(failure) }))
      .sort((a, b) => a.first - b.first)
      .map((batch) => `${batch.name} (${batch.cause})`);
    throw new DeliveryError(
      `Log Analytics rejected ${failed.length} batch(es) of run ${run.run.id} sent to stream ${target.stream} of ${target.ruleId}: ${failed.join("; ")}. ` +
        "The reports are written; check the DCR's stream columns and that the scan's identity has Monitoring Metrics Publisher on the DCR.",
      { cause: error },
    );
  }
  return { rows: rows.length };
}

/** Where and how to send: checked flags plus the scan's credential. */
export interface LogAnalyticsPlan extends LogAnalyticsOptions {
  readonly target: LogAnalyticsTarget;
}

/** The pipeline's view: a failed upload is an outcome that makes the run incomplete (exit 3); the files stay. */
export async function deliverLogAnalytics(plan: LogAnalyticsPlan, run: RunRecord): Promise<DeliveryOutcome> {
  try {
    const { rows } = await sendToLogAnalytics(plan.target, run, plan);
    return {
      channel: "log-analytics",
      delivered: true,
      message: `Sent ${rows} rows to Log Analytics (stream ${plan.target.stream} of ${plan.target.ruleId}).`,
    };
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    return { channel: "log-analytics", delivered: false, message: error.message };
  }
}
