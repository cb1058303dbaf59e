// JSON Schema of the config file: every key, its type and its form, so errors can name what was expected.
import { authModes } from "../collect/auth.ts";
import { notifyFormats } from "./config.ts";

const isoDate = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$",
} as const;
const guid = {
  type: "string",
  pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
} as const;
const nonEmpty = { type: "string", minLength: 1 } as const;

export const configSchema = {
  $id: "https://aks-vnet-audit.dev/schema/config.schema.json",
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    minFreeApiServerIps: { type: "integer", minimum: 0 },
    nodeSubnetWarnRatio: { type: "number", exclusiveMinimum: 0, maximum: 1 },
    gaDate: isoDate,
    knownApiServerIps: {
      type: "object",
      additionalProperties: { type: "array", items: nonEmpty },
    },
    suppressions: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["rule", "resource", "reason", "owner"],
        properties: {
          rule: nonEmpty,
          resource: nonEmpty,
          reason: nonEmpty,
          owner: nonEmpty,
          expires: isoDate,
        },
      },
    },
    attestations: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["cluster", "by", "ticket"],
        properties: {
          cluster: nonEmpty,
          enabledAt: isoDate,
          restartedAt: isoDate,
          by: nonEmpty,
          ticket: nonEmpty,
        },
      },
    },
    tenants: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["tenantId"],
        properties: {
          tenantId: guid,
          displayName: nonEmpty,
          subscriptions: { type: "array", items: guid },
          managementGroups: { type: "array", items: nonEmpty },
          auth: { enum: authModes },
        },
      },
    },
    exclude: {
      type: "object",
      additionalProperties: false,
      properties: {
        subscriptions: { type: "array", items: guid },
        managementGroups: { type: "array", items: nonEmpty },
      },
    },
    email: {
      type: "object",
      additionalProperties: false,
      required: ["to"],
      properties: {
        to: { type: "array", minItems: 1, items: { type: "string", pattern: '^[^\\s@<>"]+@[^\\s@<>"]+$' } },
        maxBodyBytes: { type: "integer", minimum: 10000 },
      },
    },
    notify: {
      type: "object",
      additionalProperties: false,
      properties: {
        webhooks: { type: "array", items: nonEmpty },
        format: { enum: notifyFormats },
        reportUrl: nonEmpty,
      },
    },
  },
} as const;
