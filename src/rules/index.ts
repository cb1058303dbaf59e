// The rule registry: every rule, listed by hand and sorted by id, so adding one is a visible, reviewed change.
import type { Rule } from "./define.ts";
import apiserverSubnetIpExhaustion from "./apiserver-subnet-ip-exhaustion.ts";
import apiserverSubnetMisconfigured from "./apiserver-subnet-misconfigured.ts";
import apiserverSubnetTooSmall from "./apiserver-subnet-too-small.ts";
import clusterIdentityMissingSubnetRole from "./cluster-identity-missing-subnet-role.ts";
import clusterNotVnetIntegrated from "./cluster-not-vnet-integrated.ts";
import conversionBlocked from "./conversion-blocked.ts";
import enablementRestartUnverified from "./enablement-restart-unverified.ts";
import nodeSubnetIpExhaustion from "./node-subnet-ip-exhaustion.ts";
import nsgBlocksApiserverTraffic from "./nsg-blocks-apiserver-traffic.ts";
import rulePinnedToApiserverIp from "./rule-pinned-to-apiserver-ip.ts";
import rulePinnedToOldApiserverIp from "./rule-pinned-to-old-apiserver-ip.ts";

export const rules: readonly Rule[] = [
  apiserverSubnetIpExhaustion,
  apiserverSubnetMisconfigured,
  apiserverSubnetTooSmall,
  clusterIdentityMissingSubnetRole,
  clusterNotVnetIntegrated,
  conversionBlocked,
  enablementRestartUnverified,
  nodeSubnetIpExhaustion,
  nsgBlocksApiserverTraffic,
  rulePinnedToApiserverIp,
  rulePinnedToOldApiserverIp,
];
