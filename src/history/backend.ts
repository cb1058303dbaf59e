// What a run store needs from the place that holds it; a folder (file-store.ts) and a blob container
// (blob-store.ts) both provide it, and store.ts keeps every decision (ids, retention, latest run) above them.
import type { EncodedRun, RunListing } from "./run-files.ts";

/** Held while a scan reads the previous run and stores its own, so two scans of one store never interleave. */
export interface RunStoreLock {
  /** Throws a `StateLockError` when the lock was lost (a lease that lapsed and another run took). */
  readonly confirm: () => Promise<void>;
  readonly release: () => Promise<void>;
}

export interface RunStoreBackend {
  /** Where the store is, for messages: a folder, or a container URL without any SAS token. */
  readonly location: string;
  /** Whole runs only, in any order. May clear what a dead save left behind. */
  listWhole(): Promise<RunListing[]>;
  /** Every run's id, whole or not, in any order: much cheaper than `listWhole` when only the newest run is wanted. */
  listIds(): Promise<string[]>;
  /** The run `id` when it is whole, else undefined. */
  listOne(id: string): Promise<RunListing | undefined>;
  /** One file of a listed run; undefined when it does not exist. */
  readFile(run: RunListing, name: string): Promise<Uint8Array | undefined>;
  /**
   * Writes the data files, then the meta file that commits them, so a save cut short is never listed.
   * Throws a `RunStoreError` when the run id is already stored. Returns where the run is.
   */
  commit(run: EncodedRun): Promise<string>;
  /** Removes a run so that a crash mid-way never leaves it listed half deleted. */
  remove(run: RunListing): Promise<void>;
  /** Waits up to `timeoutMs` for the store's lock; throws a `StateLockError` when it stays taken. */
  lock(timeoutMs: number): Promise<RunStoreLock>;
}
