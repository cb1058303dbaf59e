// One NSG security rule as the normalizer reads it (src/inventory/nsg.ts) and the flow evaluation decides with.

export const securityRuleDirections = ["Inbound", "Outbound"] as const;
export type SecurityRuleDirection = (typeof securityRuleDirections)[number];

export interface SecurityRule {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  /** Lower-cased id of the NSG that holds the rule. */
  readonly nsgKey: string;
  readonly isDefault: boolean;
  readonly priority: number;
  readonly direction: SecurityRuleDirection;
  readonly access: "Allow" | "Deny";
  /** `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `*`. */
  readonly protocol: string;
  /** `sourceAddressPrefix` + `sourceAddressPrefixes` merged. */
  readonly sourceAddressPrefixes: readonly string[];
  readonly destinationAddressPrefixes: readonly string[];
  readonly sourcePortRanges: readonly string[];
  readonly destinationPortRanges: readonly string[];
  readonly sourceApplicationSecurityGroupIds: readonly string[];
  readonly destinationApplicationSecurityGroupIds: readonly string[];
  readonly description: string | undefined;
}
