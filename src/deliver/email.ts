// Sends the report by SMTP (nodemailer): the email-safe HTML body, a short text part, findings.csv attached.
import { readFile } from "node:fs/promises";
import { createTransport } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { redactSecrets } from "../errors/redact.ts";
import type { RunRecord } from "../findings/run.ts";
import { renderEmailHtml } from "../report/email.ts";
import type { ReportView } from "../report/view-model.ts";
import { DeliveryError } from "./errors.ts";
import { checkRecipients, emailSubject } from "./headers.ts";
import type { Environment, SmtpSettings } from "./smtp-settings.ts";
import { describeServer, readSmtpSettings } from "./smtp-settings.ts";

export interface ReportFiles {
  /** The `findings.csv` written for this run; attached byte for byte. */
  readonly findingsCsvPath: string;
}

export interface SendReportOptions {
  readonly to: readonly string[];
  readonly maxBodyBytes: number;
  /** Where SMTP_* and MAIL_FROM are read from (normally `process.env`). */
  readonly env: Environment;
  /** Extra nodemailer SMTP options over the environment's; tests pass `tls` here. Not a place for credentials. */
  readonly transport?: Readonly<SMTPTransport.Options>;
}

// Short enough that a nightly job with a dead relay fails within a minute instead of nodemailer's 2–10 minutes.
const timeouts = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 } as const;

/** What to check, by nodemailer's error code. */
const hintByCode: Readonly<Record<string, string>> = {
  EAUTH: "The server refused the login: check SMTP_USER and SMTP_PASSWORD (or the credentials in SMTP_URL).",
  ETLS: "TLS failed: use SMTP_SECURE=true (or smtps://) for port 465, false for STARTTLS on 587, and check the server certificate.",
  EENVELOPE: "The server refused the sender or a recipient: check MAIL_FROM and --email-to.",
  EDNS: "The host name did not resolve: check SMTP_HOST (or the host in SMTP_URL).",
};
const unreachableHint =
  "Check SMTP_HOST and SMTP_PORT (or SMTP_URL), and that this network lets the job reach the server.";

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function deliveryError(error: unknown, settings: SmtpSettings): DeliveryError {
  const raw = error instanceof Error ? error.message : String(error);
  const password = settings.auth?.pass ?? "";
  // Redact twice: the generic patterns, then the literal password in case a server echoed it in its reply.
  const detail = redactSecrets(password ? raw.split(password).join("[redacted]") : raw);
  const hint = hintByCode[errorCode(error)] ?? unreachableHint;
  return new DeliveryError(
    `Could not send the report email through SMTP server ${describeServer(settings)}: ${detail}. ${hint} ` +
      "The report files are written; only the email is missing.",
    { cause: error },
  );
}

async function readAttachment(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new DeliveryError(
      `Could not read ${path} to attach it to the report email: ${(error as Error).message}. Write csv reports (--format csv) when sending email.`,
      { cause: error },
    );
  }
}

/** The plain-text part, for clients that do not show HTML: the counts, and where the rest is. */
function textSummary(subject: string, view: ReportView): string {
  const { kpis, header } = view;
  const severities = kpis.bySeverity.map((entry) => `${entry.severity} ${entry.count}`).join(", ");
  return [
    subject,
    "",
    `Coverage: ${header.complete ? "complete" : "INCOMPLETE - some scopes were not read"}`,
    `Clusters: ${kpis.clusters} (${kpis.percentIntegratedLabel} integrated)`,
    `Failing findings: ${kpis.failing} (${severities})`,
    kpis.hasPrevious
      ? `New: ${kpis.new}, resolved: ${kpis.resolved} since the last run`
      : "No earlier run to compare with.",
    "",
    "The HTML part has the summary; the attached findings.csv lists every finding.",
    "",
  ].join("\n");
}

/**
 * Sends one report email. Settings and recipients are checked first (`ConfigError`, exit 2);
 * a failure to read the CSV or to talk to the server is a `DeliveryError` (exit 3) naming the server, never the password.
 */
export async function sendReportEmail(
  run: RunRecord,
  view: ReportView,
  files: ReportFiles,
  options: SendReportOptions,
): Promise<{ messageId: string }> {
  const settings = readSmtpSettings(options.env);
  const to = checkRecipients(options.to);
  const csv = await readAttachment(files.findingsCsvPath);
  const subject = emailSubject(run);
  const transporter = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    auth: settings.auth && { user: settings.auth.user, pass: settings.auth.pass },
    ...timeouts,
    // Nothing in the message may make nodemailer read a local file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...options.transport,
  });
  try {
    const info = await transporter.sendMail({
      from: settings.from,
      to,
      subject,
      text: textSummary(subject, view),
      html: renderEmailHtml(view, { maxBodyBytes: options.maxBodyBytes }),
      attachments: [
        {
          filename: "findings.csv",
          content: csv,
          contentType: "text/csv; charset=utf-8",
          // base64 keeps the CSV's CRLF line ends and BOM byte for byte.
          contentTransferEncoding: "base64",
        },
      ],
      // Nightly mail: keep out-of-office replies away from the sender.
      headers: { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" },
    });
    return { messageId: info.messageId };
  } catch (error) {
    throw deliveryError(error, settings);
  } finally {
    transporter.close();
  }
}
