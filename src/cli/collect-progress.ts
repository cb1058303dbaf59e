// What a person watching a live scan sees on stderr: a live view per tenant on a terminal, sparse plain lines elsewhere.
import cliProgress from "cli-progress";
import type { CollectProgress } from "../collect/progress.ts";

/** stderr, or a test's stand-in; `isTTY` decides between the live view and plain lines. */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export type ProgressMode = "live" | "plain" | "off";

export interface CollectView extends CollectProgress {
  /** Draws the last state and lets go of the terminal; called once collection is over. */
  stop(): void;
}

interface TenantState {
  queries: number;
  done: number;
  pages: number;
  rows: number;
  retries: number;
  quotaUntil: number;
  lastPrinted: number;
  bar?: cliProgress.SingleBar;
}

export interface CollectViewOptions {
  readonly stream: ProgressStream;
  readonly mode: ProgressMode;
  readonly now?: () => number;
  /** Plain mode: at most one line a tenant this often (the tenant's last line always comes). */
  readonly plainIntervalMs?: number;
  /** Tenants to be collected: the view stops by itself once they are all done. */
  readonly tenants?: number;
}

/** `--progress` and `--quiet` to a mode: nothing when quiet or `never`, the live view on a terminal. */
export function progressMode(
  progress: string | undefined,
  quiet: boolean,
  stream: ProgressStream,
): ProgressMode {
  if (quiet || progress === "never") return "off";
  return stream.isTTY ? "live" : "plain";
}

const defaultPlainIntervalMs = 5000;

function waitText(state: TenantState, now: number): string {
  const wait = state.quotaUntil - now;
  return wait > 0 ? `, quota wait ${(wait / 1000).toFixed(1)} s` : "";
}

function describe(tenantId: string, state: TenantState, now: number): string {
  return `${tenantId}: ${state.done}/${state.queries} queries, ${state.pages} pages, ${state.rows} rows, ${state.retries} retries${waitText(state, now)}`;
}

export function collectView(options: CollectViewOptions): CollectView {
  const now = options.now ?? Date.now;
  const tenants = new Map<string, TenantState>();
  const state = (tenantId: string): TenantState => {
    let found = tenants.get(tenantId);
    if (found === undefined) {
      found = { queries: 0, done: 0, pages: 0, rows: 0, retries: 0, quotaUntil: 0, lastPrinted: -Infinity };
      tenants.set(tenantId, found);
    }
    return found;
  };
  if (options.mode === "off") return { ...noView, stop: () => undefined };
  let finished = 0;
  const changed =
    options.mode === "live"
      ? liveView(options.stream, tenants, now)
      : plainView(options.stream, now, options.plainIntervalMs ?? defaultPlainIntervalMs);
  return {
    tenantStarted(tenantId, queries) {
      state(tenantId).queries = queries;
      changed.update(tenantId, state(tenantId));
    },
    pageRead(tenantId, rows) {
      const tenant = state(tenantId);
      tenant.pages++;
      tenant.rows += rows;
      changed.update(tenantId, tenant);
    },
    queryDone(tenantId) {
      state(tenantId).done++;
      changed.update(tenantId, state(tenantId));
    },
    retried(tenantId) {
      state(tenantId).retries++;
      changed.update(tenantId, state(tenantId));
    },
    quotaWait(tenantId, ms) {
      const tenant = state(tenantId);
      tenant.quotaUntil = Math.max(tenant.quotaUntil, now() + ms);
      changed.update(tenantId, tenant);
    },
    tenantDone(tenantId) {
      changed.finish(tenantId, state(tenantId));
      if (++finished === options.tenants) changed.stop();
    },
    stop() {
      changed.stop();
    },
  };
}

const noView: CollectProgress = {
  tenantStarted: () => undefined,
  pageRead: () => undefined,
  queryDone: () => undefined,
  retried: () => undefined,
  quotaWait: () => undefined,
  tenantDone: () => undefined,
};

interface Renderer {
  update(tenantId: string, tenant: TenantState): void;
  finish(tenantId: string, tenant: TenantState): void;
  stop(): void;
}

/** Plain lines for logs (CI, cron): a tenant's line at most every `intervalMs`, and its final line. */
function plainView(stream: ProgressStream, now: () => number, intervalMs: number): Renderer {
  const print = (tenantId: string, tenant: TenantState, suffix = ""): void => {
    tenant.lastPrinted = now();
    stream.write(`… ${describe(tenantId, tenant, now())}${suffix}\n`);
  };
  return {
    update(tenantId, tenant) {
      if (now() - tenant.lastPrinted >= intervalMs) print(tenantId, tenant);
    },
    finish(tenantId, tenant) {
      print(tenantId, tenant, " (done)");
    },
    stop: () => undefined,
  };
}

/** The terminal view: one bar a tenant and one overall with elapsed time and ETA, redrawn for the countdown. */
function liveView(stream: ProgressStream, tenants: Map<string, TenantState>, now: () => number): Renderer {
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format:
        "{tenant} [{bar}] {value}/{total} queries | {pages} pages | {rows} rows | {retries} retries{wait}",
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      forceRedraw: true,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = bars.create(
    0,
    0,
    {},
    {
      format:
        "all tenants [{bar}] {value}/{total} queries | elapsed {duration_formatted} | ETA {eta_formatted}",
    },
  );
  const payload = (tenantId: string, tenant: TenantState): Record<string, string | number> => ({
    tenant: tenantId,
    pages: tenant.pages,
    rows: tenant.rows,
    retries: tenant.retries,
    wait: waitText(tenant, now()).replace(/^,/, " |"),
  });
  const redraw = (): void => {
    let queries = 0;
    let done = 0;
    for (const [tenantId, tenant] of tenants) {
      queries += tenant.queries;
      done += tenant.done;
      tenant.bar?.setTotal(Math.max(tenant.queries, 1));
      tenant.bar?.update(tenant.done, payload(tenantId, tenant));
    }
    overall.setTotal(Math.max(queries, 1));
    overall.update(done);
  };
  // The quota-wait countdown moves without events; a redraw a quarter second keeps it honest.
  const ticker = setInterval(redraw, 250);
  ticker.unref();
  let stopped = false;
  return {
    update(tenantId, tenant) {
      tenant.bar ??= bars.create(Math.max(tenant.queries, 1), tenant.done, payload(tenantId, tenant));
      redraw();
    },
    finish(tenantId, tenant) {
      tenant.quotaUntil = 0;
      this.update(tenantId, tenant);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      redraw();
      bars.stop();
    },
  };
}
