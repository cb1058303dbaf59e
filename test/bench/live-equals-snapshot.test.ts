// A live scan of a whole fleet through latency and injected 429s finds exactly what a scan of its snapshot finds.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { resultKeys } from "../../bench/live-results.ts";
import { generateFleet } from "../../bench/fleet.ts";
import { writeSnapshotFile } from "../../bench/snapshot-file.ts";
import { startSimulator } from "../../bench/simulator.ts";
import type { Simulator } from "../../bench/simulator.ts";
import type { CollectedRows } from "../../src/collect/source.ts";
import { readSnapshotInventory } from "../../src/inventory/collected.ts";

const fleetRequest = { seed: 11, clusters: 60, tenants: 2 };
const startedAt = "2026-11-30T06:00:00.000Z";

describe("live collection = snapshot, under latency and 429s", () => {
  let simulator: Simulator;
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "aks-vnet-audit-live-"));
    simulator = await startSimulator({
      fleet: generateFleet(fleetRequest),
      quota: 5,
      windowMs: 400,
      latency: { fixedMs: 20, perRowMs: 0.05 },
      throttleEvery: 6,
    });
  });
  after(async () => {
    await simulator.close();
    await rm(work, { recursive: true, force: true });
  });

  it("gives the same results, with 429s met and retried on the way", async () => {
    const request = { ...fleetRequest, endpoint: simulator.endpoint, scanTenants: 2, startedAt };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [new URL("../../bench/live-results.ts", import.meta.url).pathname, JSON.stringify(request)],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: simulator.certificate.certFile } },
    );
    const live = JSON.parse(stdout) as { gaps: unknown[]; keys: string[] };
    assert.deepEqual(live.gaps, []);
    assert.ok(simulator.stats.throttled > 0, "429s were injected");

    const snapshotFile = join(work, "fleet.json");
    await writeSnapshotFile(generateFleet(fleetRequest), snapshotFile);
    const read = await readSnapshotInventory([snapshotFile]);
    const collected: CollectedRows = read.collected;
    const offline = resultKeys(collected, [snapshotFile], new Date(startedAt), read.inventory, read.tenants);
    assert.ok(offline.length > 100);
    assert.deepEqual(live.keys, offline);
  });
});
