// One id twice in the input: keep the newer state of the resource (DESIGN §3) and say which copy was kept.
import type { SourceRef } from "./model.ts";
import { nonEmpty, type Node } from "./read.ts";

/** What says how recent one copy of a resource is. */
export interface Recency {
  /** `systemData.lastModifiedAt` as written, when it parses as a time. */
  readonly lastModifiedAt: string | undefined;
  /** `properties.provisioningState` as written. */
  readonly provisioningState: string | undefined;
}

/**
 * Provisioning states of an operation still running; the copy taken then is older than the state it leads to.
 * Values AKS and Microsoft.Network write while an operation runs; anything else (Succeeded, Failed, Canceled) is settled.
 */
const transitionalStates: ReadonlySet<string> = new Set([
  "accepted",
  "creating",
  "updating",
  "deleting",
  "upgrading",
  "scaling",
  "starting",
  "stopping",
  "migrating",
  "canceling",
  "provisioning",
]);

export function readRecency(row: Node): Recency {
  const lastModifiedAt = nonEmpty(row.object("systemData").string("lastModifiedAt"));
  return {
    lastModifiedAt:
      lastModifiedAt !== undefined && Number.isFinite(Date.parse(lastModifiedAt))
        ? lastModifiedAt
        : undefined,
    provisioningState: nonEmpty(row.object("properties").string("provisioningState")),
  };
}

function isSettled(recency: Recency): boolean | undefined {
  const state = recency.provisioningState?.toLowerCase();
  return state === undefined ? undefined : !transitionalStates.has(state);
}

export interface DuplicateVerdict {
  /** True when the copy read now replaces the one kept so far. */
  readonly replace: boolean;
  /** Why, in words for the diagnostic. */
  readonly reason: string;
}

/** `systemData.lastModifiedAt`; else a settled provisioningState over a running one; else the later row. */
export function newerCopy(kept: Recency, candidate: Recency): DuplicateVerdict {
  if (kept.lastModifiedAt !== undefined && candidate.lastModifiedAt !== undefined) {
    const difference = Date.parse(candidate.lastModifiedAt) - Date.parse(kept.lastModifiedAt);
    if (difference !== 0) {
      const newer = difference > 0 ? candidate : kept;
      return { replace: difference > 0, reason: `newer systemData.lastModifiedAt ${newer.lastModifiedAt}` };
    }
  }
  const keptSettled = isSettled(kept);
  const candidateSettled = isSettled(candidate);
  if (keptSettled !== undefined && candidateSettled !== undefined && keptSettled !== candidateSettled) {
    const settled = candidateSettled ? candidate : kept;
    const running = candidateSettled ? kept : candidate;
    return {
      replace: candidateSettled,
      reason: `provisioningState ${settled.provisioningState} is settled, ${running.provisioningState} was still running`,
    };
  }
  return { replace: true, reason: "no timestamp or provisioning state tells them apart, so the later row" };
}

function where(source: SourceRef): string {
  return `${source.origin} row ${source.row}`;
}

export function duplicateMessage(id: string, kept: SourceRef, dropped: SourceRef, reason: string): string {
  return `duplicate id ${id}: kept the copy in ${where(kept)} (${reason}), dropped the one in ${where(dropped)}; remove the older copy from the input`;
}
