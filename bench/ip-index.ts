// The IP index figure: 100,000 firewall and NSG rule entries matched against the API server IPs of 10,000 clusters.
import { buildIpIndex } from "../src/net/ip-index.ts";
import { seededRandom } from "./random.ts";

export interface IpIndexFigure {
  readonly clusters: number;
  readonly entries: number;
  readonly hits: number;
  readonly buildMs: number;
  readonly matchMs: number;
}

function clusterIp(index: number): string {
  return `10.${Math.floor(index / 250) % 224}.${index % 250}.4`;
}

/** Entries as rules carry them: single IPs (some pinned), their /32, wider prefixes, service tags and `*`. */
function ruleEntry(random: ReturnType<typeof seededRandom>, clusters: number): string {
  const draw = random.next();
  if (draw < 0.2) return clusterIp(random.integer(0, clusters - 1));
  if (draw < 0.3) return `${clusterIp(random.integer(0, clusters - 1))}/32`;
  if (draw < 0.6) return `172.${random.integer(16, 31)}.${random.integer(0, 255)}.0/24`;
  if (draw < 0.8) return random.pick(["VirtualNetwork", "AzureCloud", "Internet", "*"]);
  return `192.168.${random.integer(0, 255)}.${random.integer(1, 254)}`;
}

export function ipIndexFigure(clusters = 10_000, entries = 100_000, seed = 1): IpIndexFigure {
  const random = seededRandom(seed);
  const rules = Array.from({ length: entries }, () => ruleEntry(random, clusters));
  let started = performance.now();
  const index = buildIpIndex(
    Array.from({ length: clusters }, (_, cluster) => ({ ip: clusterIp(cluster), value: cluster })),
  );
  const buildMs = performance.now() - started;
  started = performance.now();
  let hits = 0;
  for (const entry of rules) if (index.lookupEntry(entry) !== undefined) hits++;
  return { clusters, entries, hits, buildMs, matchMs: performance.now() - started };
}

if (import.meta.main) process.stdout.write(`${JSON.stringify(ipIndexFigure())}\n`);
