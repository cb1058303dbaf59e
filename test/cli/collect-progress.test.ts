// The live collection view: a redrawn view per tenant on a terminal, sparse plain lines in logs, nothing when quiet.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { collectView, progressMode } from "../../src/cli/collect-progress.ts";
import type { ProgressMode } from "../../src/cli/collect-progress.ts";

class FakeStream extends Writable {
  readonly chunks: string[] = [];
  readonly isTTY: boolean;
  readonly columns = 200;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  // readline's cursor helpers call these on a TTY.
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  get text(): string {
    return this.chunks.join("");
  }
}

const plain = (text: string): string => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");

async function settle(stream: Writable): Promise<void> {
  await new Promise<void>((resolve) =>
    stream.write("", () => {
      resolve();
    }),
  );
}

describe("progressMode", () => {
  const cases: [string | undefined, boolean, boolean, ProgressMode][] = [
    [undefined, false, true, "live"],
    ["auto", false, false, "plain"],
    ["always", false, false, "plain"],
    ["never", false, true, "off"],
    [undefined, true, true, "off"],
    ["always", true, false, "off"],
  ];
  for (const [progress, quiet, tty, mode] of cases) {
    it(`--progress ${progress ?? "(none)"}${quiet ? " --quiet" : ""} on ${tty ? "a terminal" : "a pipe"}: ${mode}`, () => {
      assert.equal(progressMode(progress, quiet, new FakeStream(tty)), mode);
    });
  }
});

describe("collectView", () => {
  it("draws one line per tenant and an overall line with elapsed time and ETA on a terminal", async () => {
    const stream = new FakeStream(true);
    let time = 1_000;
    const view = collectView({ stream, mode: "live", now: () => time, tenants: 2 });
    view.tenantStarted("tenant-a", 3);
    view.tenantStarted("tenant-b", 2);
    view.pageRead("tenant-a", 1000);
    view.pageRead("tenant-a", 200);
    view.queryDone("tenant-a");
    view.retried("tenant-b");
    view.quotaWait("tenant-b", 4000);
    time += 1000;
    view.queryDone("tenant-b");
    view.stop();
    await settle(stream);
    const text = plain(stream.text);
    assert.match(text, /tenant-a .*1\/3 queries \| 2 pages \| 1200 rows \| 0 retries/);
    assert.match(text, /tenant-b .*1\/2 queries \| 0 pages \| 0 rows \| 1 retries \| quota wait 3\.0 s/);
    assert.match(text, /all tenants .*2\/5 queries \| elapsed .* \| ETA /);
    assert.notEqual(text, stream.text, "a terminal view moves the cursor to redraw");
  });

  it("prints plain lines at most once every interval per tenant, and each tenant's last line", async () => {
    const stream = new FakeStream(false);
    let time = 0;
    const view = collectView({ stream, mode: "plain", now: () => time, plainIntervalMs: 5000, tenants: 2 });
    view.tenantStarted("tenant-a", 4);
    view.tenantStarted("tenant-b", 1);
    for (let step = 0; step < 40; step++) {
      time += 500;
      view.pageRead("tenant-a", 10);
      if (step % 10 === 9) view.queryDone("tenant-a");
    }
    view.quotaWait("tenant-b", 2500);
    view.tenantDone("tenant-b");
    view.tenantDone("tenant-a");
    await settle(stream);
    const lines = stream.text.trimEnd().split("\n");
    assert.equal(stream.text, plain(stream.text), "no escape codes in a log");
    const ofA = lines.filter((line) => line.includes("tenant-a"));
    // 20 s of events: at the start and every 5 s after, plus the final line.
    assert.deepEqual(ofA.length, 5 + 1);
    assert.equal(ofA.at(-1), "… tenant-a: 4/4 queries, 40 pages, 400 rows, 0 retries (done)");
    assert.ok(
      lines.some((line) => line.includes("tenant-b: 0/1 queries") && line.includes("quota wait 2.5 s")),
    );
  });

  it("prints nothing when off", async () => {
    const stream = new FakeStream(true);
    const view = collectView({ stream, mode: "off" });
    view.tenantStarted("tenant-a", 1);
    view.pageRead("tenant-a", 5);
    view.tenantDone("tenant-a");
    view.stop();
    await settle(stream);
    assert.equal(stream.text, "");
  });
});
