// Maps raw rows from any source to the typed Inventory (DESIGN §3): dispatch on type, one linear pass, diagnostics not throws.
import { typeFromId } from "./arm-id.ts";
import { DiagnosticAggregator } from "./diagnostics.ts";
import { createBuilder, forget, toInventory, type InventoryBuilder, type RowReader } from "./builder.ts";
import { isLegacyChange, readLegacyChange, readResourceChange } from "./changes.ts";
import { mergeAgentPoolRows, readAgentPoolRow, readCluster } from "./cluster.ts";
import { readLoadBalancer, readNetworkInterface, readPrivateEndpoint } from "./endpoints.ts";
import { readAzureFirewall, readFirewallPolicy, readIpGroup, readRuleCollectionGroup } from "./firewall.ts";
import { idKey, type Inventory, type RawRow, type SourceRef } from "./model.ts";
import { mergeStandaloneSubnets, readStandaloneSubnet, readVirtualNetwork } from "./network.ts";
import { mergeStandaloneSecurityRules, readNetworkSecurityGroup, readStandaloneSecurityRule } from "./nsg.ts";
import {
  describeValue,
  isRecord,
  Node,
  nonEmpty,
  ownValue,
  recordDiagnostic,
  type RowContext,
} from "./read.ts";
import { duplicateMessage, newerCopy, readRecency } from "./duplicates.ts";
import { renestFlattened } from "./flattened.ts";
import { readArmResource } from "./resource.ts";
import { releaseUnreadIpConfigurationIds } from "./unread-ids.ts";
import { readRoleAssignment, readRoleDefinition } from "./role-assignments.ts";
import { readSubscription } from "./subscriptions.ts";

/** Keyed by lower-cased ARM type; Resource Graph lower-cases types, ARM GET bodies do not. */
const readers: ReadonlyMap<string, RowReader> = new Map([
  ["microsoft.containerservice/managedclusters", readCluster],
  ["microsoft.network/virtualnetworks", readVirtualNetwork],
  ["microsoft.network/virtualnetworks/subnets", readStandaloneSubnet],
  ["microsoft.containerservice/managedclusters/agentpools", readAgentPoolRow],
  ["microsoft.network/networksecuritygroups", readNetworkSecurityGroup],
  ["microsoft.network/networksecuritygroups/securityrules", readStandaloneSecurityRule],
  ["microsoft.network/networksecuritygroups/defaultsecurityrules", readStandaloneSecurityRule],
  ["microsoft.network/azurefirewalls", readAzureFirewall],
  ["microsoft.network/firewallpolicies", readFirewallPolicy],
  ["microsoft.network/firewallpolicies/rulecollectiongroups", readRuleCollectionGroup],
  // The name before API version 2020-05-01; the spec's own example ids still use it.
  ["microsoft.network/firewallpolicies/rulegroups", readRuleCollectionGroup],
  ["microsoft.network/ipgroups", readIpGroup],
  ["microsoft.network/loadbalancers", readLoadBalancer],
  ["microsoft.network/privateendpoints", readPrivateEndpoint],
  ["microsoft.network/networkinterfaces", readNetworkInterface],
  ["microsoft.resources/changes", readResourceChange],
  ["microsoft.authorization/roleassignments", readRoleAssignment],
  ["microsoft.authorization/roledefinitions", readRoleDefinition],
  ["microsoft.resources/subscriptions", readSubscription],
]);

/** Types this normalizer reads; anything else is counted as `unknown-type`. */
export const knownTypes: readonly string[] = [...readers.keys()];

export interface NormalizeOptions {
  /** ARG tables that were read (`Coverage.tables`); `authorizationresources` here means role assignments were collected. */
  readonly tables?: readonly string[];
}

interface UnknownType {
  count: number;
  readonly first: SourceRef;
}

interface Pass {
  readonly into: InventoryBuilder;
  readonly diagnostics: DiagnosticAggregator;
  readonly unknownTypes: Map<string, UnknownType>;
  /** The type of every row a reader took (lower-cased), for a read split across threads. */
  readonly readTypes: Set<string>;
}

/** A RawRow, or (from hostile or hand-built input) any value, which is then taken as the row itself. */
function unwrap(raw: unknown, index: number): { value: unknown; source: SourceRef } {
  if (isRecord(raw) && Object.hasOwn(raw, "value")) {
    const source = ownValue(raw, "source");
    if (isRecord(source) && typeof source.origin === "string" && typeof source.row === "number") {
      return { value: raw.value, source: { origin: source.origin, row: source.row } };
    }
  }
  return { value: raw, source: { origin: "input", row: index } };
}

function countUnknown(pass: Pass, type: string, source: SourceRef): void {
  const known = pass.unknownTypes.get(type);
  if (known === undefined) pass.unknownTypes.set(type, { count: 1, first: source });
  else known.count++;
}

function reportUnknownTypes(pass: Pass): void {
  for (const [type, { count, first }] of pass.unknownTypes) {
    const context: RowContext = { ...first, resourceId: undefined, diagnostics: pass.diagnostics };
    const message = `${count} row(s) of type ${type} are not used by the audit (this is the first); ignored`;
    recordDiagnostic(context, "info", "unknown-type", "type", message);
  }
}

/**
 * An ARM resource path: a subscription, something under one, or a tenant-level resource (management groups, root
 * role assignments): `/subscriptions/{id}…` or `/providers/{namespace}/{type}/{name}…`.
 */
function isArmPath(id: string): boolean {
  return /^\/subscriptions\/[^/]+(\/|$)/i.test(id) || /^\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(id);
}

function readRow(pass: Pass, row: Node, id: string, source: SourceRef): void {
  const declared = nonEmpty(row.string("type"))?.toLowerCase();
  const idType = typeFromId(id)?.toLowerCase();
  let type = declared ?? idType ?? "(none)";
  // A `type` no reader knows on an id that names a type the audit reads is a garbled field, not another kind.
  if (!readers.has(type) && idType !== undefined && readers.has(idType)) {
    row.report(
      "warning",
      "field-mismatch",
      `is ${JSON.stringify(declared)}, but the id names a ${idType}; read as one`,
      "type",
    );
    type = idType;
  }
  const reader = readers.get(type);
  if (reader === undefined) {
    countUnknown(pass, type, source);
    return;
  }
  if (!isArmPath(id)) {
    row.report(
      "error",
      "malformed-id",
      `is not an ARM resource path (/subscriptions/…/providers/…); skipped, keep the resource's full id in the input`,
      "id",
    );
    return;
  }
  const flattened = isRecord(row.value) ? renestFlattened(row.value, type) : undefined;
  const armRow = flattened === undefined ? row : new Node(row.context, flattened);
  const key = idKey(id);
  const recency = readRecency(armRow);
  const kept = pass.into.seen.get(key);
  if (kept !== undefined) {
    const verdict = newerCopy(kept.recency, recency);
    const [keptSource, droppedSource] = verdict.replace ? [source, kept.source] : [kept.source, source];
    row.report(
      "warning",
      "duplicate-id",
      duplicateMessage(id, keptSource, droppedSource, verdict.reason),
      "id",
    );
    if (!verdict.replace) return;
    forget(pass.into, key, kept);
  }
  pass.into.seen.set(key, { source, type, recency });
  pass.readTypes.add(type);
  reader(armRow, readArmResource(armRow, id, type, source), pass.into);
}

function normalizeRow(pass: Pass, raw: unknown, index: number): void {
  const { value, source } = unwrap(raw, index);
  const context: RowContext = {
    origin: source.origin,
    row: source.row,
    resourceId: undefined,
    diagnostics: pass.diagnostics,
  };
  if (!isRecord(value)) {
    recordDiagnostic(
      context,
      "error",
      "malformed-row",
      undefined,
      `is ${describeValue(value)}, expected a resource object; skipped`,
    );
    return;
  }
  const probe = new Node(context, value);
  if (isLegacyChange(probe)) {
    pass.readTypes.add("microsoft.resources/changes");
    readLegacyChange(probe, source, pass.into);
    return;
  }
  const id = nonEmpty(probe.string("id"));
  if (id === undefined) {
    recordDiagnostic(
      context,
      "error",
      "malformed-row",
      "id",
      "has no id; skipped, every row needs its ARM id (keep `id` in the query's projection)",
    );
    return;
  }
  readRow(pass, new Node({ ...context, resourceId: id }, value), id, source);
}

/** A subnet a cluster names but no row describes: rules answer `unverified` for it, and this says where and why. */
function reportMissingSubnets(pass: Pass): void {
  for (const cluster of pass.into.clusters.values()) {
    const references: [string, string | undefined][] = [
      ["properties.apiServerAccessProfile.subnetId", cluster.apiServerAccessProfile.subnetId],
      ...cluster.agentPools.map((pool, index): [string, string | undefined] => [
        `properties.agentPoolProfiles[${index}].vnetSubnetID`,
        pool.vnetSubnetId,
      ]),
    ];
    const context: RowContext = { ...cluster.source, resourceId: cluster.id, diagnostics: pass.diagnostics };
    for (const [field, subnetId] of references) {
      if (subnetId === undefined || pass.into.subnets.has(idKey(subnetId))) continue;
      const message = `names subnet ${subnetId}, which no input row describes (outside the scanned scope, or deleted); rules that need it answer unverified`;
      recordDiagnostic(context, "warning", "subnet-not-found", field, message);
    }
  }
}

/** Takes rows one at a time, so a caller streaming its input never holds every raw row (DESIGN §2). */
export interface Normalizer {
  /** A RawRow (or, from hostile input, any value); the n-th call of `add` or `skip` is input row n. */
  add(raw: unknown): void;
  /** Input row n is read elsewhere (another thread, parallel-read.ts); the next row is n + 1. */
  skip(): void;
  /** The inventory of every row added; call once. */
  finish(options?: NormalizeOptions): Inventory;
  /** For a read split across threads (parallel-read.ts): the builder to merge into, and what to check. */
  readonly split: {
    readonly builder: InventoryBuilder;
    readonly readTypes: ReadonlySet<string>;
    /** Whether a row so far was said in a diagnostic, or was of a type no reader knows. */
    readonly saidAnything: () => boolean;
  };
}

export function createNormalizer(): Normalizer {
  const pass: Pass = {
    into: createBuilder(),
    diagnostics: new DiagnosticAggregator(),
    unknownTypes: new Map(),
    readTypes: new Set(),
  };
  let index = 0;
  return {
    split: {
      builder: pass.into,
      readTypes: pass.readTypes,
      saidAnything: () => pass.diagnostics.groupCount > 0 || pass.unknownTypes.size > 0,
    },
    add(raw) {
      normalizeGuarded(pass, raw, index++);
    },
    skip() {
      index++;
    },
    finish(options = {}) {
      mergeStandaloneSubnets(pass.into);
      const standaloneRules = mergeStandaloneSecurityRules(pass.into);
      mergeAgentPoolRows(pass.into, pass.diagnostics);
      reportMissingSubnets(pass);
      reportUnknownTypes(pass);
      releaseUnreadIpConfigurationIds(pass.into);
      const tables = (options.tables ?? []).map((table) => table.toLowerCase());
      return toInventory(
        pass.into,
        pass.diagnostics.list(),
        tables.includes("authorizationresources"),
        standaloneRules,
      );
    },
  };
}

function normalizeGuarded(pass: Pass, raw: unknown, index: number): void {
  try {
    normalizeRow(pass, raw, index);
  } catch (error) {
    // A reader bug on odd input must cost one row, not the run.
    const context: RowContext = {
      origin: "input",
      row: index,
      resourceId: undefined,
      diagnostics: pass.diagnostics,
    };
    recordDiagnostic(
      context,
      "error",
      "normalizer-failure",
      undefined,
      `could not be read (${describeValue(String(error))}); skipped, please report this`,
    );
  }
}

export function normalize(rows: readonly RawRow[], options: NormalizeOptions = {}): Inventory {
  const normalizer = createNormalizer();
  const input: readonly unknown[] = Array.isArray(rows) ? rows : [];
  for (let index = 0; index < input.length; index++) normalizer.add(input[index]);
  return normalizer.finish(options);
}
