// Evidence for humans: labelled lines and small tables, absent values left out, ARM ids shortened to their names.
import { evidenceValueMaxLength } from "./limits.ts";

/** A value as a reader sees it: short text, and the full text (an ARM id) when it was shortened. */
export interface EvidenceValue {
  readonly text: string;
  /** The whole ARM id behind a shortened name; empty when `text` is the whole value. */
  readonly full: string;
}

export interface EvidenceLine {
  readonly label: string;
  readonly values: readonly EvidenceValue[];
}

export interface EvidenceTable {
  readonly label: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly EvidenceValue[])[];
  /** `12 more in findings.json`, or empty. */
  readonly moreLabel: string;
}

export interface EvidenceView {
  readonly lines: readonly EvidenceLine[];
  readonly tables: readonly EvidenceTable[];
  /** Lines and tables together, so a template can skip the block when there is nothing to show. */
  readonly count: number;
}

/** A small table stays small: the rest of a long list is in findings.json. */
const tableRowsShown = 10;
const tableColumnsShown = 6;
const listValuesShown = 10;

// Words Azure writes in capitals; everything else in a camelCase key becomes lower case.
const acronyms: Readonly<Record<string, string>> = {
  id: "ID",
  ids: "IDs",
  ip: "IP",
  ips: "IPs",
  nsg: "NSG",
  nsgs: "NSGs",
  vnet: "VNet",
  vnets: "VNets",
  fqdn: "FQDN",
  dns: "DNS",
  tcp: "TCP",
  cidr: "CIDR",
  arm: "ARM",
  aks: "AKS",
  vm: "VM",
  lb: "LB",
  ipv4: "IPv4",
  ipv6: "IPv6",
  api: "API",
};

/** Keys come from rules and from resource data (tags), so the cache is bounded like the prefix cache. */
const labelsKept = 10_000;
const sentenceLabels = new Map<string, string>();
const innerLabels = new Map<string, string>();

/** `apiServerSubnetId` → `API server subnet ID`; `sentenceStart` false leaves the first word lower case. */
export function labelOf(key: string, sentenceStart = true): string {
  // A fleet's evidence repeats a few hundred keys across 100,000 results: each label is worked out once.
  const labels = sentenceStart ? sentenceLabels : innerLabels;
  let label = labels.get(key);
  if (label === undefined) {
    label = labelOfWords(key, sentenceStart);
    if (labels.size < labelsKept) labels.set(key, label);
  }
  return label;
}

function labelOfWords(key: string, sentenceStart: boolean): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .split(/\s+/)
    .map((word) => acronyms[word.toLowerCase()] ?? word.toLowerCase());
  const [first = "", ...rest] = words;
  const capitalised = sentenceStart && first === first.toLowerCase();
  return [capitalised ? first.charAt(0).toUpperCase() + first.slice(1) : first, ...rest].join(" ");
}

const armIdPattern = /^\/subscriptions\/[^/]+\/.+/i;

/** The last name in an ARM id (`…/subnets/snet-a` → `snet-a`), or the text itself. */
export function armName(id: string): string {
  // Found by index rather than split and filtered: the report names each of a fleet's 18,000 listed results.
  let end = id.length;
  while (end > 0 && id.charCodeAt(end - 1) === slash) end--;
  return end === 0 ? id : id.slice(id.lastIndexOf("/", end - 1) + 1, end);
}

const slash = "/".charCodeAt(0);

function clip(text: string): string {
  return text.length > evidenceValueMaxLength ? `${text.slice(0, evidenceValueMaxLength)}…` : text;
}

/** Absent means nothing to say: null, undefined, empty text, empty lists and objects with nothing in them. */
function isAbsent(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.every(isAbsent);
  if (typeof value === "object") return Object.values(value).every(isAbsent);
  return false;
}

function scalarValue(value: unknown): EvidenceValue {
  if (typeof value === "string") {
    return armIdPattern.test(value) ? { text: armName(value), full: value } : { text: clip(value), full: "" };
  }
  if (typeof value === "boolean") return { text: value ? "yes" : "no", full: "" };
  if (typeof value === "number" || typeof value === "bigint") return { text: String(value), full: "" };
  return { text: clip(describeObject(value)), full: "" };
}

/** A nested object inside a table cell or a list: `key value; key value`, absent fields left out. */
function describeObject(value: unknown): string {
  if (Array.isArray(value))
    return value
      .filter((item) => !isAbsent(item))
      .map(describeObject)
      .join(", ");
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .filter(([, item]) => !isAbsent(item))
      .map(([key, item]) => `${labelOf(key, false)} ${describeObject(item)}`)
      .join("; ");
  }
  if (typeof value === "string") return armIdPattern.test(value) ? armName(value) : value;
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function moreLabel(more: number): string {
  return more > 0 ? `${String(more)} more in findings.json` : "";
}

function tableOf(label: string, items: readonly Readonly<Record<string, unknown>>[]): EvidenceTable {
  const keys: string[] = [];
  for (const item of items) {
    for (const [key, value] of Object.entries(item))
      if (!isAbsent(value) && !keys.includes(key)) keys.push(key);
  }
  const shownKeys = keys.slice(0, tableColumnsShown);
  return {
    label,
    columns: shownKeys.map((key) => labelOf(key)),
    rows: items
      .slice(0, tableRowsShown)
      .map((item) =>
        shownKeys.map((key) => (isAbsent(item[key]) ? { text: "", full: "" } : scalarValue(item[key]))),
      ),
    moreLabel: moreLabel(items.length - tableRowsShown),
  };
}

/**
 * Evidence as lines (`Label: value, value`) and tables (a list of objects). Keys in `skip` have a section of
 * their own (the conversion plan). A nested object becomes lines labelled `Parent child`.
 */
export function evidenceView(
  evidence: Readonly<Record<string, unknown>>,
  skip: ReadonlySet<string> = new Set(),
): EvidenceView {
  const lines: EvidenceLine[] = [];
  const tables: EvidenceTable[] = [];
  const visit = (key: string, value: unknown, prefix: string): void => {
    if (skip.has(key) || isAbsent(value)) return;
    const label = prefix ? `${prefix} ${labelOf(key, false)}` : labelOf(key);
    if (Array.isArray(value)) {
      const present = value.filter((item) => !isAbsent(item));
      if (present.every(isPlainObject)) {
        tables.push(tableOf(label, present));
        return;
      }
      const values = present.slice(0, listValuesShown).map(scalarValue);
      const more = present.length - listValuesShown;
      lines.push({
        label,
        values: more > 0 ? [...values, { text: `and ${String(more)} more`, full: "" }] : values,
      });
      return;
    }
    if (isPlainObject(value)) {
      for (const [childKey, child] of Object.entries(value)) visit(childKey, child, label);
      return;
    }
    lines.push({ label, values: [scalarValue(value)] });
  };
  for (const [key, value] of Object.entries(evidence)) visit(key, value, "");
  return { lines, tables, count: lines.length + tables.length };
}
