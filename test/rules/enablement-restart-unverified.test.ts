import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readSnapshot } from "../../src/collect/snapshot.ts";
import { normalize } from "../../src/inventory/normalize.ts";
import rule from "../../src/rules/enablement-restart-unverified.ts";
import { recordsOf } from "../../src/rules/_enablement-events.ts";
import type { Attestation } from "../../src/config/config.ts";
import type { ClusterSample, Observations } from "../../src/history/observations.ts";
import type { Cluster, ResourceChange } from "../../src/inventory/model.ts";
import type { ClusterOverrides } from "../builders.ts";
import {
  cluster,
  clusterId,
  clusterObservations,
  evaluate,
  inventory,
  resourceChange,
  ruleContext,
  summarize,
} from "../builders.ts";

const id = clusterId("aks-1");
const enabledPath = "properties.apiServerAccessProfile.enableVnetIntegration";
const powerPath = "properties.powerState.code";

function integrated(overrides: ClusterOverrides = {}): Cluster {
  return cluster({ apiServerAccessProfile: { enableVnetIntegration: true }, ...overrides });
}

const enable = (at: string, before: string | undefined = "false"): ResourceChange =>
  resourceChange(id, at, { [enabledPath]: [before, "true"] });
const stop = (at: string): ResourceChange => resourceChange(id, at, { [powerPath]: ["Running", "Stopped"] });
const start = (at: string): ResourceChange => resourceChange(id, at, { [powerPath]: ["Stopped", "Running"] });
const create = (at: string): ResourceChange => resourceChange(id, at, {}, "Create");

function sample(at: string, enableVnetIntegration: boolean, powerState = "Running"): ClusterSample {
  return { at, enableVnetIntegration, powerState };
}

function attestation(fields: Partial<Attestation>): Attestation {
  return { cluster: id, enabledAt: undefined, restartedAt: undefined, by: "ops", ticket: "CHG-1", ...fields };
}

interface Case {
  readonly name: string;
  readonly cluster?: Cluster;
  readonly records?: readonly ResourceChange[];
  readonly samples?: readonly ClusterSample[];
  readonly attestations?: readonly Attestation[];
  readonly gaDate?: string;
  readonly status: string;
  readonly severity?: string;
  readonly decision?: string;
  /** Kind of the enablement / restart / create evidence the verdict used; null when none. */
  readonly used?: {
    readonly enablement?: string | null;
    readonly restart?: string | null;
    readonly create?: string | null;
  };
}

/** One scenario told three ways — change records, history, attestation — which must agree. */
interface Scenario {
  readonly name: string;
  readonly enabledAt: string;
  readonly restart?: { readonly stoppedAt: string; readonly runningAt: string };
  readonly powerState?: "Running" | "Stopped";
  readonly status: string;
  readonly severity?: string;
  readonly decision: string;
}

const scenarios: Scenario[] = [
  {
    name: "enabled after GA, restarted after",
    enabledAt: "2025-09-01T10:00:00Z",
    restart: { stoppedAt: "2025-09-02T10:00:00Z", runningAt: "2025-09-03T10:00:00Z" },
    status: "pass",
    decision: "restart-after-enablement",
  },
  {
    name: "enabled after GA, no restart",
    enabledAt: "2025-09-01T10:00:00Z",
    status: "fail",
    severity: "high",
    decision: "no-restart-since-enablement",
  },
  {
    name: "enabled after GA, no restart, stopped now",
    enabledAt: "2025-09-01T10:00:00Z",
    powerState: "Stopped",
    status: "fail",
    severity: "critical",
    decision: "no-restart-since-enablement",
  },
  {
    name: "enabled before GA, restarted after GA",
    enabledAt: "2025-03-01T10:00:00Z",
    restart: { stoppedAt: "2025-07-01T10:00:00Z", runningAt: "2025-07-02T10:00:00Z" },
    status: "pass",
    decision: "restart-after-enablement",
  },
  {
    name: "enabled before GA, restarted only before GA",
    enabledAt: "2025-03-01T10:00:00Z",
    restart: { stoppedAt: "2025-04-01T10:00:00Z", runningAt: "2025-04-02T10:00:00Z" },
    status: "fail",
    severity: "high",
    decision: "no-restart-since-ga",
  },
  {
    name: "enabled before GA, restarted only before GA, stopped now",
    enabledAt: "2025-03-01T10:00:00Z",
    restart: { stoppedAt: "2025-04-01T10:00:00Z", runningAt: "2025-04-02T10:00:00Z" },
    powerState: "Stopped",
    status: "fail",
    severity: "critical",
    decision: "no-restart-since-ga",
  },
];

const dayBefore = (iso: string): string => new Date(Date.parse(iso) - 86_400_000).toISOString();

function told(scenario: Scenario): Case[] {
  const { enabledAt, restart } = scenario;
  const expected = {
    cluster: integrated({ powerState: scenario.powerState ?? "Running" }),
    status: scenario.status,
    severity: scenario.severity,
    decision: scenario.decision,
  };
  const used = (kind: string): Case["used"] => ({
    enablement: kind,
    restart: scenario.status === "pass" ? kind : null,
  });
  return [
    {
      name: `${scenario.name} (change records)`,
      records: [enable(enabledAt), ...(restart ? [stop(restart.stoppedAt), start(restart.runningAt)] : [])],
      used: used("change-record"),
      ...expected,
    },
    {
      name: `${scenario.name} (history)`,
      samples: [
        sample(dayBefore(enabledAt), false),
        sample(enabledAt, true),
        ...(restart ? [sample(restart.stoppedAt, true, "Stopped"), sample(restart.runningAt, true)] : []),
      ],
      used: used("history"),
      ...expected,
    },
    {
      name: `${scenario.name} (attestation)`,
      attestations: [attestation({ enabledAt, restartedAt: restart?.runningAt })],
      used: used("attestation"),
      ...expected,
    },
  ];
}

const ga = "2025-06-17T00:00:00Z";

const cases: Case[] = [
  {
    name: "not integrated",
    cluster: cluster(),
    records: [enable("2025-09-01T00:00:00Z")],
    status: "not_applicable",
  },
  ...scenarios.flatMap(told),
  // Boundaries: "after" is strict for starts; GA itself counts as "at or after GA".
  {
    name: "enabled exactly at GA, no restart: enabled at/after GA",
    records: [enable(ga)],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-enablement",
  },
  {
    name: "enabled exactly at GA, restarted a second later",
    records: [enable(ga), stop("2025-06-17T00:00:00.500Z"), start("2025-06-17T00:00:01Z")],
    status: "pass",
    decision: "restart-after-enablement",
    used: { enablement: "change-record", restart: "change-record" },
  },
  {
    name: "start record at the very instant of the enablement does not count",
    records: [enable("2025-09-01T10:00:00Z"), start("2025-09-01T10:00:00Z")],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-enablement",
  },
  {
    name: "attested restart at the very instant of the enablement does not count",
    attestations: [attestation({ enabledAt: "2025-09-01", restartedAt: "2025-09-01" })],
    status: "fail",
    severity: "high",
  },
  {
    name: "enabled before GA, start exactly at GA does not count",
    records: [enable("2025-03-01T00:00:00Z"), start(ga)],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-ga",
  },
  {
    // A stopped cluster takes no update, so a run already seeing it enabled and stopped proves the stop came after.
    name: "history: first run seeing it enabled already sees it stopped, a later run running",
    samples: [
      sample("2025-09-01T00:00:00Z", false),
      sample("2025-09-08T00:00:00Z", true, "Stopped"),
      sample("2025-09-15T00:00:00Z", true),
    ],
    status: "pass",
    decision: "restart-after-enablement",
    used: { enablement: "history", restart: "history" },
  },
  {
    name: "history: stopped before the enablement, running after, is no restart after it",
    samples: [sample("2025-09-01T00:00:00Z", false, "Stopped"), sample("2025-09-08T00:00:00Z", true)],
    status: "fail",
    severity: "high",
  },
  {
    name: "history enablement, change-record start inside the window does not count",
    samples: [sample("2025-09-01T00:00:00Z", false), sample("2025-09-08T00:00:00Z", true)],
    records: [start("2025-09-05T00:00:00Z")],
    status: "fail",
    severity: "high",
    used: { enablement: "history", restart: null },
  },
  {
    name: "history: this run completes the stop/start cycle the last run saw begin",
    samples: [sample("2025-09-01T00:00:00Z", false), sample("2025-09-08T00:00:00Z", true, "Stopped")],
    status: "pass",
    decision: "restart-after-enablement",
    used: { enablement: "history", restart: "history" },
  },
  {
    name: "history: the last run saw it off, this run sees it on",
    samples: [sample("2025-09-01T00:00:00Z", false)],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-enablement",
    used: { enablement: "history", restart: null },
  },
  {
    name: "a change record inside a history window dates that enablement exactly",
    samples: [sample("2025-09-01T00:00:00Z", false), sample("2025-09-08T00:00:00Z", true)],
    records: [enable("2025-09-03T00:00:00Z"), stop("2025-09-04T00:00:00Z"), start("2025-09-05T00:00:00Z")],
    status: "pass",
    decision: "restart-after-enablement",
    used: { enablement: "change-record", restart: "change-record" },
  },
  {
    name: "an attestation outside the history window does not replace it",
    samples: [sample("2025-09-01T00:00:00Z", false), sample("2025-09-08T00:00:00Z", true)],
    attestations: [attestation({ enabledAt: "2025-08-01", restartedAt: "2025-08-15" })],
    status: "fail",
    severity: "high",
    used: { enablement: "history", restart: null },
  },
  {
    name: "the latest of several enablements decides",
    attestations: [attestation({ enabledAt: "2025-07-01T00:00:00Z", restartedAt: "2025-08-01T00:00:00Z" })],
    records: [enable("2025-11-10T00:00:00Z")],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-enablement",
    used: { enablement: "change-record", restart: null },
  },
  {
    name: "a missing previous value counts as false",
    records: [enable("2025-09-01T00:00:00Z", undefined)],
    status: "fail",
    severity: "high",
  },
  {
    name: "values compare case-insensitively",
    records: [
      resourceChange(id, "2025-09-01T00:00:00Z", { [enabledPath]: ["False", "True"] }),
      resourceChange(id, "2025-09-02T00:00:00Z", { [powerPath]: ["stopped", "running"] }),
    ],
    status: "pass",
    decision: "restart-after-enablement",
  },
  {
    name: "a stop record is no restart",
    records: [enable("2025-09-01T00:00:00Z"), stop("2025-09-02T00:00:00Z")],
    status: "fail",
    severity: "high",
  },
  {
    name: "an enablement record without a time cannot be followed: unverified",
    records: [enable(""), start("2025-09-02T00:00:00Z")],
    status: "unverified",
    severity: "medium",
    decision: "undated-enablement",
  },
  {
    name: "config gaDate moves the threshold",
    gaDate: "2025-12-01",
    records: [enable("2025-11-10T00:00:00Z"), start("2025-11-11T00:00:00Z")],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-ga",
  },
  // Created integrated: a Create record at/after GA with no later enablement.
  {
    name: "Create record after GA",
    records: [create("2025-11-08T02:00:00Z")],
    status: "pass",
    decision: "created-integrated",
    used: { create: "change-record", enablement: null, restart: null },
  },
  {
    name: "Create record exactly at GA",
    records: [create(ga)],
    status: "pass",
    decision: "created-integrated",
  },
  {
    name: "Create record before GA does not prove",
    cluster: integrated({ createdAt: "2025-06-01T00:00:00Z" }),
    records: [create("2025-06-01T00:00:00Z")],
    status: "unverified",
    severity: "medium",
    decision: "no-evidence",
  },
  {
    name: "Create record followed by an enablement, no restart",
    records: [create("2025-11-01T00:00:00Z"), enable("2025-11-05T00:00:00Z")],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-enablement",
    used: { create: null, enablement: "change-record", restart: null },
  },
  {
    name: "Create record followed by an enablement and a restart",
    records: [create("2025-11-01T00:00:00Z"), enable("2025-11-05T00:00:00Z"), start("2025-11-06T00:00:00Z")],
    status: "pass",
    decision: "restart-after-enablement",
  },
  {
    name: "Create record after an older enablement (recreated): created integrated",
    records: [enable("2025-09-01T00:00:00Z"), create("2025-11-01T00:00:00Z")],
    status: "pass",
    decision: "created-integrated",
  },
  {
    name: "a Create record of another cluster proves nothing",
    records: [resourceChange(clusterId("aks-2"), "2025-11-01T00:00:00Z", {}, "Create")],
    status: "unverified",
    severity: "medium",
  },
  // No enablement evidence.
  {
    name: "no enablement evidence, restart after GA",
    records: [stop("2025-11-15T22:00:03Z"), start("2025-11-15T22:14:41Z")],
    status: "pass",
    decision: "restart-after-ga",
    used: { enablement: null, restart: "change-record" },
  },
  {
    name: "no enablement evidence, attested restart after GA",
    attestations: [attestation({ restartedAt: "2025-08-01" })],
    status: "pass",
    decision: "restart-after-ga",
    used: { enablement: null, restart: "attestation" },
  },
  {
    name: "no enablement evidence, restart only before GA",
    records: [start("2025-05-01T00:00:00Z")],
    status: "unverified",
    severity: "medium",
  },
  {
    name: "no evidence, createdAt after GA → low",
    cluster: integrated({ createdAt: "2025-08-04T13:40:00Z" }),
    status: "unverified",
    severity: "low",
    decision: "no-evidence",
  },
  {
    name: "no evidence, createdAt exactly at GA → low",
    cluster: integrated({ createdAt: ga }),
    status: "unverified",
    severity: "low",
  },
  {
    name: "no evidence, createdAt before GA → medium",
    cluster: integrated({ createdAt: "2024-03-12T08:05:00Z" }),
    status: "unverified",
    severity: "medium",
  },
  { name: "no evidence, createdAt unknown → medium", status: "unverified", severity: "medium" },
  {
    name: "no evidence, stopped now: still unverified, not critical",
    cluster: integrated({ powerState: "Stopped" }),
    status: "unverified",
    severity: "medium",
  },
  {
    name: "history that only ever saw it integrated proves nothing",
    samples: [sample("2025-09-01T00:00:00Z", true), sample("2025-09-08T00:00:00Z", true)],
    status: "unverified",
    severity: "medium",
  },
  {
    name: "records and attestations of another cluster are ignored",
    records: [
      resourceChange(clusterId("aks-2"), "2025-09-01T00:00:00Z", { [enabledPath]: ["false", "true"] }),
    ],
    attestations: [attestation({ cluster: clusterId("aks-2"), enabledAt: "2025-09-01" })],
    status: "unverified",
    severity: "medium",
  },
  {
    name: "AKS Automatic with no enablement on record passes on its sku",
    cluster: integrated({ sku: "Automatic" }),
    status: "pass",
    decision: "automatic-sku",
  },
  {
    name: "AKS Automatic, stopped, no enablement on record: still created with the feature on",
    cluster: integrated({ sku: "Automatic", powerState: "Stopped" }),
    status: "pass",
    decision: "automatic-sku",
  },
  {
    name: "AKS Automatic with a later enablement change record and no restart fails",
    cluster: integrated({ sku: "Automatic" }),
    records: [enable("2025-09-01T10:00:00Z")],
    status: "fail",
    severity: "high",
    decision: "no-restart-since-enablement",
  },
  {
    name: "AKS Automatic with an enablement in history and a restart after it passes on the restart",
    cluster: integrated({ sku: "Automatic" }),
    samples: [
      sample("2025-09-01T00:00:00Z", false),
      sample("2025-09-02T00:00:00Z", true),
      sample("2025-09-03T00:00:00Z", true, "Stopped"),
      sample("2025-09-04T00:00:00Z", true),
    ],
    status: "pass",
    decision: "restart-after-enablement",
  },
  {
    name: "AKS Automatic with only an attested enablement still passes on its sku",
    cluster: integrated({ sku: "Automatic" }),
    attestations: [attestation({ enabledAt: "2025-09-01" })],
    status: "pass",
    decision: "automatic-sku",
  },
  {
    name: "an attestation matches the cluster id case-insensitively",
    attestations: [
      attestation({ cluster: id.toUpperCase(), enabledAt: "2025-09-01", restartedAt: "2025-09-02" }),
    ],
    status: "pass",
    decision: "restart-after-enablement",
  },
];

interface UsedEvidence {
  readonly decision: string;
  readonly enablement: { readonly kind: string } | null;
  readonly restart: { readonly kind: string } | null;
  readonly create: { readonly kind: string } | null;
}

function observationsOf(testCase: Case): Observations | undefined {
  return testCase.samples ? clusterObservations(id, testCase.samples) : undefined;
}

describe("enablement-restart-unverified", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const outcomes = evaluate(
        rule,
        inventory({
          clusters: [testCase.cluster ?? integrated()],
          overrides: { resourceChanges: testCase.records ?? [] },
        }),
        {
          attestations: testCase.attestations ?? [],
          ...(testCase.gaDate ? { gaDate: testCase.gaDate } : {}),
        },
        { observations: observationsOf(testCase) },
      );
      assert.deepEqual(summarize(rule, outcomes), [
        { id, status: testCase.status, severity: testCase.severity, detail: undefined },
      ]);
      const evidence = outcomes[0]?.evidence as UsedEvidence | undefined;
      if (testCase.decision !== undefined) assert.equal(evidence?.decision, testCase.decision);
      for (const [field, kind] of Object.entries(testCase.used ?? {}))
        assert.equal(evidence?.[field as "enablement"]?.kind ?? null, kind, field);
    });
  }

  it("records the time, source and history window of the evidence it used", () => {
    const samples = [sample("2025-09-01T00:00:00Z", false), sample("2025-09-08T00:00:00Z", true)];
    const [outcome] = evaluate(
      rule,
      inventory({ clusters: [integrated({ powerState: "Stopped" })] }),
      {},
      { observations: clusterObservations(id, samples) },
    );
    assert.deepEqual((outcome?.evidence as { enablement: unknown }).enablement, {
      kind: "history",
      at: "2025-09-08T00:00:00Z",
      source: "history",
      window: { from: "2025-09-01T00:00:00Z", to: "2025-09-08T00:00:00Z" },
    });
    assert.match(outcome?.message ?? "", /aks-1.*stopped/);
  });

  it("names the change record and the attestation ticket as sources", () => {
    const record = enable("2025-09-01T00:00:00Z");
    const [outcome] = evaluate(
      rule,
      inventory({ clusters: [integrated()], overrides: { resourceChanges: [record] } }),
      { attestations: [attestation({ restartedAt: "2025-09-02T00:00:00Z", ticket: "CHG-77" })] },
    );
    const evidence = outcome?.evidence as { enablement: { source: string }; restart: { source: string } };
    assert.equal(evidence.enablement.source, record.id);
    assert.match(evidence.restart.source, /CHG-77/);
  });

  it("advises az aks stop / start or an attestation when it cannot tell", () => {
    const [outcome] = evaluate(rule, inventory({ clusters: [integrated()] }));
    assert.match(outcome?.message ?? "", /az aks stop.*az aks start.*attestation/);
  });

  it("a real `az aks show` of an Automatic cluster passes with sku Automatic as the evidence", async () => {
    const file = fileURLToPath(new URL("../fixtures/az/aks-show-automatic.json", import.meta.url));
    const collected = await readSnapshot([file]);
    const outcomes = evaluate(rule, normalize(collected.rows));
    assert.equal(outcomes.length, 1);
    const [outcome] = outcomes as [(typeof outcomes)[number]];
    assert.equal(outcome.status, "pass");
    assert.deepEqual([outcome.evidence?.decision, outcome.evidence?.sku], ["automatic-sku", "Automatic"]);
  });
});

describe("recordsOf", () => {
  const other = clusterId("aks-2");
  const records = [
    enable("2025-09-01T00:00:00Z"),
    resourceChange(other, "2025-09-02T00:00:00Z", { [powerPath]: ["Running", "Stopped"] }),
    start("2025-09-03T00:00:00Z"),
    resourceChange(id.toUpperCase(), "2025-09-04T00:00:00Z", {}, "Create"),
  ];
  const context = ruleContext(
    inventory({
      clusters: [integrated(), cluster({ name: "aks-2" }), cluster({ name: "aks-3" })],
      overrides: { resourceChanges: records },
    }),
  );
  const cases: [name: string, clusterName: string][] = [
    ["records of the cluster only, in inventory order, whatever the id's case", "aks-1"],
    ["another cluster's", "aks-2"],
    ["a cluster without records", "aks-3"],
  ];
  for (const [name, clusterName] of cases) {
    it(name, () => {
      const subject = context.inventory.clusters.get(clusterId(clusterName).toLowerCase())!;
      assert.deepEqual(
        recordsOf(subject, context),
        records.filter((record) => record.targetKey === subject.key),
      );
    });
  }

  it("gives clusters without records one shared list that cannot be changed", () => {
    const none = recordsOf(context.inventory.clusters.get(clusterId("aks-3").toLowerCase())!, context);
    assert.equal(none.length, 0);
    assert.ok(Object.isFrozen(none));
  });
});
