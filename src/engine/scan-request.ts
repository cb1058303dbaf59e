// What a scan takes and gives: the request `scan()` runs, its outcome, and the pure middle's options and output.
import type { CollectedRows } from "../collect/source.ts";
import type { CollectSource } from "../collect/collect.ts";
import type { ManagedClusterReaders } from "../collect/verify.ts";
import type { Config } from "../config/config.ts";
import type { DeliveryOutcome } from "../deliver/delivery.ts";
import type { EmailPlan } from "../deliver/email-delivery.ts";
import type { LogAnalyticsPlan } from "../deliver/log-analytics.ts";
import type { NotifyPlan } from "../deliver/notify.ts";
import type { Observations } from "../history/observations.ts";
import type { StoredRun } from "../history/run-files.ts";
import type { StateLocation } from "../history/store.ts";
import type { Diagnostic, Inventory } from "../inventory/model.ts";
import type { ReportFormat } from "../report/write.ts";
import type { Rule } from "../rules/define.ts";
import type { RunRecord, ToolInfo } from "../findings/run.ts";

/** Everything a scan needs, in one object so a new option is one new field. Only `source` is required. */
export interface ScanRequest {
  readonly source: CollectSource;
  readonly config?: Config;
  readonly rules?: readonly Rule[];
  /** Start of the run; defaults to now. */
  readonly startedAt?: Date;
  /** Folder the reports are written to; nothing is rendered when it is absent. */
  readonly out?: string;
  /** Report formats written to `out` (default: all). */
  readonly formats?: readonly ReportFormat[];
  /** List passing and not-applicable results in HTML and CSV too. */
  readonly showAll?: boolean;
  /** Mask subscription ids and tenant and subscription names in the reports. */
  readonly mask?: boolean;
  /** `--html-max-rows`: results per rule and clusters per wave in report.html and the email. */
  readonly htmlMaxRows?: number;
  /**
   * Where runs and their history are kept (a folder, a blob container URL, or a store opened from one); without
   * it no previous run is read and this one is not stored.
   */
  readonly stateDir?: StateLocation;
  readonly keepRuns?: number;
  /** How long to wait for another scan holding the run store's lock (default 10 min); then exit 2. */
  readonly stateLockTimeoutMs?: number;
  /** Live scans: re-read flagged clusters from ARM (default true). */
  readonly verify?: boolean;
  /** Tests inject fake ARM readers for the verification. */
  readonly managedClusterReaders?: ManagedClusterReaders;
  readonly resolveDns?: boolean;
  /** Send the report by mail once it is on disk (needs `out`). */
  readonly email?: EmailPlan;
  /** Send every result and a run row to Log Analytics once the reports are on disk (needs `out`). */
  readonly logAnalytics?: LogAnalyticsPlan;
  /** Post a summary to webhooks last, so it can say the reports and rows are where it links to (needs `out`). */
  readonly notify?: NotifyPlan;
  /** Stage messages (`collecting inventory`, `writing reports`…), for a progress display. */
  readonly onProgress?: (message: string) => void;
}

export interface ScanOutcome {
  readonly run: RunRecord;
  /** Report files written. */
  readonly written: readonly string[];
  /** One per delivery channel; an undelivered one makes the run incomplete (exit 3). */
  readonly deliveries: readonly DeliveryOutcome[];
}

export interface PipelineOptions {
  readonly collected: CollectedRows;
  readonly config: Config;
  readonly rules: readonly Rule[];
  readonly tool: ToolInfo;
  /** Input paths or tenant ids, as the user named them. */
  readonly inputs: readonly string[];
  /** The run's scope for history (see `RunInfo.scope`); `runScope` computes it. */
  readonly scope: readonly string[];
  readonly startedAt: Date;
  /** Clock for the end of the run; injectable so tests are deterministic. */
  readonly now?: () => Date;
  /** The previous stored run of the same scope: its observations are the history, its results the diff base. */
  readonly previous?: StoredRun | undefined;
  /** `--resolve-dns` answers per cluster (lower-cased id). */
  readonly dnsAnswers?: ReadonlyMap<string, readonly string[]>;
  /** The normalized rows when the caller needed them before analysis (DNS resolution does). */
  readonly inventory?: Inventory | undefined;
  /** Diagnostics of enrich steps (DNS, ARM verification) that belong in the run. */
  readonly extraDiagnostics?: readonly Diagnostic[];
  /** Tenant display names (lower-cased id → name) from ARM `GET /tenants`; the config's are the fallback. */
  readonly tenantNames?: Readonly<Record<string, string>>;
}

export interface PipelineOutput {
  readonly run: RunRecord;
  readonly inventory: Inventory;
  /** History to store with this run: the previous observations plus what this run saw. */
  readonly observations: Observations;
}
