import assert from "node:assert/strict";
import { describe, it } from "node:test";
import rule from "../../src/rules/apiserver-subnet-too-small.ts";
import type { Subnet } from "../../src/inventory/model.ts";
import {
  apiServerSubnet,
  cluster,
  evaluate,
  inventory,
  subnet,
  subnetId,
  summarize,
  vnet,
} from "../builders.ts";

const apiServerSubnetId = subnetId("vnet-1", "apiserver");

const integrated = cluster({
  apiServerAccessProfile: { enableVnetIntegration: true, subnetId: apiServerSubnetId },
});

interface Case {
  readonly name: string;
  readonly subnets: readonly Subnet[];
  readonly status: string;
  readonly severity?: string;
}

const cases: Case[] = [
  { name: "/28 passes", subnets: [apiServerSubnet({ addressPrefixes: ["10.0.255.0/28"] })], status: "pass" },
  { name: "/24 passes", subnets: [apiServerSubnet({ addressPrefixes: ["10.0.255.0/24"] })], status: "pass" },
  {
    name: "/29 fails",
    subnets: [apiServerSubnet({ addressPrefixes: ["10.0.255.0/29"] })],
    status: "fail",
    severity: "critical",
  },
  {
    name: "/30 fails",
    subnets: [apiServerSubnet({ addressPrefixes: ["10.0.255.0/30"] })],
    status: "fail",
    severity: "critical",
  },
  {
    name: "two prefixes: the largest counts",
    subnets: [apiServerSubnet({ addressPrefixes: ["10.0.254.0/29", "10.0.255.0/27"] })],
    status: "pass",
  },
  {
    name: "two small prefixes do not add up to a /28",
    subnets: [apiServerSubnet({ addressPrefixes: ["10.0.254.0/29", "10.0.255.0/29"] })],
    status: "fail",
    severity: "critical",
  },
  {
    name: "IPv6 prefix does not count",
    subnets: [apiServerSubnet({ addressPrefixes: ["10.0.255.0/29", "fd00::/64"] })],
    status: "fail",
    severity: "critical",
  },
  {
    name: "IPv6 only fails",
    subnets: [apiServerSubnet({ addressPrefixes: ["fd00::/64"] })],
    status: "fail",
    severity: "critical",
  },
  {
    name: "no prefix at all is unverified",
    subnets: [apiServerSubnet({ addressPrefixes: [] })],
    status: "unverified",
    severity: "critical",
  },
  {
    name: "referenced subnet missing is unverified",
    subnets: [],
    status: "unverified",
    severity: "critical",
  },
];

describe("apiserver-subnet-too-small", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const outcomes = evaluate(
        rule,
        inventory({ clusters: [integrated], vnets: [vnet({ subnets: testCase.subnets })] }),
      );
      assert.deepEqual(summarize(rule, outcomes), [
        { id: apiServerSubnetId, status: testCase.status, severity: testCase.severity, detail: undefined },
      ]);
    });
  }

  it("checks delegated subnets no cluster uses yet, and skips plain subnets", () => {
    const spare = apiServerSubnet({ name: "spare", addressPrefixes: ["10.0.250.0/29"] });
    const plain = subnet({ name: "plain", addressPrefixes: ["10.0.251.0/29"] });
    const outcomes = evaluate(rule, inventory({ vnets: [vnet({ subnets: [spare, plain] })] }));
    assert.deepEqual(summarize(rule, outcomes), [
      { id: subnetId("vnet-1", "spare"), status: "fail", severity: "critical", detail: undefined },
    ]);
  });

  it("reports a subnet shared by clusters once, whatever the id casing", () => {
    const other = cluster({
      name: "aks-2",
      apiServerAccessProfile: { enableVnetIntegration: true, subnetId: apiServerSubnetId.toUpperCase() },
    });
    const outcomes = evaluate(
      rule,
      inventory({ clusters: [integrated, other], vnets: [vnet({ subnets: [apiServerSubnet()] })] }),
    );
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.subject.id, outcome.status]),
      [[apiServerSubnetId, "pass"]],
    );
  });
});
