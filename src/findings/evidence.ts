// Readers of result evidence. Evidence is a plain record by contract; each reader takes one field of the shape its
// rule writes, or nothing, so a renderer or the planner never trusts a field it did not check.
import type { Evidence } from "./result.ts";

export function numberIn(evidence: Evidence | undefined, field: string): number | undefined {
  const value = evidence?.[field];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function stringIn(evidence: Evidence | undefined, field: string): string | undefined {
  const value = evidence?.[field];
  return typeof value === "string" ? value : undefined;
}

export function stringsIn(evidence: Evidence | undefined, field: string): string[] {
  return recordsIn(evidence, field, (value) => (typeof value === "string" ? value : undefined));
}

function asObject(value: unknown): Evidence | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Evidence)
    : undefined;
}

export function objectIn(evidence: Evidence | undefined, field: string): Evidence | undefined {
  return asObject(evidence?.[field]);
}

export function objectsIn(evidence: Evidence | undefined, field: string): Evidence[] {
  return recordsIn(evidence, field, asObject);
}

function recordsIn<T>(
  evidence: Evidence | undefined,
  field: string,
  read: (value: unknown) => T | undefined,
): T[] {
  const value = evidence?.[field];
  if (!Array.isArray(value)) return [];
  return value.map(read).filter((item): item is T => item !== undefined);
}
