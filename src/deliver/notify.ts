// Webhook notification: which webhooks, in which format, checked before the scan; posted after the reports exist.
import { ConfigError } from "../errors/errors.ts";
import { notifyFormats, type Config, type NotifyFormat } from "../config/config.ts";
import type { RunRecord } from "../findings/run.ts";
import type { DeliveryOutcome } from "./delivery.ts";
import { DeliveryError } from "./errors.ts";
import { buildNotificationSummary, type NotificationSummary } from "./notify-summary.ts";
import { slackMessage } from "./slack-message.ts";
import type { Environment } from "./smtp-settings.ts";
import { teamsMessage } from "./teams-card.ts";
import { parseWebhookUrl, postJson, type PostOptions, type WebhookTarget } from "./webhook.ts";

/** Where webhook URLs are read from besides flags and config; several are separated by white space. */
export const webhookVariable = "NOTIFY_WEBHOOK_URL";

export interface NotifyFlags {
  readonly notifyWebhook?: readonly string[];
  readonly notifyFormat?: string;
  readonly reportUrl?: string;
}

export interface NotifyPlan {
  readonly targets: readonly WebhookTarget[];
  readonly format: NotifyFormat;
  readonly reportUrl?: string;
}

function parseFormat(text: string, origin: string): NotifyFormat {
  const format = text.trim().toLowerCase();
  if ((notifyFormats as readonly string[]).includes(format)) return format as NotifyFormat;
  throw new ConfigError(`${origin} ${JSON.stringify(text)}: use one of ${notifyFormats.join(", ")}.`);
}

function parseReportUrl(text: string, origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:" && url?.protocol !== "http:") {
    throw new ConfigError(
      `${origin} ${JSON.stringify(text)} is not an http(s) URL; give the link readers open.`,
    );
  }
  return url.href;
}

/**
 * Webhooks from `--notify-webhook` (else the config's `notify.webhooks`) plus `NOTIFY_WEBHOOK_URL`; undefined when
 * there are none. A bad URL or format fails here, before any scanning (exit 2).
 */
export function planNotifications(
  flags: NotifyFlags,
  config: Config,
  env: Environment,
): NotifyPlan | undefined {
  const fromFlags = (flags.notifyWebhook ?? []).map(
    (url, index) => [url, `--notify-webhook #${index + 1}`] as const,
  );
  const fromConfig = (config.notify?.webhooks ?? []).map(
    (url, index) => [url, `config notify.webhooks[${index}]`] as const,
  );
  const fromEnv = (env[webhookVariable] ?? "")
    .split(/\s+/)
    .filter(Boolean)
    .map((url, index) => [url, `${webhookVariable} #${index + 1}`] as const);
  const targets = new Map<string, WebhookTarget>();
  for (const [text, origin] of [...(fromFlags.length > 0 ? fromFlags : fromConfig), ...fromEnv]) {
    const target = parseWebhookUrl(text, origin);
    if (!targets.has(target.url.href)) targets.set(target.url.href, target);
  }
  if (targets.size === 0) {
    if (flags.notifyFormat !== undefined || flags.reportUrl !== undefined) {
      throw new ConfigError(
        `--notify-format and --report-url need a webhook: give --notify-webhook URL, config notify.webhooks or ${webhookVariable}.`,
      );
    }
    return undefined;
  }
  const format =
    flags.notifyFormat !== undefined
      ? parseFormat(flags.notifyFormat, "--notify-format")
      : (config.notify?.format ?? "teams");
  const reportUrl =
    flags.reportUrl !== undefined
      ? parseReportUrl(flags.reportUrl, "--report-url")
      : config.notify?.reportUrl === undefined
        ? undefined
        : parseReportUrl(config.notify.reportUrl, "config notify.reportUrl");
  return { targets: [...targets.values()], format, ...(reportUrl === undefined ? {} : { reportUrl }) };
}

export function renderNotification(summary: NotificationSummary, format: NotifyFormat): unknown {
  switch (format) {
    case "teams":
      return teamsMessage(summary);
    case "slack":
      return slackMessage(summary);
    case "json":
      return summary;
  }
}

export interface NotifyOutcome {
  readonly sent: readonly WebhookTarget[];
  readonly failures: readonly DeliveryError[];
}

/** Posts the run's summary to every webhook; one failing webhook does not keep the others from theirs. */
export async function sendNotifications(
  plan: NotifyPlan,
  run: RunRecord,
  options: PostOptions = {},
): Promise<NotifyOutcome> {
  const payload = renderNotification(buildNotificationSummary(run, plan.reportUrl), plan.format);
  const sent: WebhookTarget[] = [];
  const failures: DeliveryError[] = [];
  for (const target of plan.targets) {
    try {
      await postJson(target, payload, options);
      sent.push(target);
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      failures.push(error);
    }
  }
  return { sent, failures };
}

/** The pipeline's view: one outcome per webhook, so a dead one is named and a live one still counts as sent. */
export async function deliverNotifications(
  plan: NotifyPlan,
  run: RunRecord,
  options: PostOptions = {},
): Promise<DeliveryOutcome[]> {
  const { sent, failures } = await sendNotifications(plan, run, options);
  return [
    ...(sent.length > 0
      ? [
          {
            channel: "webhook",
            delivered: true,
            message: `Posted the ${plan.format} summary to ${sent.length} webhook(s): ${sent.map((target) => target.url.host).join(", ")}.`,
          },
        ]
      : []),
    ...failures.map((failure) => ({
      channel: "webhook",
      delivered: false,
      message: `${failure.message} The reports are on disk.`,
    })),
  ];
}
