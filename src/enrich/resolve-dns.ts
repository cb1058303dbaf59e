// `--resolve-dns`: resolves cluster FQDNs to API server IPs, with bounded concurrency and a timeout per name.
import { Resolver } from "node:dns/promises";
import pLimit from "p-limit";
import { clusterFqdn } from "../inventory/apiserver-endpoints.ts";
import type { Cluster, Diagnostic } from "../inventory/model.ts";

/** The two lookups we need; `node:dns/promises` `Resolver` has them, tests pass their own. */
export interface DnsResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

export interface ResolveOptions {
  /** Lookups in flight at once; a fleet has thousands of clusters and resolvers rate-limit. */
  readonly concurrency?: number;
  /** Per name, both families together. */
  readonly timeoutMs?: number;
}

export interface DnsResolution {
  /** Cluster key → IPv4 then IPv6 answers; clusters with no answer are absent. */
  readonly answers: Map<string, string[]>;
  readonly diagnostics: Diagnostic[];
}

const defaultConcurrency = 16;
const defaultTimeoutMs = 5_000;

/** Resolver codes meaning "this name has no such record": the answer is empty, not a failure. */
const noRecordCodes = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN"]);

/** A resolver built on `node:dns/promises`; `servers` (`"10.0.0.4"`, `"127.0.0.1:5353"`) replaces the system ones. */
export function systemResolver(servers?: readonly string[]): DnsResolver {
  const resolver = new Resolver();
  if (servers !== undefined && servers.length > 0) resolver.setServers([...servers]);
  return {
    resolve4: (hostname) => resolver.resolve4(hostname),
    resolve6: (hostname) => resolver.resolve6(hostname),
  };
}

class DnsTimeoutError extends Error {}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** Empty on "no such record"; other failures propagate to the caller's diagnostic. */
async function lookup(resolve: (hostname: string) => Promise<string[]>, hostname: string): Promise<string[]> {
  try {
    return await resolve(hostname);
  } catch (error) {
    if (noRecordCodes.has(errorCode(error) ?? "")) return [];
    throw error;
  }
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new DnsTimeoutError());
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function diagnostic(level: Diagnostic["level"], code: string, cluster: Cluster, message: string): Diagnostic {
  return { level, code, message, resourceId: cluster.id };
}

type Outcome = { readonly ips: string[] } | { readonly diagnostic: Diagnostic };

async function resolveCluster(cluster: Cluster, resolver: DnsResolver, timeoutMs: number): Promise<Outcome> {
  const fqdn = clusterFqdn(cluster);
  if (fqdn === undefined)
    return {
      diagnostic: diagnostic(
        "info",
        "dns-no-fqdn",
        cluster,
        `cluster ${cluster.name} has no FQDN to resolve`,
      ),
    };
  try {
    const [ipv4, ipv6] = await withTimeout(
      Promise.all([
        lookup((name) => resolver.resolve4(name), fqdn),
        lookup((name) => resolver.resolve6(name), fqdn),
      ]),
      timeoutMs,
    );
    const ips = [...ipv4, ...ipv6];
    if (ips.length > 0) return { ips };
    return {
      diagnostic: diagnostic(
        "info",
        "dns-no-answer",
        cluster,
        `${fqdn} (cluster ${cluster.name}) has no A or AAAA record; a private cluster's name resolves only inside its private DNS zone`,
      ),
    };
  } catch (error) {
    const reason =
      error instanceof DnsTimeoutError
        ? `no answer within ${timeoutMs} ms`
        : `lookup failed (${errorCode(error) ?? String(error)})`;
    return {
      diagnostic: diagnostic(
        "warning",
        error instanceof DnsTimeoutError ? "dns-timeout" : "dns-error",
        cluster,
        `${fqdn} (cluster ${cluster.name}): ${reason}; its API server IP is not known from DNS in this run`,
      ),
    };
  }
}

/**
 * Resolves each cluster's `fqdn` (its `privateFqdn` when there is no public one). Never throws: names that do not
 * resolve become `info` diagnostics, timeouts and resolver failures `warning` ones, in cluster order.
 */
export async function resolveClusterFqdns(
  clusters: Iterable<Cluster>,
  resolver: DnsResolver,
  options: ResolveOptions = {},
): Promise<DnsResolution> {
  const limit = pLimit(options.concurrency ?? defaultConcurrency);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const list = [...clusters];
  const outcomes = await Promise.all(
    list.map((cluster) => limit(() => resolveCluster(cluster, resolver, timeoutMs))),
  );
  const answers = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  outcomes.forEach((outcome, index) => {
    if ("ips" in outcome) answers.set(list[index]!.key, outcome.ips);
    else diagnostics.push(outcome.diagnostic);
  });
  return { answers, diagnostics };
}
