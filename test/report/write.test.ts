// Tests for writeReports: exactly the files asked for, no temp files left, masked JSON when asked.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReportFormat } from "../../src/report/write.ts";
import { writeReports } from "../../src/report/write.ts";
import { sampleRules, sampleRun, subscriptionProd } from "./sample-run.ts";

async function withOutDir(use: (outDir: string) => Promise<void>): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), "aks-vnet-audit-report-"));
  try {
    await use(outDir);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

describe("writeReports", () => {
  const cases: [formats: ReportFormat[], files: string[]][] = [
    [["html"], ["report.html"]],
    [["csv"], ["findings.csv", "clusters.csv", "plans.csv"]],
    [["json"], ["findings.json"]],
    [["md"], ["summary.md"]],
    [
      ["md", "json"],
      ["summary.md", "findings.json"],
    ],
    [
      ["html", "csv", "json", "md"],
      ["report.html", "findings.csv", "clusters.csv", "plans.csv", "findings.json", "summary.md"],
    ],
    [["md", "md"], ["summary.md"]],
    [[], []],
  ];
  for (const [formats, files] of cases) {
    it(`writes ${files.join(", ") || "nothing"} for [${formats.join(", ")}]`, async () => {
      await withOutDir(async (outDir) => {
        const written = await writeReports(sampleRun(), outDir, formats, { rules: sampleRules });
        assert.deepEqual(
          written,
          files.map((file) => join(outDir, file)),
        );
        assert.deepEqual((await readdir(outDir)).sort(), [...files].sort());
      });
    });
  }

  it("creates a missing output folder and writes the run as findings.json", async () => {
    await withOutDir(async (outDir) => {
      const nested = join(outDir, "a", "b");
      const [path] = await writeReports(sampleRun(), nested, ["json"], { rules: sampleRules });
      assert.ok(path);
      assert.deepEqual(JSON.parse(await readFile(path, "utf8")), JSON.parse(JSON.stringify(sampleRun())));
    });
  });

  it("masks subscription ids in every file when asked", async () => {
    await withOutDir(async (outDir) => {
      const paths = await writeReports(sampleRun(), outDir, ["html", "csv", "json", "md"], {
        rules: sampleRules,
        mask: true,
      });
      for (const path of paths) {
        const text = await readFile(path, "utf8");
        assert.ok(!text.includes(subscriptionProd), `${path} leaks a subscription id`);
      }
      assert.ok(
        (await readFile(join(outDir, "findings.json"), "utf8")).includes(
          "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxa1b2",
        ),
      );
    });
  });

  it("replaces an earlier report in place", async () => {
    await withOutDir(async (outDir) => {
      await writeReports(sampleRun(), outDir, ["md"], { rules: sampleRules });
      const run = sampleRun();
      await writeReports(sampleRun({ tool: { ...run.tool, version: "9.9.9" } }), outDir, ["md"], {
        rules: sampleRules,
      });
      assert.ok((await readFile(join(outDir, "summary.md"), "utf8")).includes("aks-vnet-audit 9.9.9"));
      assert.deepEqual(await readdir(outDir), ["summary.md"]);
    });
  });
});
