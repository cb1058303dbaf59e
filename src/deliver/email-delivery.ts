// `scan --email-to`: checks mail settings before the scan, then sends the report after it is on disk.
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import type { RunRecord } from "../findings/run.ts";
import { defaultMaxBodyBytes } from "../report/email.ts";
import { buildReportView, type ReportViewOptions } from "../report/view-model.ts";
import type { DeliveryOutcome } from "./delivery.ts";
import { sendReportEmail } from "./email.ts";
import { DeliveryError } from "./errors.ts";
import { checkRecipients } from "./headers.ts";
import { readSmtpSettings, type Environment } from "./smtp-settings.ts";

export interface EmailPlan {
  readonly to: readonly string[];
  readonly maxBodyBytes: number;
  readonly env: Environment;
}

/**
 * Recipients from `--email-to`, else the config's `email.to`; undefined when there are none. A bad address or
 * missing SMTP settings fail here, before any scanning (exit 2).
 */
export function planEmail(
  emailTo: readonly string[] | undefined,
  config: Config,
  env: Environment,
): EmailPlan | undefined {
  const to = emailTo?.length ? emailTo : (config.email?.to ?? []);
  if (to.length === 0) return undefined;
  checkRecipients(to);
  readSmtpSettings(env);
  return { to, maxBodyBytes: config.email?.maxBodyBytes ?? defaultMaxBodyBytes, env };
}

/** Sends the report; a failed delivery is an outcome that makes the run incomplete (exit 3), the files stay. */
export async function deliverEmail(
  plan: EmailPlan,
  run: RunRecord,
  out: string,
  viewOptions: ReportViewOptions,
): Promise<DeliveryOutcome> {
  try {
    const { messageId } = await sendReportEmail(
      run,
      buildReportView(run, viewOptions),
      { findingsCsvPath: join(out, "findings.csv") },
      { to: plan.to, maxBodyBytes: plan.maxBodyBytes, env: plan.env },
    );
    return {
      channel: "email",
      delivered: true,
      message: `Emailed the report to ${plan.to.length} recipient(s) (message id ${messageId}).`,
    };
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    return {
      channel: "email",
      delivered: false,
      message: `${error.message} The reports are on disk in ${out}.`,
    };
  }
}
