import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { after, before, describe, it } from "node:test";
import ipaddr from "ipaddr.js";
import { resolveClusterFqdns, systemResolver } from "../../src/enrich/resolve-dns.ts";
import type { DnsResolver } from "../../src/enrich/resolve-dns.ts";
import { cluster } from "../builders.ts";

const recordTypes = { A: 1, AAAA: 28 } as const;
const rcodes = { noError: 0, serverFailure: 2, nameError: 3 } as const;

/** What the loopback server knows: name → records; names in `silent` get no reply, in `broken` a SERVFAIL. */
const zone = new Map<string, { A?: string[]; AAAA?: string[] }>([
  ["aks-1-dns.hcp.westeurope.azmk8s.io", { A: ["20.1.2.3"], AAAA: ["2603:1020::1"] }],
  ["aks-2-dns.hcp.westeurope.azmk8s.io", { A: ["20.1.2.4"] }],
  ["aks-3.privatelink.westeurope.azmk8s.io", { A: ["10.1.0.4"] }],
]);
const silent = new Set(["slow-dns.hcp.westeurope.azmk8s.io"]);
const broken = new Set(["broken-dns.hcp.westeurope.azmk8s.io"]);

interface Question {
  readonly id: number;
  readonly name: string;
  readonly type: number;
  /** The question section as received, echoed in the answer. */
  readonly section: Buffer;
}

function parseQuery(message: Buffer): Question {
  const labels: string[] = [];
  let offset = 12;
  while (message[offset] !== 0) {
    const length = message[offset]!;
    labels.push(message.subarray(offset + 1, offset + 1 + length).toString("ascii"));
    offset += length + 1;
  }
  const end = offset + 5;
  return {
    id: message.readUInt16BE(0),
    name: labels.join(".").toLowerCase(),
    type: message.readUInt16BE(offset + 1),
    section: message.subarray(12, end),
  };
}

function answerRecord(type: number, ip: string): Buffer {
  const address = Buffer.from(ipaddr.parse(ip).toByteArray());
  const record = Buffer.alloc(12);
  record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  record.writeUInt16BE(type, 2);
  record.writeUInt16BE(1, 4); // class IN
  record.writeUInt32BE(60, 6);
  record.writeUInt16BE(address.length, 10);
  return Buffer.concat([record, address]);
}

function respond(question: Question): Buffer | undefined {
  if (silent.has(question.name)) return undefined;
  const records = zone.get(question.name);
  const typeName = question.type === recordTypes.AAAA ? "AAAA" : "A";
  const ips =
    question.type === recordTypes.A || question.type === recordTypes.AAAA ? (records?.[typeName] ?? []) : [];
  const rcode = broken.has(question.name)
    ? rcodes.serverFailure
    : records === undefined
      ? rcodes.nameError
      : rcodes.noError;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(question.id, 0);
  header.writeUInt16BE(0x8180 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(ips.length, 6);
  return Buffer.concat([header, question.section, ...ips.map((ip) => answerRecord(question.type, ip))]);
}

let server: Socket;
let serverAddress: string;
/** Resolvers whose pending queries must be cancelled so the test process can exit. */
const resolvers: Resolver[] = [];

function loopbackResolver(): DnsResolver {
  // c-ares' own timeout is kept longer than the one under test, so the scanner's timeout is what fires.
  const resolver = new Resolver({ timeout: 5_000, tries: 1 });
  resolver.setServers([serverAddress]);
  resolvers.push(resolver);
  return { resolve4: (name) => resolver.resolve4(name), resolve6: (name) => resolver.resolve6(name) };
}

before(async () => {
  server = createSocket("udp4");
  server.on("message", (message, remote) => {
    const reply = respond(parseQuery(message));
    if (reply !== undefined) server.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", resolve));
  serverAddress = `127.0.0.1:${server.address().port}`;
});

after(() => {
  for (const resolver of resolvers) resolver.cancel();
  server.close();
});

interface Case {
  readonly name: string;
  readonly cluster: Parameters<typeof cluster>[0];
  /** Answers for the cluster, or undefined when it must be absent. */
  readonly answers: readonly string[] | undefined;
  /** [level, code] of the diagnostic, if one is expected. */
  readonly diagnostic?: readonly [string, string];
}

const cases: Case[] = [
  {
    name: "A and AAAA answers, IPv4 first",
    cluster: { name: "aks-1" },
    answers: ["20.1.2.3", "2603:1020::1"],
  },
  { name: "a name with only an A record", cluster: { name: "aks-2" }, answers: ["20.1.2.4"] },
  {
    name: "the private FQDN when there is no public one",
    cluster: { name: "aks-3", fqdn: undefined, privateFqdn: "aks-3.privatelink.westeurope.azmk8s.io" },
    answers: ["10.1.0.4"],
  },
  {
    name: "NXDOMAIN is an info diagnostic",
    cluster: { name: "gone" },
    answers: undefined,
    diagnostic: ["info", "dns-no-answer"],
  },
  {
    name: "no FQDN at all",
    cluster: { name: "aks-4", fqdn: undefined },
    answers: undefined,
    diagnostic: ["info", "dns-no-fqdn"],
  },
  {
    name: "no reply in time is a warning",
    cluster: { name: "slow" },
    answers: undefined,
    diagnostic: ["warning", "dns-timeout"],
  },
  {
    name: "SERVFAIL is a warning",
    cluster: { name: "broken" },
    answers: undefined,
    diagnostic: ["warning", "dns-error"],
  },
];

describe("resolveClusterFqdns against a DNS server on loopback", () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const subject = cluster(testCase.cluster);
      const { answers, diagnostics } = await resolveClusterFqdns([subject], loopbackResolver(), {
        timeoutMs: 300,
      });
      assert.deepEqual(answers.get(subject.key), testCase.answers);
      assert.deepEqual(
        diagnostics.map((diagnostic) => [diagnostic.level, diagnostic.code, diagnostic.resourceId]),
        testCase.diagnostic === undefined ? [] : [[...testCase.diagnostic, subject.id]],
      );
    });
  }

  it("resolves a fleet in one call, failures beside answers", async () => {
    const fleet = ["aks-1", "gone", "aks-2", "slow"].map((name) => cluster({ name }));
    const { answers, diagnostics } = await resolveClusterFqdns(fleet, loopbackResolver(), {
      timeoutMs: 300,
      concurrency: 2,
    });
    assert.deepEqual([...answers.values()], [["20.1.2.3", "2603:1020::1"], ["20.1.2.4"]]);
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.code),
      ["dns-no-answer", "dns-timeout"],
    );
  });

  it("systemResolver asks the servers it is given", async () => {
    const resolver = systemResolver([serverAddress]);
    assert.deepEqual(await resolver.resolve4("aks-2-dns.hcp.westeurope.azmk8s.io"), ["20.1.2.4"]);
    assert.deepEqual(await resolver.resolve6("aks-1-dns.hcp.westeurope.azmk8s.io"), ["2603:1020::1"]);
  });
});

describe("resolveClusterFqdns concurrency", () => {
  it("never has more lookups in flight than asked", async () => {
    let inFlight = 0;
    let highest = 0;
    const counting = async (): Promise<string[]> => {
      inFlight++;
      highest = Math.max(highest, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return ["20.0.0.1"];
    };
    const fleet = Array.from({ length: 20 }, (_, index) => cluster({ name: `aks-${index}` }));
    const { answers } = await resolveClusterFqdns(
      fleet,
      { resolve4: counting, resolve6: () => Promise.resolve([]) },
      { concurrency: 3 },
    );
    assert.equal(answers.size, 20);
    assert.ok(highest <= 3, `at most 3 clusters at once (saw ${highest})`);
    assert.ok(highest >= 2, "lookups do run in parallel");
  });
});
