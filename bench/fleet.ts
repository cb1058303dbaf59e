// Synthetic fleet for the bench: tenants of subscriptions of clusters, deterministic from a seed and a size.
import { guid } from "../examples/demo-fleet/arm.ts";
import type { Row } from "../examples/demo-fleet/arm.ts";
import { assembleTenant, tableNames } from "../examples/demo-fleet/assemble.ts";
import type { TableName } from "../examples/demo-fleet/assemble.ts";
import { seededRandom } from "./random.ts";
import { subscriptionSpec } from "./subscription.ts";

export const fleetSizes = { S: 1000, M: 10_000, L: 20_000 } as const;
export type FleetSize = keyof typeof fleetSizes;

export function isFleetSize(size: string): size is FleetSize {
  return Object.hasOwn(fleetSizes, size);
}

export interface FleetOptions {
  readonly seed: number;
  readonly clusters: number;
  /** Default 4: the collection bench gives each tenant its own principal and quota. */
  readonly tenants?: number;
  /** Default 25. */
  readonly clustersPerSubscription?: number;
}

export interface FleetTenant {
  readonly tenantId: string;
  readonly subscriptions: readonly string[];
  readonly tables: Readonly<Record<TableName, readonly Row[]>>;
}

export interface Fleet {
  readonly tenants: readonly FleetTenant[];
}

export function generateFleet(options: FleetOptions): Fleet {
  const random = seededRandom(options.seed);
  const tenantCount = options.tenants ?? 4;
  const perSubscription = options.clustersPerSubscription ?? 25;
  const subscriptionCount = Math.max(tenantCount, Math.ceil(options.clusters / perSubscription));
  const tenants: FleetTenant[] = [];
  /** Subscription `number` gets an even share; the first ones take the remainder. */
  const clustersOf = (number: number): number =>
    Math.floor(options.clusters / subscriptionCount) +
    (number < options.clusters % subscriptionCount ? 1 : 0);
  for (let tenant = 0; tenant < tenantCount; tenant++) {
    const tenantId = guid(`bench-tenant:${options.seed}:${tenant}`);
    const mine = Math.ceil((subscriptionCount - tenant) / tenantCount);
    const subscriptions = Array.from({ length: mine }, (_, index) => {
      const number = tenant + index * tenantCount;
      const clusters = clustersOf(number);
      return subscriptionSpec(random, {
        tenantId,
        subscriptionId: guid(`bench-subscription:${options.seed}:${number}`),
        name: `s${number}`,
        clusters,
        vnetBase: number * 7,
      });
    });
    const tables = assembleTenant({ file: `tenant-${tenant}`, tenantId, subscriptions });
    tenants.push({ tenantId, subscriptions: subscriptions.map((spec) => spec.subscriptionId), tables });
  }
  return { tenants };
}

/** Every row of the fleet, table-keyed like an exported snapshot's `tables`. */
export function fleetTables(fleet: Fleet): Record<TableName, Row[]> {
  const tables = Object.fromEntries(tableNames.map((table) => [table, [] as Row[]])) as Record<
    TableName,
    Row[]
  >;
  for (const tenant of fleet.tenants) {
    for (const table of tableNames) for (const row of tenant.tables[table]) tables[table].push(row);
  }
  return tables;
}

export function rowCount(fleet: Fleet): number {
  return fleet.tenants.reduce(
    (sum, tenant) => sum + tableNames.reduce((rows, table) => rows + tenant.tables[table].length, 0),
    0,
  );
}
