// The blob run store's lock: a lease on `<prefix>lock` that keeps two scans of one container from interleaving.
import { ContainerClient, RestError } from "@azure/storage-blob";
import type { RunStoreLock } from "./backend.ts";
import { StateLockError, waitForLock } from "./lock.ts";

/** Lowest lease Azure grants is 15 s, highest 60 s; a killed scan's lease lapses within this. */
const leaseSeconds = 60;
const renewEveryMs = 15_000;

/**
 * A 60 s lease on the lock blob, renewed while held. A scan that dies stops renewing, so its lease lapses and the
 * next scan takes over; until then the next scan waits.
 */
export async function leaseLock(
  container: ContainerClient,
  name: string,
  location: string,
  timeoutMs: number,
): Promise<RunStoreLock> {
  const blob = container.getBlockBlobClient(name);
  try {
    await blob.upload(Buffer.alloc(0), 0, { conditions: { ifNoneMatch: "*" } });
  } catch (error) {
    // 409: it exists; 412: it exists and is leased right now.
    if (!(error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412))) throw error;
  }
  const lease = blob.getBlobLeaseClient();
  await waitForLock(
    timeoutMs,
    async () => {
      try {
        await lease.acquireLease(leaseSeconds);
        return undefined;
      } catch (error) {
        if (!(error instanceof RestError && error.statusCode === 409)) throw error;
      }
      const properties = await blob.getProperties();
      return `blob lease on ${blob.url.split("?")[0] ?? name} is ${properties.leaseState ?? "leased"}, duration ${properties.leaseDuration ?? "fixed"} (${leaseSeconds} s, renewed while its scan runs)`;
    },
    `the run store ${location}`,
  );
  const renewal = setInterval(() => {
    lease.renewLease().catch(() => undefined);
  }, renewEveryMs);
  renewal.unref();
  return {
    confirm: async () => {
      // Renewing also succeeds on a lapsed lease that nobody took since, which is exactly "still ours".
      try {
        await lease.renewLease();
      } catch (error) {
        throw new StateLockError(
          `the run store ${location} lost its lock (the blob lease on ${name} was taken by another run: ${(error as Error).message.split("\n")[0] ?? ""}); this run was not stored.`,
        );
      }
    },
    release: async () => {
      clearInterval(renewal);
      await lease.releaseLease().catch(() => undefined);
    },
  };
}
