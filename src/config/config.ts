// The scanner's configuration: thresholds, history inputs and suppressions (DESIGN §4, §6).
import type { AuthMode } from "../collect/auth.ts";

export interface Suppression {
  readonly rule: string;
  /** An ARM id or a glob over ids (`*` within a segment, `**` across segments), compared case-insensitively. */
  readonly resource: string;
  readonly reason: string;
  readonly owner: string;
  /** ISO date; past it the finding comes back and the suppression is reported. */
  readonly expires: string | undefined;
}

export interface Attestation {
  readonly cluster: string;
  readonly enabledAt: string | undefined;
  readonly restartedAt: string | undefined;
  readonly by: string;
  readonly ticket: string;
}

/** A tenant to scan live, with its own scopes and, optionally, its own way to sign in. */
export interface TenantConfig {
  readonly tenantId: string;
  /** Shown beside the tenant id when ARM `GET /tenants` cannot be read with the scan's credential. */
  readonly displayName: string | undefined;
  readonly subscriptions: readonly string[] | undefined;
  readonly managementGroups: readonly string[] | undefined;
  readonly auth: AuthMode | undefined;
}

export interface EmailConfig {
  readonly to: readonly string[];
  /** The HTML body is cut at this many bytes; the CSV attachment carries the rest. */
  readonly maxBodyBytes: number;
}

/** `--notify-format`: a Teams Workflows Adaptive Card, Slack Block Kit, or the summary object itself. */
export const notifyFormats = ["teams", "slack", "json"] as const;
export type NotifyFormat = (typeof notifyFormats)[number];

/** Chat and webhook notification after a scan (`--notify-webhook`, `--notify-format`, `--report-url`). */
export interface NotifyConfig {
  readonly webhooks: readonly string[] | undefined;
  readonly format: NotifyFormat | undefined;
  readonly reportUrl: string | undefined;
}

export interface Config {
  /** `apiserver-subnet-ip-exhaustion` warns below this many free IPs (DESIGN §4). */
  readonly minFreeApiServerIps: number;
  /** `node-subnet-ip-exhaustion` warns at this share of capacity used. */
  readonly nodeSubnetWarnRatio: number;
  /** General availability of API Server VNet Integration; enablements before it need a restart after it. */
  readonly gaDate: string;
  /** Cluster id → API server IPs it used to have (from change tickets). */
  readonly knownApiServerIps: Readonly<Record<string, readonly string[]>>;
  readonly suppressions: readonly Suppression[];
  readonly attestations: readonly Attestation[];
  readonly tenants: readonly TenantConfig[];
  readonly email: EmailConfig | undefined;
  readonly notify: NotifyConfig | undefined;
  /** Scopes the reports leave out: subscriptions, and every subscription beneath a management group. */
  readonly exclude: ScopeExclusionConfig;
}

export interface ScopeExclusionConfig {
  readonly subscriptions: readonly string[];
  readonly managementGroups: readonly string[];
}

export const defaultConfig: Config = {
  minFreeApiServerIps: 4,
  nodeSubnetWarnRatio: 0.8,
  gaDate: "2025-06-17",
  knownApiServerIps: {},
  suppressions: [],
  attestations: [],
  tenants: [],
  email: undefined,
  exclude: { subscriptions: [], managementGroups: [] },
  notify: undefined,
};
