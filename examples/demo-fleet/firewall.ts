// Row builders for the demo fleet's firewalls: classic Azure Firewall, Firewall Policy rule collection groups, IP groups.
import { guid, idRef, resourceId, resourceRow } from "./arm.ts";
import type { Json, Placement, Row } from "./arm.ts";
import { realElement, realProperties } from "./real-shapes.ts";

export interface ClassicRuleCollection {
  readonly name: string;
  readonly priority: number;
  readonly action: "Allow" | "Deny" | "Dnat";
  /** Rules as ARM writes them inside `properties.rules`. */
  readonly rules: readonly Json[];
}

export interface AzureFirewallShape {
  readonly name: string;
  readonly subnetId: string;
  readonly privateIpAddress: string;
  readonly publicIpName: string;
  readonly networkRuleCollections: readonly ClassicRuleCollection[];
  readonly natRuleCollections: readonly ClassicRuleCollection[];
  readonly applicationRuleCollections: readonly ClassicRuleCollection[];
}

/** The id a subnet lists in `ipConfigurations` for the firewall. */
export function azureFirewallIpConfigurationId(at: Placement, firewallName: string): string {
  return `${resourceId(at, "Microsoft.Network/azureFirewalls", firewallName)}/azureFirewallIpConfigurations/ipconfig1`;
}

function classicCollections(
  firewallId: string,
  kind: string,
  collections: readonly ClassicRuleCollection[],
): Json {
  return collections.map((collection) =>
    realElement(
      "azureFirewall",
      [kind],
      [],
      { name: collection.name, id: `${firewallId}/${kind}/${collection.name}` },
      { action: { type: collection.action }, priority: collection.priority, rules: collection.rules },
    ),
  );
}

export function azureFirewall(at: Placement, shape: AzureFirewallShape): Row {
  const firewallId = resourceId(at, "Microsoft.Network/azureFirewalls", shape.name);
  return resourceRow(at, "Microsoft.Network/azureFirewalls", shape.name, {
    // The example's `ipGroups` back-references and autoscale settings are that firewall's, not the demo's.
    properties: realProperties("azureFirewall", ["ipGroups", "autoscaleConfiguration"], {
      provisioningState: "Succeeded",
      sku: { name: "AZFW_VNet", tier: "Standard" },
      threatIntelMode: "Alert",
      ipConfigurations: [
        realElement(
          "azureFirewall",
          ["ipConfigurations"],
          [],
          { name: "ipconfig1", id: azureFirewallIpConfigurationId(at, shape.name) },
          {
            privateIPAddress: shape.privateIpAddress,
            subnet: idRef(shape.subnetId),
            publicIPAddress: idRef(resourceId(at, "Microsoft.Network/publicIPAddresses", shape.publicIpName)),
          },
        ),
      ],
      networkRuleCollections: classicCollections(
        firewallId,
        "networkRuleCollections",
        shape.networkRuleCollections,
      ),
      natRuleCollections: classicCollections(firewallId, "natRuleCollections", shape.natRuleCollections),
      applicationRuleCollections: classicCollections(
        firewallId,
        "applicationRuleCollections",
        shape.applicationRuleCollections,
      ),
    }),
  });
}

export interface PolicyRuleCollection {
  readonly name: string;
  readonly priority: number;
  readonly action: "Allow" | "Deny";
  readonly rules: readonly Json[];
}

/** A rule collection group lives in the `networkresources` table, under its policy's id. */
export function firewallPolicyRuleCollectionGroup(
  at: Placement,
  policyName: string,
  groupName: string,
  priority: number,
  collections: readonly PolicyRuleCollection[],
): Row {
  const row = resourceRow(
    at,
    "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
    `${policyName}/${groupName}`,
    {
      // `size` is the group's own figure in the example; the demo does not compute one.
      properties: realProperties("ruleCollectionGroup", ["size"], {
        provisioningState: "Succeeded",
        priority,
        ruleCollections: collections.map((collection) =>
          realElement("ruleCollectionGroup", ["ruleCollections"], [], {
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: collection.name,
            priority: collection.priority,
            action: { type: collection.action },
            rules: collection.rules,
          }),
        ),
      }),
    },
  );
  // ARG names a child resource by its last segment, while its id carries the parent's path.
  return { ...row, name: groupName };
}

export function ipGroup(
  at: Placement,
  name: string,
  ipAddresses: readonly string[],
  firewallPolicyIds: readonly string[],
): Row {
  return resourceRow(at, "Microsoft.Network/ipGroups", name, {
    properties: realProperties("ipGroup", [], {
      provisioningState: "Succeeded",
      ipAddresses,
      firewalls: [],
      firewallPolicies: firewallPolicyIds.map(idRef),
    }),
  });
}

export interface FirewallPolicyShape {
  readonly name: string;
  /** Names of the policy's rule collection groups, listed in `properties.ruleCollectionGroups[]`. */
  readonly ruleCollectionGroups: readonly string[];
  /** The parent policy whose rules this policy's firewalls enforce too. */
  readonly basePolicyId?: string;
  readonly childPolicyIds?: readonly string[];
}

/**
 * A `microsoft.network/firewallpolicies` row: it lists its rule collection groups by id, the cross-check for
 * the groups read from `networkresources`, and names its `basePolicy` / `childPolicies`, as the Firewall
 * Policies REST API returns them.
 */
export function firewallPolicy(at: Placement, shape: FirewallPolicyShape): Row {
  return resourceRow(at, "Microsoft.Network/firewallPolicies", shape.name, {
    properties: {
      provisioningState: "Succeeded",
      sku: { tier: "Standard" },
      threatIntelMode: "Alert",
      resourceGuid: guid(`policy:${shape.name}`),
      ruleCollectionGroups: shape.ruleCollectionGroups.map((group) =>
        idRef(
          resourceId(at, "Microsoft.Network/firewallPolicies/ruleCollectionGroups", `${shape.name}/${group}`),
        ),
      ),
      basePolicy: shape.basePolicyId ? idRef(shape.basePolicyId) : undefined,
      childPolicies: (shape.childPolicyIds ?? []).map(idRef),
      firewalls: [],
    },
  });
}
