// The demo fleet's two earlier states (runs 1 and 2), written as edits of the current tables, so history rules and diffs show.
import type { ClusterSpec, SubnetSpec, SubscriptionSpec, TenantSpec } from "./assemble.ts";
import { pool, tags } from "./managed-cluster.ts";

/** When the current fleet (fleet/) was seen; change records reach 14 days back from each state's time. */
export const fleetTime = "2026-11-20T06:00:00Z";

export const runNames = ["run-1", "run-2"] as const;
export type RunName = (typeof runNames)[number];

export const runTimes: Readonly<Record<RunName, string>> = {
  "run-1": "2026-11-06T06:00:00Z",
  "run-2": "2026-11-13T06:00:00Z",
};

const changeWindowMs = 14 * 24 * 3600 * 1000;

/** How one earlier state differs from the current fleet. */
interface StateEdits {
  /** Cluster name → its spec then, or undefined when it did not exist yet. */
  readonly clusters: Readonly<Record<string, (cluster: ClusterSpec) => ClusterSpec | undefined>>;
  /** `vnet/subnet` → fields that were different then. */
  readonly subnets: Readonly<Record<string, Partial<SubnetSpec>>>;
  /** NSG security rules added since. */
  readonly rulesAddedSince: readonly string[];
  /** Subscription name → clusters deleted since. */
  readonly deletedSince: Readonly<Record<string, readonly ClusterSpec[]>>;
}

const notIntegrated = (cluster: ClusterSpec): ClusterSpec => ({ ...cluster, apiServer: { kind: "public" } });
const notCreatedYet = (): undefined => undefined;

/** Deleted between run 2 and now: its not-integrated finding is resolved in the current run. */
const devWeuOld: ClusterSpec = {
  name: "aks-contoso-dev-weu-old",
  resourceGroup: "rg-aks-dev-weu",
  location: "westeurope",
  kubernetesVersion: "1.29.7",
  apiServer: { kind: "public" },
  networkPlugin: "kubenet",
  powerState: "Running",
  createdAt: "2023-09-18T08:00:00Z",
  tags: tags("dev", "web"),
  pools: [pool("system", "Standard_D2s_v3", 2, { maxPods: 110 })],
};

/** Until 11-18 the node subnet of payments-eus2-04 was a /25: 93 of 123 used, (5 + 1) × 31 = 186 > 123 → high. */
const narrowNodes04 = { "vnet-fabrikam-payments-eus2/snet-aks-nodes-04": { prefixes: ["172.16.16.0/25"] } };

/** The INC0042817 lockdown rule came after run 2: nsg-blocks-apiserver-traffic fails for prod-weu-01/-02 only now. */
const lockdownRule = "deny-nodes-4443-inc0042817";

const edits: Readonly<Record<RunName, StateEdits>> = {
  "run-1": {
    clusters: {
      // Enabled 11-09 / 11-10 / 11-12 (change records), so not yet integrated here.
      "aks-contoso-prod-weu-01": notIntegrated,
      "aks-fabrikam-payments-cus-01": notIntegrated,
      "aks-fabrikam-data-sea-01": (cluster) => ({ ...notIntegrated(cluster), powerState: "Running" }),
      "aks-contoso-dev-weu-01": notIntegrated,
      "aks-contoso-dev-weu-05": notIntegrated,
      // Private through an API server private endpoint in its node subnet, before its conversion on 11-09.
      "aks-fabrikam-payments-eus2-05": (cluster) => ({
        ...cluster,
        apiServer: { kind: "private", endpointIp: "172.16.11.250" },
      }),
      // Created 11-08 and 11-12 (Create records).
      "aks-fabrikam-data-aue-01": notCreatedYet,
      "aks-contoso-dev-weu-02": notCreatedYet,
      "aks-contoso-dev-weu-06": notCreatedYet,
    },
    subnets: narrowNodes04,
    rulesAddedSince: [lockdownRule],
    deletedSince: { "contoso-platform-nonprod": [devWeuOld] },
  },
  "run-2": {
    clusters: {
      // Enabled 11-13 15:31, after this run.
      "aks-contoso-dev-weu-01": notIntegrated,
      // Stopped for the restart that follows its conversion; started again before the current run.
      "aks-contoso-dev-weu-05": (cluster) => ({ ...cluster, powerState: "Stopped" }),
      // Stopped only on 11-14.
      "aks-fabrikam-data-sea-01": (cluster) => ({ ...cluster, powerState: "Running" }),
      // Created 11-16 (Create record).
      "aks-contoso-dev-weu-06": notCreatedYet,
    },
    subnets: narrowNodes04,
    rulesAddedSince: [lockdownRule],
    deletedSince: { "contoso-platform-nonprod": [devWeuOld] },
  },
};

const noEdits: StateEdits = { clusters: {}, subnets: {}, rulesAddedSince: [], deletedSince: {} };

/** Keeps the change records a snapshot taken at `at` would hold: the 14 days before it. */
function changesSeenAt(cluster: ClusterSpec, at: string): ClusterSpec {
  const end = Date.parse(at);
  const changes = (cluster.changes ?? []).filter((change) => {
    const time = Date.parse(change.at);
    return time <= end && time > end - changeWindowMs;
  });
  return { ...cluster, changes };
}

function subscriptionThen(subscription: SubscriptionSpec, state: StateEdits, at: string): SubscriptionSpec {
  const clusters = [...subscription.clusters, ...(state.deletedSince[subscription.name] ?? [])].flatMap(
    (cluster) => {
      const edit = state.clusters[cluster.name];
      const then = edit ? edit(cluster) : cluster;
      return then ? [changesSeenAt(then, at)] : [];
    },
  );
  const vnets = subscription.vnets.map((vnet) => ({
    ...vnet,
    subnets: vnet.subnets.map((spec) => ({ ...spec, ...state.subnets[`${vnet.name}/${spec.name}`] })),
  }));
  const nsgs = subscription.nsgs.map((nsg) => ({
    ...nsg,
    rules: nsg.rules.filter((rule) => !state.rulesAddedSince.includes(rule.name)),
  }));
  return { ...subscription, clusters, vnets, nsgs };
}

/** The tenant as a snapshot at `run` saw it; `undefined` gives the current fleet, with its change window applied. */
export function tenantAt(tenant: TenantSpec, run: RunName | undefined): TenantSpec {
  const at = run === undefined ? fleetTime : runTimes[run];
  const state = run === undefined ? noEdits : edits[run];
  return {
    ...tenant,
    subscriptions: tenant.subscriptions.map((subscription) => subscriptionThen(subscription, state, at)),
  };
}
