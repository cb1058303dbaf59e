#!/usr/bin/env node
// Command line entry: parses arguments with commander and maps every outcome to DESIGN §8's exit codes.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { showControlCharacters } from "../report/control-characters.ts";
import { exitCodes, UserError, type ExitCode } from "../errors/errors.ts";
import { diffCommand, reportCommand, type ReportOptions } from "./report-command.ts";
import { rulesCommand } from "./rules-command.ts";
import { loadConfig } from "../config/load.ts";
import { runExportCommand } from "./export.ts";
import { runDoctorCommand } from "./doctor.ts";
import { addLiveOptions, liveOptions, type LiveDependencies, type LiveFlags } from "./live.ts";
import { queryFormats, runQueryCommand, type QueryFormat } from "./query.ts";
import { failOnLevels } from "./options.ts";
import { notifyFormats } from "../config/config.ts";
import { defaultStream } from "../deliver/log-analytics.ts";
import { scanCommand, type ScanOptions } from "./scan.ts";
import { defaultHtmlMaxRows } from "../report/limits.ts";
import { toolInfo } from "../engine/tool.ts";

const collectList = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

interface QueryFlags {
  readonly kql?: string;
  readonly config?: string;
  readonly format: QueryFormat;
}

interface ExportFlags {
  readonly out: string;
  readonly mask?: boolean;
  readonly config?: string;
}

function debugEnabled(program: Command): boolean {
  return program.opts<{ debug?: boolean }>().debug === true;
}

export function buildProgram(
  print: (line: string) => void,
  setExit: (code: ExitCode) => void,
  dependencies: LiveDependencies = {},
): Command {
  const program = new Command("aks-vnet-audit")
    .description("Audit AKS API Server VNet Integration across an Azure fleet.")
    .version(toolInfo().version, "-V, --version")
    .option("--debug", "print stack traces and request logs (secrets redacted)")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");

  const scan = program
    .command("scan")
    .description("scan a fleet (demo, snapshot or live) and write reports")
    .option("--demo", "scan the bundled demo fleet")
    .option("--input <path>", "snapshot file or folder (repeatable)", collectList)
    .option("--config <file>", "config file (JSON)")
    .option("--out <dir>", "folder for the reports", "reports")
    .option("--format <list>", "comma list of html,csv,json,md,xlsx", "html,csv,json,md")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding is at or above this severity")
        .choices(failOnLevels)
        .default("none"),
    )
    .option("--all", "list passing and not-applicable results in HTML and CSV too")
    .option("--mask", "mask subscription ids and tenant and subscription names in the reports")
    .option(
      "--html-max-rows <n>",
      "results per rule and clusters per wave in report.html and the email (the files keep all)",
      String(defaultHtmlMaxRows),
    )
    .option("--quiet", "print nothing but errors")
    .option("--no-verify", "do not re-read flagged clusters from ARM (live scans)")
    .option(
      "--state-dir <dir|url>",
      "where runs and their history are kept: a folder (default: the --out folder) or https://<account>.blob.core.windows.net/<container>[/<prefix>]",
    )
    .option(
      "--state-lock-timeout <duration>",
      "how long to wait for another scan holding the run store, e.g. 90s or 10m (default 10m); then exit 2",
    )
    .option("--no-history", "neither read earlier runs nor store this one")
    .option(
      "--exclude-subscription <id>",
      "leave this subscription out of the reports (repeatable; config exclude.subscriptions)",
      collectList,
    )
    .option(
      "--exclude-management-group <id>",
      "leave every subscription beneath this management group out (repeatable; config exclude.managementGroups)",
      collectList,
    )
    .option("--keep-runs <n>", "stored runs to keep (the newest of each scope always stays)", "90")
    .option("--resolve-dns", "resolve each cluster's FQDN as API server IP evidence")
    .addOption(
      new Option("--progress <mode>", "stage progress on stderr")
        .choices(["auto", "always", "never"])
        .default("auto"),
    )
    .option(
      "--email-to <address>",
      "email the report to this address (repeatable; SMTP settings from the environment)",
      collectList,
    )
    .option(
      "--notify-webhook <url>",
      "post a summary to this webhook after the reports are written (repeatable; also NOTIFY_WEBHOOK_URL)",
      collectList,
    )
    .addOption(
      new Option(
        "--notify-format <format>",
        "what to post: Teams Adaptive Card, Slack Block Kit, or the JSON summary",
      ).choices(notifyFormats),
    )
    .option("--report-url <url>", "link to the published report, added to the webhook summary")
    .option("--log-analytics-endpoint <url>", "logs ingestion endpoint of a data collection endpoint or rule")
    .option("--dcr-id <id>", "immutable id (dcr-…) of the data collection rule to send result rows to")
    .option("--dcr-stream <name>", `stream of that rule (default ${defaultStream})`);
  addLiveOptions(scan).action(async (options: ScanOptions) => {
    setExit(await scanCommand(options, { print, debug: debugEnabled(program), dependencies }));
  });

  program
    .command("report")
    .description("re-render stored runs; several runs merge into one fleet view")
    .requiredOption("--run <dir>", "run folder or findings.json (repeatable)", collectList)
    .option("--out <dir>", "folder for the reports", "reports")
    .option("--format <list>", "comma list of html,csv,json,md,xlsx", "html,csv,json,md")
    .option("--all", "list passing and not-applicable results in HTML and CSV too")
    .option("--mask", "mask subscription ids and tenant and subscription names in the reports")
    .option(
      "--html-max-rows <n>",
      "results per rule and clusters per wave in report.html and the email (the files keep all)",
      String(defaultHtmlMaxRows),
    )
    .option("--quiet", "print nothing but errors")
    .action(async (options: ReportOptions) => {
      setExit(await reportCommand(options, print));
    });

  program
    .command("diff")
    .description("print what changed between two stored runs")
    .argument("<runA>", "the earlier run folder")
    .argument("<runB>", "the later run folder")
    .action(async (runA: string, runB: string) => {
      print(await diffCommand(runA, runB));
    });

  const query = program
    .command("query")
    .description("run an ad-hoc Resource Graph query (queries/adhoc/NAME.kql or --kql) over the scopes")
    .argument("[name]", `ad-hoc query name`)
    .option("--kql <text>", "KQL to run instead of a named query")
    .option("--config <file>", "config file (JSON) with tenants")
    .addOption(new Option("--format <format>", "output format").choices(queryFormats).default("table"));
  addLiveOptions(query).action(async (name: string | undefined, options: LiveFlags & QueryFlags) => {
    const config = await loadConfig(options.config);
    const live = liveOptions(options, config, dependencies, debugEnabled(program));
    setExit(
      (await runQueryCommand({
        ...live,
        ...(name ? { name } : {}),
        ...(options.kql ? { kql: options.kql } : {}),
        format: options.format,
        write: (text) => {
          print(text.trimEnd());
        },
      })) as ExitCode,
    );
  });

  const exportCommand = program
    .command("export")
    .description("write a snapshot of the scopes that `scan --input` can replay")
    .requiredOption("--out <file>", "snapshot file to write")
    .option("--mask", "mask subscription ids")
    .option("--config <file>", "config file (JSON) with tenants");
  addLiveOptions(exportCommand).action(async (options: LiveFlags & ExportFlags) => {
    const config = await loadConfig(options.config);
    const live = liveOptions(options, config, dependencies, debugEnabled(program));
    setExit((await runExportCommand({ ...live, out: options.out, mask: options.mask ?? false })) as ExitCode);
  });

  const doctor = program
    .command("doctor")
    .description(
      "read-only check of the tenants before the first scan: sign-in, subscriptions, rows per query, rule collection groups, inherited role assignments, quota headers, rules that would answer unverified",
    )
    .option("--config <file>", "config file (JSON) with tenants");
  addLiveOptions(doctor).action(async (options: LiveFlags & { readonly config?: string }) => {
    const config = await loadConfig(options.config);
    const live = liveOptions(options, config, dependencies, debugEnabled(program));
    setExit(await runDoctorCommand({ ...live, config, print }));
  });

  program
    .command("rules")
    .description("print the rule catalog")
    .addOption(new Option("--format <format>", "md or json").choices(["md", "json"]).default("md"))
    .action((options: { format: string }) => {
      print(rulesCommand(options.format).trimEnd());
    });

  return program;
}

export async function main(argv: readonly string[], dependencies: LiveDependencies = {}): Promise<ExitCode> {
  let exitCode: ExitCode = exitCodes.clean;
  const print = (line: string): void => {
    process.stdout.write(`${showControlCharacters(line, { keepTabAndNewline: true })}\n`);
  };
  const program = buildProgram(print, (code) => (exitCode = code), dependencies);
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with code 0; every other commander error is a usage error.
      return error.exitCode === 0 ? exitCodes.clean : exitCodes.usage;
    }
    if (error instanceof UserError) {
      process.stderr.write(`aks-vnet-audit: ${showControlCharacters(error.message)}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `aks-vnet-audit: unexpected error: ${showControlCharacters(error instanceof Error ? error.message : String(error))}\n`,
    );
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write("Rerun with --debug for the stack trace, and report it as a bug.\n");
    return exitCodes.usage;
  }
}

// Run when started as a script (`node src/cli/main.ts`); the installed bin shim calls main() itself.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
