// The `az` commands of a conversion plan, shell-safe, because every name and id in them comes from scanned data.
import { managedClustersDelegation } from "../inventory/relations.ts";

/** Azure CLI 2.73.0 added `--enable-apiserver-vnet-integration` to `az aks update` for existing clusters. */
export const minimumAzureCliVersion = "2.73.0";

const networkContributor = "Network Contributor";
const safeWord = /^[A-Za-z0-9_./:-]+$/;

/**
 * One POSIX shell word: as is when it holds only `[A-Za-z0-9_./:-]`, else single-quoted with every embedded
 * quote written as `'\''`, so a resource named `x'; rm -rf /` stays one argument.
 */
export function shellQuote(value: string): string {
  return safeWord.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

function command(words: readonly string[], options: readonly Option[]): string {
  const parts = [...words];
  for (const [flag, value] of options)
    parts.push(value === undefined ? flag : `${flag} ${shellQuote(value)}`);
  return parts.join(" ");
}

export interface SubnetToCreate {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly vnetName: string;
  readonly name: string;
  readonly addressPrefix: string;
}

export function createSubnetCommand(subnet: SubnetToCreate): string {
  return command(
    ["az", "network", "vnet", "subnet", "create"],
    [
      ["--resource-group", subnet.resourceGroup],
      ["--vnet-name", subnet.vnetName],
      ["--name", subnet.name],
      ["--address-prefixes", subnet.addressPrefix],
      ["--delegations", managedClustersDelegation],
      ["--subscription", subnet.subscriptionId],
    ],
  );
}

export function roleAssignmentCommand(principalId: string, scope: string): string {
  return command(
    ["az", "role", "assignment", "create"],
    [
      ["--assignee-object-id", principalId],
      ["--assignee-principal-type", "ServicePrincipal"],
      ["--role", networkContributor],
      ["--scope", scope],
    ],
  );
}

export interface ClusterToConvert {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

type Option = readonly [flag: string, value?: string];

function clusterOptions(cluster: ClusterToConvert, ...extra: readonly Option[]): Option[] {
  return [
    ["--resource-group", cluster.resourceGroup],
    ["--name", cluster.name],
    ...extra,
    ["--subscription", cluster.subscriptionId],
  ];
}

/** Without `apiServerSubnetId` (an AKS-managed VNet) AKS creates the API server subnet itself. */
export function enableIntegrationCommand(
  cluster: ClusterToConvert,
  apiServerSubnetId: string | undefined,
): string {
  const subnetOption: Option[] =
    apiServerSubnetId === undefined ? [] : [["--apiserver-subnet-id", apiServerSubnetId]];
  return command(
    ["az", "aks", "update"],
    clusterOptions(cluster, ["--enable-apiserver-vnet-integration"], ...subnetOption),
  );
}

/** The feature takes effect only once the control plane restarts, so stop and start follow the update at once. */
export function restartCommands(cluster: ClusterToConvert): string[] {
  return [
    command(["az", "aks", "stop"], clusterOptions(cluster)),
    command(["az", "aks", "start"], clusterOptions(cluster)),
  ];
}

/**
 * An `az aks …` command on the cluster. `literal` words are this tool's own constants (flags and `"${VAR:?…}"`
 * placeholders the operator fills in), written as they are; every scanned name and id is quoted.
 */
export function clusterCommand(
  words: readonly string[],
  cluster: ClusterToConvert,
  literal: readonly string[] = [],
): string {
  const options = clusterOptions(cluster);
  const subscription = options.pop()!;
  return [command(words, options), ...literal, command([], [subscription])].join(" ");
}
