// The demo fleet is shaped as Azure returns it: every id is a well-formed ARM id (checked with the validator the
// normalizer uses on real input), every row's type is the one its id spells, and every reference resolves inside
// the same snapshot, except the kinds the fleet's README names as deliberately dangling.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildDemoFleet } from "../../examples/demo-fleet/generate.ts";
import { armIdProblem, typeFromId } from "../../src/inventory/arm-id.ts";
import { realExamples } from "../../examples/demo-fleet/real-shapes.ts";

type Node = unknown;
interface Row {
  readonly id: string;
  readonly type: string;
  readonly [key: string]: Node;
}

/** References the demo leaves unresolved on purpose: (referring type, field path, referred type). */
const deliberatelyDangling: readonly { from: string; path: string; to: string; why: string }[] = [
  {
    from: "microsoft.network/virtualnetworks",
    path: ".properties.subnets[].properties.ipConfigurations[].id",
    to: "microsoft.compute/virtualmachinescalesets/virtualmachines/networkinterfaces/ipconfigurations",
    why: "VMSS instance NICs",
  },
  {
    from: "microsoft.network/virtualnetworks",
    path: ".properties.subnets[].properties.ipConfigurations[].id",
    to: "microsoft.network/loadbalancers/frontendipconfigurations",
    why: "kube-apiserver frontends beyond the first, and the one of the cluster outside the scan",
  },
  {
    from: "microsoft.network/virtualnetworks",
    path: ".properties.subnets[].properties.ipConfigurations[].id",
    to: "microsoft.network/networkinterfaces/ipconfigurations",
    why: "jump-box and ops VM NICs",
  },
  {
    from: "microsoft.network/loadbalancers",
    path: ".properties.frontendIPConfigurations[].properties.subnet.id",
    to: "microsoft.network/virtualnetworks/subnets",
    why: "AKS-managed VNets",
  },
  {
    from: "microsoft.network/azurefirewalls",
    path: ".properties.ipConfigurations[].properties.publicIPAddress.id",
    to: "microsoft.network/publicipaddresses",
    why: "public IP addresses",
  },
  {
    from: "microsoft.network/privateendpoints",
    path: ".properties.privateLinkServiceConnections[].properties.privateLinkServiceId",
    to: "*",
    why: "private link targets",
  },
  {
    from: "microsoft.authorization/roleassignments",
    path: ".properties.roleDefinitionId",
    to: "microsoft.authorization/roledefinitions",
    why: "built-in role definitions",
  },
  {
    from: "microsoft.authorization/roleassignments",
    path: ".properties.scope",
    to: "*",
    why: "role assignment scopes",
  },
];

interface Finding {
  readonly file: string;
  readonly problem: string;
}

function isArmReference(key: string, value: Node): value is string {
  return typeof value === "string" && /^\/(subscriptions|providers)\//i.test(value) && key !== "description";
}

/** Checks one snapshot (table-keyed object of rows) and returns every problem found. */
function checkSnapshot(file: string, snapshot: Record<string, readonly Row[]>): Finding[] {
  const findings: Finding[] = [];
  const defined = new Set<string>();
  const references: { from: Row; path: string; id: string }[] = [];
  const walk = (node: Node, row: Row, path: string): void => {
    if (Array.isArray(node)) {
      for (const item of node as Node[]) walk(item, row, `${path}[]`);
      return;
    }
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (!isArmReference(key, value)) {
        walk(value, row, `${path}.${key}`);
        continue;
      }
      // An element's own id sits below its row's id (a VNet's subnets); anything else is a reference.
      if (key === "id" && value.toLowerCase().startsWith(`${row.id.toLowerCase()}/`))
        defined.add(value.toLowerCase());
      else if (path !== "") references.push({ from: row, path: `${path}.${key}`, id: value });
    }
  };
  for (const rows of Object.values(snapshot)) {
    for (const row of rows) {
      const problem = armIdProblem(row.id);
      if (problem) findings.push({ file, problem: `row ${row.id} ${problem}` });
      else if (typeFromId(row.id) !== row.type)
        findings.push({
          file,
          problem: `row ${row.id} has type ${row.type}, its id spells ${String(typeFromId(row.id))}`,
        });
      defined.add(row.id.toLowerCase());
      walk(row, row, "");
    }
  }
  for (const { from, path, id } of references) {
    const problem = armIdProblem(id);
    if (problem) {
      findings.push({ file, problem: `${from.id} ${path} → ${id} ${problem}` });
      continue;
    }
    if (defined.has(id.toLowerCase())) continue;
    const to = typeFromId(id) ?? "";
    const allowed = deliberatelyDangling.some(
      (entry) => entry.from === from.type && entry.path === path && (entry.to === "*" || entry.to === to),
    );
    if (!allowed) findings.push({ file, problem: `${from.id} ${path} → ${id} resolves nowhere in ${file}` });
  }
  return findings;
}

const fleet = [...buildDemoFleet()].filter(([name]) => name !== "history/runs.json");

describe("demo fleet ids and references", () => {
  it("covers the current fleet and both history runs", () => {
    const folders = new Set(fleet.map(([name]) => name.split("/").slice(0, -1).join("/")));
    assert.deepEqual([...folders].sort(), ["fleet", "history/run-1", "history/run-2"]);
  });

  for (const [name, content] of fleet) {
    it(`${name}: every id is well-formed and every reference resolves`, () => {
      const findings = checkSnapshot(name, JSON.parse(content) as Record<string, Row[]>);
      assert.deepEqual(findings, []);
    });
  }

  it("the fleet README names every deliberately dangling kind", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../examples/demo-fleet/README.md"), "utf8");
    for (const { why } of deliberatelyDangling)
      assert.ok(readme.includes(why), `README does not name: ${why}`);
  });

  // The malformed id this test was written for: a rule collection group whose id repeats the child type
  // before the policy name. Kept so the check is proven to catch it.
  it("catches a malformed rule collection group id", () => {
    const policy =
      "/subscriptions/2c3d4e5f-0001-4b00-9d00-000000000001/resourceGroups/rg-hub-eus2/providers/Microsoft.Network/firewallPolicies";
    const snapshot = {
      networkresources: [
        {
          id: `${policy}/ruleCollectionGroups/afwp-hub/ruleCollectionGroups/rcg-aks`,
          type: "microsoft.network/firewallpolicies/rulecollectiongroups",
        },
      ],
    };
    const findings = checkSnapshot("malformed.json", snapshot);
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.problem, /not type\/name pairs/);
  });

  it("catches a reference that resolves nowhere", () => {
    const rg = "/subscriptions/2c3d4e5f-0001-4b00-9d00-000000000001/resourceGroups/rg";
    const snapshot = {
      resources: [
        {
          id: `${rg}/providers/Microsoft.Network/azureFirewalls/afw`,
          type: "microsoft.network/azurefirewalls",
          properties: {
            firewallPolicy: { id: `${rg}/providers/Microsoft.Network/firewallPolicies/missing` },
          },
        },
      ],
    };
    const findings = checkSnapshot("dangling.json", snapshot);
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.problem, /firewallPolicy\.id .* resolves nowhere/);
  });
});

describe("armIdProblem", () => {
  const sub = "/subscriptions/2c3d4e5f-0001-4b00-9d00-000000000001";
  const cases: readonly { id: string; ok: boolean }[] = [
    {
      id: `${sub}/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/p/ruleCollectionGroups/g`,
      ok: true,
    },
    {
      id: `${sub}/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/ruleCollectionGroups/p/ruleCollectionGroups/g`,
      ok: false,
    },
    { id: `${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, ok: true },
    { id: `${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets`, ok: false },
    {
      id: `${sub}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/providers/Microsoft.Resources/changes/c`,
      ok: true,
    },
    {
      id: `${sub}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
      ok: true,
    },
    { id: "/providers/Microsoft.Management/managementGroups/mg-platform", ok: true },
    { id: `${sub}/resourceGroups/rg`, ok: true },
    { id: sub, ok: true },
    { id: `${sub}/resourceGroups/rg/providers/Microsoft.Network`, ok: false },
    { id: `${sub}/resourceGroups/rg/providers/virtualNetworks/v`, ok: false },
    { id: `${sub}/resourceGroups/rg/Microsoft.Network/virtualNetworks/v`, ok: false },
    { id: `${sub}//resourceGroups/rg`, ok: false },
    { id: "aks-cluster-1", ok: false },
    { id: "", ok: false },
  ];
  for (const { id, ok } of cases) {
    it(`${ok ? "accepts" : "rejects"} ${id || "(empty)"}`, () => {
      assert.equal(armIdProblem(id) === undefined, ok, armIdProblem(id));
    });
  }
});

// Each builder starts from a real ARM example and drops only the example's references to resources the demo
// does not have (examples/demo-fleet/real-shapes.ts). Every other property name of the example is in every row.
describe("demo rows start from real ARM examples", () => {
  const realKinds: readonly { type: string; kind: keyof typeof realExamples; dropped: readonly string[] }[] =
    [
      { type: "microsoft.network/virtualnetworks", kind: "virtualNetwork", dropped: [] },
      { type: "microsoft.network/networksecuritygroups", kind: "networkSecurityGroup", dropped: [] },
      {
        type: "microsoft.network/loadbalancers",
        kind: "loadBalancer",
        dropped: ["inboundNatPools", "inboundNatRules", "probes", "scope"],
      },
      {
        type: "microsoft.network/privateendpoints",
        kind: "privateEndpoint",
        dropped: ["ipConfigurations", "customNetworkInterfaceName"],
      },
      {
        type: "microsoft.network/networkinterfaces",
        kind: "networkInterface",
        dropped: ["virtualMachine", "networkSecurityGroup", "dscpConfiguration", "dnsSettings"],
      },
      {
        type: "microsoft.network/azurefirewalls",
        kind: "azureFirewall",
        dropped: ["ipGroups", "autoscaleConfiguration"],
      },
      {
        type: "microsoft.network/firewallpolicies/rulecollectiongroups",
        kind: "ruleCollectionGroup",
        dropped: ["size"],
      },
      { type: "microsoft.network/ipgroups", kind: "ipGroup", dropped: [] },
      {
        type: "microsoft.containerservice/managedclusters",
        kind: "managedCluster",
        dropped: [
          "servicePrincipalProfile",
          "diskEncryptionSetID",
          "linuxProfile",
          "upgradeSettings",
          "azurePortalFQDN",
        ],
      },
      { type: "microsoft.authorization/roleassignments", kind: "roleAssignment", dropped: [] },
      {
        type: "microsoft.authorization/roledefinitions",
        kind: "roleDefinition",
        dropped: ["createdBy", "updatedBy"],
      },
    ];
  const current = fleet
    .filter(([name]) => name.startsWith("fleet/"))
    .flatMap(([, content]) => Object.values(JSON.parse(content) as Record<string, Row[]>).flat());
  for (const { type, kind, dropped } of realKinds) {
    it(`${type} rows carry the properties of ${realExamples[kind]}`, () => {
      const file = realExamples[kind];
      const path = file.startsWith("test/fixtures/")
        ? join(import.meta.dirname, "../..", file)
        : join(import.meta.dirname, "../../../shared/fixtures/arm-examples", file);
      interface Body {
        properties?: object;
        value?: { properties: object }[];
      }
      const example = JSON.parse(readFileSync(path, "utf8")) as Body & {
        responses?: { "200": { body: Body } };
      };
      const body = example.responses?.["200"].body ?? example;
      const expected = Object.keys(body.value?.[0]?.properties ?? body.properties ?? {}).filter(
        (key) => !dropped.includes(key),
      );
      const rows = current.filter((row) => row.type === type);
      assert.ok(rows.length > 0, `the demo has no ${type}`);
      for (const row of rows) {
        const present = Object.keys(row.properties as object);
        const missing = expected.filter((key) => !present.includes(key) && !optional(type, key));
        assert.deepEqual(missing, [], row.id);
      }
    });
  }
});

/**
 * Properties a scenario may lack: ARM leaves `fqdn` out of a private cluster, and one NSG leaves out its
 * `defaultSecurityRules` so the normalizer's synthesis shows (the fleet README says so).
 */
function optional(type: string, key: string): boolean {
  return (
    (type === "microsoft.containerservice/managedclusters" && key === "fqdn") ||
    (type === "microsoft.network/networksecuritygroups" && key === "defaultSecurityRules")
  );
}

// A rule built from the real example must not keep the example's singular value beside its own plural one:
// `sourceAddressPrefix: "*"` next to `sourceAddressPrefixes` would widen the rule to every source.
describe("demo security rules carry one form of each field", () => {
  const pairs = ["sourceAddressPrefix", "destinationAddressPrefix", "destinationPortRange"] as const;
  for (const [name, content] of fleet) {
    it(`${name}: no rule has both the singular and a non-empty plural field`, () => {
      const clashes: string[] = [];
      for (const row of Object.values(JSON.parse(content) as Record<string, Row[]>).flat()) {
        if (row.type !== "microsoft.network/networksecuritygroups") continue;
        const properties = row.properties as {
          securityRules?: { id: string; properties: Record<string, unknown> }[];
        };
        for (const rule of properties.securityRules ?? [])
          for (const field of pairs) {
            const plural = rule.properties[`${field}es`] ?? rule.properties[`${field}s`];
            if (rule.properties[field] !== undefined && Array.isArray(plural) && plural.length > 0)
              clashes.push(`${rule.id} ${field}`);
          }
      }
      assert.deepEqual(clashes, []);
    });
  }
});
