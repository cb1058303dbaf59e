// Reads and validates the config file; every error names the key, the value and the expected form (exit 2).
import { readFile } from "node:fs/promises";
import { Ajv, type ErrorObject } from "ajv";
import { ConfigError } from "../errors/errors.ts";
import {
  defaultConfig,
  type Attestation,
  type Config,
  type Suppression,
  type TenantConfig,
} from "./config.ts";
import { configSchema } from "./schema.ts";

const validate = new Ajv({ allErrors: false, strict: true }).compile(configSchema);

// Secrets come only from the environment; a config file is often committed or shared.
const secretKey = /secret|password|passwd|token|apikey|api_key|connectionstring|smtp_?url/i;

const expectedForPattern: Readonly<Record<string, string>> = {
  [configSchema.properties.gaDate.pattern]: "an ISO date such as 2025-06-17 or 2025-06-17T08:00:00Z",
  [configSchema.properties.tenants.items.properties.tenantId.pattern]:
    "a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47",
  [configSchema.properties.email.properties.to.items.pattern]: "an e-mail address such as team@example.com",
};

export async function loadConfig(path: string | undefined): Promise<Config> {
  if (path === undefined) return defaultConfig;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`config ${path}: cannot read the file (${reason}); check the --config path.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text around the bad token, which may be a secret pasted into the file: keep only the token.
    const reason = (error instanceof Error ? error.message : String(error)).replace(/, (\.\.\.)?".*$/s, "");
    throw new ConfigError(`config ${path}: not valid JSON (${reason}); fix the syntax.`);
  }
  return parseConfig(value, path);
}

/** Validates a parsed config value and fills defaults. */
export function parseConfig(value: unknown, origin: string): Config {
  const secret = findSecretKey(value, "");
  if (secret !== undefined) {
    throw new ConfigError(
      `config ${origin}: key "${secret}" looks like a secret; secrets come only from environment variables ` +
        `(AZURE_CLIENT_SECRET, SMTP_URL, SMTP_PASSWORD). Remove it from the file.`,
    );
  }
  if (!validate(value)) {
    throw new ConfigError(`config ${origin}: ${describe(validate.errors?.[0], value)}`);
  }
  const input = value as Record<string, unknown> & Partial<Record<keyof Config, unknown>>;
  return {
    ...defaultConfig,
    ...(input as Partial<Config>),
    suppressions: ((input.suppressions ?? []) as Partial<Suppression>[]).map((s) => ({
      rule: s.rule ?? "",
      resource: s.resource ?? "",
      reason: s.reason ?? "",
      owner: s.owner ?? "",
      expires: s.expires,
    })),
    attestations: ((input.attestations ?? []) as Partial<Attestation>[]).map((a) => ({
      cluster: a.cluster ?? "",
      enabledAt: a.enabledAt,
      restartedAt: a.restartedAt,
      by: a.by ?? "",
      ticket: a.ticket ?? "",
    })),
    tenants: ((input.tenants ?? []) as Partial<TenantConfig>[]).map((t) => ({
      tenantId: t.tenantId ?? "",
      displayName: t.displayName,
      subscriptions: t.subscriptions,
      managementGroups: t.managementGroups,
      auth: t.auth,
    })),
    exclude: {
      subscriptions: (input.exclude as Partial<Config["exclude"]> | undefined)?.subscriptions ?? [],
      managementGroups: (input.exclude as Partial<Config["exclude"]> | undefined)?.managementGroups ?? [],
    },
    email:
      input.email === undefined
        ? undefined
        : ({ maxBodyBytes: 1_000_000, ...(input.email as object) } as Config["email"]),
    notify:
      input.notify === undefined
        ? undefined
        : { webhooks: undefined, format: undefined, reportUrl: undefined, ...(input.notify as object) },
  };
}

function findSecretKey(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findSecretKey(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const keyPath = path ? `${path}.${key}` : key;
      if (secretKey.test(key)) return keyPath;
      const found = findSecretKey(item, keyPath);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function describe(error: ErrorObject | undefined, root: unknown): string {
  if (!error) return "does not match the config schema.";
  const key = keyPath(error.instancePath);
  const shown = (
    (JSON.stringify(valueAt(root, error.instancePath)) as string | undefined) ?? "undefined"
  ).slice(0, 80);
  const params = error.params as Record<string, unknown>;
  const subject = key ? `key "${key}"` : "the top level";
  switch (error.keyword) {
    case "additionalProperties": {
      const unknown = String(params.additionalProperty);
      const where = key ? `key "${key}.${unknown}"` : `key "${unknown}"`;
      return `unknown ${where}; see docs/configuration in the README for the keys it accepts.`;
    }
    case "required":
      return `key "${key ? `${key}.` : ""}${String(params.missingProperty)}" is required.`;
    case "type":
      return `${subject} has value ${shown}; expected ${String(params.type)}.`;
    case "pattern":
      return `${subject} has value ${shown}; expected ${expectedForPattern[String(params.pattern)] ?? `text matching ${String(params.pattern)}`}.`;
    case "enum":
      return `${subject} has value ${shown}; expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}.`;
    default:
      return `${subject} has value ${shown}; expected a value that ${error.message ?? "matches the schema"}.`;
  }
}

function keyPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
}

function valueAt(root: unknown, instancePath: string): unknown {
  let current = root;
  for (const part of instancePath.split("/").slice(1)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return current;
}
