// The real payloads every demo builder starts from: Microsoft's ARM examples in the REST API specifications
// (`../shared/fixtures/arm-examples/`, copied byte for byte there). A builder keeps the example's field names,
// casing and the fields Azure fills in, and changes only names, addresses and the fields its scenario needs. It
// drops the example's references to resources the demo does not have, so every reference in the demo resolves
// (test/examples/demo-fleet-ids.test.ts). Only `properties` and the elements inside it are taken: Resource Graph
// rows have fixed top-level columns (id, name, type, tenantId, location, sku, …), not an ARM body's `etag`.
import { readFileSync } from "node:fs";
import type { Json } from "./arm.ts";

type JsonObject = { readonly [key: string]: Json | undefined };

const examplesFolder = new URL("../../../shared/fixtures/arm-examples/", import.meta.url);
/** Real payloads the project keeps itself, each named with its source in test/fixtures/README.md. */
const fixturesFolder = new URL("../../test/fixtures/", import.meta.url);

/** The example files a builder may start from, by resource kind. */
export const realExamples = {
  virtualNetwork: "net-VirtualNetworkGetWithSubnetDelegation.json",
  networkSecurityGroup: "net-NetworkSecurityGroupGet.json",
  loadBalancer: "net-LoadBalancerGet.json",
  privateEndpoint: "net-PrivateEndpointGet.json",
  networkInterface: "net-NetworkInterfaceGet.json",
  azureFirewall: "net-AzureFirewallGet.json",
  ruleCollectionGroup: "net-FirewallPolicyRuleCollectionGroupGet.json",
  ipGroup: "net-IpGroupsGet.json",
  managedCluster: "aks-ManagedClustersGet.json",
  roleAssignment: "authz-RoleAssignments_Get.json",
  roleDefinition: "test/fixtures/authz-RoleDefinitions_List.json",
} as const;

function exampleUrl(file: string): URL {
  return file.startsWith("test/fixtures/")
    ? new URL(file.slice("test/fixtures/".length), fixturesFolder)
    : new URL(file, examplesFolder);
}

const cache = new Map<string, JsonObject>();

/** The resource in an example: the 200 response body, or its first `value[]` element for a list. */
function exampleResource(file: string): JsonObject {
  const cached = cache.get(file);
  if (cached) return cached;
  // A REST API spec example wraps the resource in `responses`; a kept ARM list is the `{value}` body itself.
  type Body = JsonObject & { value?: JsonObject[] };
  const example = JSON.parse(readFileSync(exampleUrl(file), "utf8")) as Body & {
    responses?: Record<string, { body?: Body }>;
  };
  const body: Body | undefined = example.responses ? example.responses["200"]?.body : example;
  const resource: JsonObject | undefined = body?.value?.[0] ?? body;
  if (!resource || typeof resource.properties !== "object")
    throw new Error(`demo fleet: ${file} has no resource with properties in its 200 response`);
  cache.set(file, resource);
  return resource;
}

function asObject(value: Json | undefined, what: string): JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`demo fleet: ${what} is not an object in the real example`);
  return value as JsonObject;
}

/** A copy of `object` without the `drop` keys: the example's references to resources the demo lacks. */
function without(object: JsonObject, drop: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !drop.includes(key)));
}

/**
 * The real example's `properties` with `scenario` laid over them. `drop` names the example fields that point at
 * resources the demo does not have; a scenario key set to undefined removes the example's value.
 */
export function realProperties(
  kind: keyof typeof realExamples,
  drop: readonly string[],
  scenario: JsonObject,
): JsonObject {
  const file = realExamples[kind];
  const properties = asObject(exampleResource(file).properties, `${file} properties`);
  return { ...without(properties, drop), ...scenario };
}

/**
 * An element of a list inside the example's `properties` (`subnets`, `securityRules`, `agentPoolProfiles`, …),
 * with `scenario` laid over it. Elements that carry their own `properties` get `scenarioProperties` laid there.
 */
export function realElement(
  kind: keyof typeof realExamples,
  path: readonly string[],
  drop: readonly string[],
  scenario: JsonObject,
  scenarioProperties?: JsonObject,
): JsonObject {
  const file = realExamples[kind];
  let node: Json | undefined = exampleResource(file).properties;
  for (const key of path) {
    const container: Json | undefined = asObject(node, `${file} ${path.join(".")}`)[key];
    node = Array.isArray(container) ? (container as readonly Json[])[0] : container;
  }
  const element = without(asObject(node, `${file} ${path.join(".")}`), [
    "id",
    "name",
    "etag",
    "eTag",
    ...drop,
  ]);
  if (scenarioProperties === undefined) return { ...element, ...scenario };
  const properties = without(asObject(element.properties, `${file} ${path.join(".")}.properties`), drop);
  return { ...element, ...scenario, properties: { ...properties, ...scenarioProperties } };
}
