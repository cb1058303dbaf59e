// The history bench measures what it says: the stored run loads whole from either store, and retention removes one.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { historyFigures, historyStores } from "../../bench/history.ts";
import { mergeObservations } from "../../src/history/observations.ts";
import { listRuns, saveRun } from "../../src/history/store.ts";
import { clusterA, clusterB, makeResult, makeRun } from "../history/fixtures/records.ts";

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describe("historyFigures", () => {
  for (const store of historyStores) {
    it(`${store}: loads the newest of 4 runs with its results and observations, then prunes to 3`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "aks-vnet-audit-history-bench-"));
      roots.push(dir);
      const results = [clusterA, clusterB].map((resourceId) => makeResult({ ruleId: "rule-a", resourceId }));
      const observations = mergeObservations(
        undefined,
        [clusterA, clusterB].map((clusterId) => ({
          clusterId,
          enableVnetIntegration: false,
          apiServerIps: [],
        })),
        "2026-11-01T00:00:00Z",
      );
      await saveRun(dir, makeRun("20261101T000000Z-aaaaaa", results), observations, { keepRuns: 5 });
      const figures = await historyFigures(dir, 4, store);
      assert.deepEqual(
        [figures.store, figures.runs, figures.keptRuns, figures.loadedResults, figures.loadedClusters],
        [store, 4, 3, 2, 2],
      );
      assert.ok(figures.runBytes > 0);
      // The blob bench works on a copy in the emulator; the folder bench adds its older runs to the folder.
      assert.equal((await listRuns(dir)).length, store === "folder" ? 3 : 1);
    });
  }
});
