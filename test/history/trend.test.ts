// The trend of a scope read from each stored run's meta file, oldest first, other scopes and old runs left out.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { emptyObservations } from "../../src/history/observations.ts";
import { scopeKey } from "../../src/history/scope.ts";
import { saveRun } from "../../src/history/store.ts";
import { readTrend } from "../../src/history/store.ts";
import { makeRun } from "./fixtures/records.ts";

const roots: string[] = [];
after(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describe("readTrend", () => {
  it("lists the runs of one scope in order, up to the limit, skipping runs stored without trend figures", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aks-vnet-audit-trend-"));
    roots.push(dir);
    const ids = [1, 2, 3, 4].map((day) => `2026110${String(day)}T000000Z-aaaaaa`);
    for (const [index, id] of ids.entries()) {
      const run = makeRun(id, [], ["fleet.json"]);
      await saveRun(
        dir,
        { ...run, summary: { ...run.summary, clusters: 10, integratedClusters: index } },
        emptyObservations,
        {
          keepRuns: 10,
        },
      );
    }
    await saveRun(dir, makeRun("20261102T120000Z-bbbbbb", [], ["other.json"]), emptyObservations, {
      keepRuns: 10,
    });
    // A run stored by an earlier version has no trend in its meta file.
    const oldMeta = join(dir, "runs", ids[0]!, "run.json");
    const meta = JSON.parse(await readFile(oldMeta, "utf8")) as Record<string, unknown>;
    delete meta.trend;
    await writeFile(oldMeta, JSON.stringify(meta));

    const scope = scopeKey(["fleet.json"]);
    assert.deepEqual(
      (await readTrend(dir, scope, 10)).map((point) => [point.runId, point.integratedClusters]),
      [
        [ids[1], 1],
        [ids[2], 2],
        [ids[3], 3],
      ],
    );
    assert.deepEqual(
      (await readTrend(dir, scope, 2)).map((point) => point.runId),
      [ids[2], ids[3]],
    );
  });
});
