// Writes the issue 11 scale inputs: one file with millions of bad list elements, one cluster with 10^6 agent pools.
import { createWriteStream } from "node:fs";
import { once } from "node:events";

const subscription = "/subscriptions/11111111-1111-1111-1111-111111111111";
const vnetId = `${subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-bad`;
const nsgId = `${subscription}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-bad`;
const clusterId = `${subscription}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-bad`;
const nodeSubnetId = `${vnetId}/subnets/nodes`;

export const badInputs = ["empty-subnets", "non-object-rules", "agent-pools"] as const;
export type BadInput = (typeof badInputs)[number];

function vnet(extraSubnets: string): string {
  const subnets = [
    { id: nodeSubnetId, name: "nodes", properties: { addressPrefix: "10.0.0.0/16" } },
    {
      id: `${vnetId}/subnets/apiserver`,
      name: "apiserver",
      properties: {
        addressPrefix: "10.1.0.0/28",
        networkSecurityGroup: { id: nsgId },
        delegations: [
          { name: "aks", properties: { serviceName: "Microsoft.ContainerService/managedClusters" } },
        ],
      },
    },
  ];
  const listed = JSON.stringify(subnets).slice(0, -1);
  return JSON.stringify({
    id: vnetId,
    name: "vnet-bad",
    type: "Microsoft.Network/virtualNetworks",
    properties: { addressSpace: { addressPrefixes: ["10.0.0.0/8"] }, subnets: "@subnets" },
  }).replace('"@subnets"', `${listed}${extraSubnets}]`);
}

function cluster(pools: string): string {
  return JSON.stringify({
    id: clusterId,
    name: "aks-bad",
    type: "Microsoft.ContainerService/managedClusters",
    properties: {
      nodeResourceGroup: "MC_rg-aks_aks-bad",
      apiServerAccessProfile: { enableVnetIntegration: true, subnetId: `${vnetId}/subnets/apiserver` },
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" },
      agentPoolProfiles: "@pools",
    },
  }).replace('"@pools"', pools);
}

/** Repeats `element` `count` times as the items of a JSON list, written in chunks (the text exceeds V8's string limit). */
async function writeList(
  write: (text: string) => Promise<void>,
  count: number,
  element: (index: number) => string,
): Promise<void> {
  const chunk = 10_000;
  for (let start = 0; start < count; start += chunk) {
    const parts: string[] = [];
    for (let index = start; index < Math.min(count, start + chunk); index++)
      parts.push(`${index === 0 ? "" : ","}${element(index)}`);
    await write(parts.join(""));
  }
}

/** Writes one of the inputs to `path`; returns its size in bytes. */
export async function writeBadInput(kind: BadInput, count: number, path: string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  const onePool = `[{"name":"system","count":3,"vmSize":"Standard_D4s_v5","vnetSubnetID":"${nodeSubnetId}"}]`;
  await write('{"resources":[');
  if (kind === "empty-subnets") {
    // The example: a VNet whose subnet list holds millions of `{}`.
    const [head = "", tail = ""] = vnet("@more").split("@more");
    await write(head);
    await write(",");
    await writeList(write, count, () => "{}");
    await write(`${tail},${cluster(onePool)}`);
  } else if (kind === "non-object-rules") {
    // The other example: an NSG whose securityRules are millions of numbers (dropped rules, exit 3).
    const [head = "", tail = ""] = JSON.stringify({
      id: nsgId,
      name: "nsg-bad",
      type: "Microsoft.Network/networkSecurityGroups",
      properties: { securityRules: "@rules" },
    }).split('"@rules"');
    await write(`${vnet("")},${cluster(onePool)},${head}[`);
    await writeList(write, count, () => "7");
    await write(`]${tail}`);
  } else {
    // One cluster with `count` distinct pools on the node subnet.
    const [head = "", tail = ""] = cluster("@pools").split("@pools");
    await write(`${vnet("")},${head}[`);
    await writeList(
      write,
      count,
      (index) =>
        `{"name":"p${index}","count":1,"vmSize":"Standard_D4s_v5","maxPods":30,"vnetSubnetID":"${nodeSubnetId}"}`,
    );
    await write(`]${tail}`);
  }
  await write("]}\n");
  out.end();
  await once(out, "finish");
  return bytes;
}

if (import.meta.main) {
  const [kind = "", count = "0", path = ""] = process.argv.slice(2);
  if (!(badInputs as readonly string[]).includes(kind)) throw new Error(`unknown input ${kind}`);
  const bytes = await writeBadInput(kind as BadInput, Number(count), path);
  process.stdout.write(`${JSON.stringify({ bytes })}\n`);
}
