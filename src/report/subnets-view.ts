// Subnet capacity as the workbook lists it, read back from the two IP-exhaustion rules' evidence.
import { numberIn, stringsIn } from "../findings/evidence.ts";
import type { Result } from "../findings/result.ts";
import type { CsvValue } from "./csv.ts";
import { armName } from "./evidence-view.ts";

const subnetRules: Readonly<Record<string, string>> = {
  "apiserver-subnet-ip-exhaustion": "API server",
  "node-subnet-ip-exhaustion": "node",
};

// Azure reserves the first four addresses and the last one of every subnet prefix.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets
const azureReservedPerPrefix = 5;

export const subnetColumns = [
  "subnetName",
  "role",
  "status",
  "severity",
  "addressPrefixes",
  "capacity",
  "used",
  "free",
  "reserved",
  "utilisation",
  "neededAtPeak",
  "subnetId",
] as const;

function cellOf(value: number | undefined): CsvValue {
  return value === undefined ? "" : value;
}

/** One row a subnet one of the rules sized; a subnet the rule could not size has empty figures. */
export function subnetRows(results: readonly Result[]): (readonly CsvValue[])[] {
  return results.flatMap((result) => {
    const role = subnetRules[result.ruleId];
    if (role === undefined) return [];
    const prefixes = stringsIn(result.evidence, "ipv4Prefixes");
    const capacity = numberIn(result.evidence, "capacity");
    const used = numberIn(result.evidence, "used");
    const free = capacity !== undefined && used !== undefined ? capacity - used : undefined;
    const utilisation =
      capacity !== undefined && used !== undefined && capacity > 0
        ? Math.round((used / capacity) * 1000) / 10
        : undefined;
    return [
      [
        armName(result.resourceId),
        role,
        result.status,
        result.severity,
        prefixes.join(", "),
        cellOf(capacity),
        cellOf(used),
        cellOf(free),
        prefixes.length > 0 ? prefixes.length * azureReservedPerPrefix : "",
        cellOf(utilisation),
        cellOf(numberIn(result.evidence, "peak") ?? numberIn(result.evidence, "reservedForClusters")),
        result.resourceId,
      ],
    ];
  });
}
