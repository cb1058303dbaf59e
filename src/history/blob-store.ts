// The run store in Azure Blob Storage: `<prefix>runs/<run id>/<file>` blobs committed by a `run.json` marker blob,
// and a blob lease on `<prefix>lock` (blob-lease.ts) that keeps two scans from interleaving.
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { BlobServiceClient, ContainerClient, RestError } from "@azure/storage-blob";
import type { RunStoreBackend } from "./backend.ts";
import { leaseLock } from "./blob-lease.ts";
import { StateLockError } from "./lock.ts";
import {
  isRunMeta,
  metaFile,
  RunStoreError,
  sizesMatch,
  type EncodedRun,
  type RunListing,
} from "./run-files.ts";

/** Where a `--state-dir` URL points: a container and a folder-like prefix in it. */
export interface BlobStateUrl {
  /** The container's URL, without query. */
  readonly containerUrl: string;
  readonly accountName: string;
  readonly container: string;
  /** "" or a path ending in "/". */
  readonly prefix: string;
}

/** How to sign in: the scan's Entra credential, or a connection string (emulator, SAS). */
export interface BlobAccess {
  readonly credential?: TokenCredential;
  readonly connectionString?: string;
}

const expectedForm = "https://<account>.blob.core.windows.net/<container>[/<prefix>]";
/** A run without its marker this old belongs to a save that died; live saves take seconds. */
const staleUncommittedMs = 60 * 60 * 1000;
const lockBlobName = "lock";
const containerNamePattern = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** Undefined for a plain folder path; a `RunStoreError` for a URL that does not name a container. */
export function parseBlobStateUrl(text: string): BlobStateUrl | undefined {
  if (!/^https?:\/\//i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RunStoreError(`--state-dir ${text} is not a valid URL; expected ${expectedForm}.`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new RunStoreError(
      `--state-dir must not carry a SAS token or credentials; put a SAS in AZURE_STORAGE_CONNECTION_STRING (BlobEndpoint=…;SharedAccessSignature=…) instead.`,
    );
  }
  const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  // Azurite and other emulators on loopback use path-style URLs: http://127.0.0.1:10000/<account>/<container>.
  const pathStyle = isLoopback(url.hostname);
  if (!pathStyle && url.protocol !== "https:") {
    throw new RunStoreError(
      `--state-dir ${url.href}: use https (plain http is only for an emulator on loopback).`,
    );
  }
  const labels = url.hostname.split(".");
  if (!pathStyle && !labels.slice(1).includes("blob")) {
    throw new RunStoreError(`--state-dir ${url.href} is not a blob endpoint; expected ${expectedForm}.`);
  }
  const accountName = pathStyle ? segments.shift() : labels[0];
  const container = segments.shift();
  if (!accountName || !container || !containerNamePattern.test(container)) {
    throw new RunStoreError(
      `--state-dir ${url.href} names no valid container (3–63 lowercase letters, digits and single hyphens); expected ${expectedForm}.`,
    );
  }
  const base = `${url.origin}${pathStyle ? `/${accountName}` : ""}/${container}`;
  return {
    containerUrl: base,
    accountName,
    container,
    prefix: segments.length ? `${segments.join("/")}/` : "",
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

export function blobRunStore(target: BlobStateUrl, access: BlobAccess): RunStoreBackend {
  const container = containerClient(target, access);
  const runsPrefix = `${target.prefix}runs/`;
  const location = `${target.containerUrl}${target.prefix ? `/${target.prefix.replace(/\/$/, "")}` : ""}`;
  const runUrl = (id: string): string => `${target.containerUrl}/${runsPrefix}${id}`;
  const call = <T>(what: string, action: () => Promise<T>): Promise<T> =>
    action().catch((error: unknown) => {
      throw storeError(error, what, target);
    });
  return {
    location,
    listWhole: () => call(`list runs in ${location}`, () => listWholeRuns(container, runsPrefix, runUrl)),
    listIds: () => call(`list runs in ${location}`, () => listRunIds(container, runsPrefix)),
    listOne: (id) =>
      call(`list run ${runUrl(id)}`, async () => {
        const blobs = (await listRunBlobs(container, `${runsPrefix}${id}/`, runsPrefix)).get(id);
        return blobs && wholeListing(id, blobs, runUrl);
      }),
    readFile: (run, name) =>
      call(`read ${run.dir}/${name}`, () => download(container, `${runsPrefix}${run.id}/${name}`)),
    commit: (encoded) =>
      call(`store run ${encoded.meta.runId} in ${location}`, () =>
        commitRun(container, runsPrefix, encoded, runUrl),
      ),
    remove: (run) => call(`remove run ${run.dir}`, () => removeRun(container, `${runsPrefix}${run.id}/`)),
    lock: (timeoutMs) =>
      call(`lock ${location}`, () =>
        leaseLock(container, `${target.prefix}${lockBlobName}`, location, timeoutMs),
      ),
  };
}

function containerClient(target: BlobStateUrl, access: BlobAccess): ContainerClient {
  const connectionString = access.connectionString ?? process.env.AZURE_STORAGE_CONNECTION_STRING;
  if (!connectionString) {
    return new ContainerClient(target.containerUrl, access.credential ?? new DefaultAzureCredential());
  }
  let service: BlobServiceClient;
  try {
    service = BlobServiceClient.fromConnectionString(connectionString);
  } catch (error) {
    throw new RunStoreError(
      `AZURE_STORAGE_CONNECTION_STRING cannot be used (${(error as Error).message}); copy it from the storage account's access keys or a SAS.`,
    );
  }
  const endpoint = new URL(service.url);
  if (service.accountName !== target.accountName || endpoint.host !== new URL(target.containerUrl).host) {
    throw new RunStoreError(
      `AZURE_STORAGE_CONNECTION_STRING is for ${endpoint.host} (account ${service.accountName}) but --state-dir names ${new URL(target.containerUrl).host} (account ${target.accountName}); use one storage account.`,
    );
  }
  return service.getContainerClient(target.container);
}

interface RunBlobs {
  readonly sizes: Map<string, number>;
  newest: number;
  marker?: Readonly<Record<string, string>>;
}

async function listWholeRuns(
  container: ContainerClient,
  runsPrefix: string,
  runUrl: (id: string) => string,
): Promise<RunListing[]> {
  const whole: RunListing[] = [];
  for (const [id, blobs] of await listRunBlobs(container, runsPrefix, runsPrefix)) {
    const listing = wholeListing(id, blobs, runUrl);
    if (listing) whole.push(listing);
    else if (!blobs.marker && Date.now() - blobs.newest > staleUncommittedMs) {
      // Data blobs of a save that died before its marker: never listed, cleared once surely dead.
      await removeRun(container, `${runsPrefix}${id}/`);
    }
  }
  return whole;
}

/**
 * One level of the hierarchy, `runs/<id>/`: the service answers one short entry per run, where a flat listing
 * answers every blob with its properties and metadata (at 90 runs, most of a history load's time in the SDK).
 */
async function listRunIds(container: ContainerClient, runsPrefix: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of container.listBlobsByHierarchy("/", { prefix: runsPrefix })) {
    const id = item.kind === "prefix" ? item.name.slice(runsPrefix.length).replace(/\/$/, "") : "";
    if (id && !id.includes("/")) ids.push(id);
  }
  return ids;
}

/** The blobs under `prefix` (all runs, or one run's prefix), by run id. */
async function listRunBlobs(
  container: ContainerClient,
  prefix: string,
  runsPrefix: string,
): Promise<Map<string, RunBlobs>> {
  const runs = new Map<string, RunBlobs>();
  for await (const blob of container.listBlobsFlat({ prefix, includeMetadata: true })) {
    const [id, name, ...deeper] = blob.name.slice(runsPrefix.length).split("/");
    if (!id || !name || deeper.length) continue;
    const entry = runs.get(id) ?? { sizes: new Map<string, number>(), newest: 0 };
    runs.set(id, entry);
    entry.sizes.set(name, blob.properties.contentLength ?? -1);
    entry.newest = Math.max(entry.newest, blob.properties.lastModified.getTime());
    if (name === metaFile) entry.marker = blob.metadata ?? {};
  }
  return runs;
}

/** A run is whole when its marker names it and every data file has the size the marker recorded. */
function wholeListing(id: string, blobs: RunBlobs, runUrl: (id: string) => string): RunListing | undefined {
  const meta = markerMeta(blobs.marker);
  return meta?.runId === id && sizesMatch(meta, (name) => blobs.sizes.get(name) ?? -1)
    ? { id, dir: runUrl(id), scopeKey: meta.scopeKey }
    : undefined;
}

/** The marker blob's metadata repeats what listing needs (id, scope, sizes), so listing reads no blob bodies. */
function markerMeta(metadata: Readonly<Record<string, string>> | undefined) {
  if (!metadata?.runid || !metadata.scopekey || !metadata.bytes) return undefined;
  let bytes: unknown;
  try {
    bytes = JSON.parse(metadata.bytes);
  } catch {
    return undefined;
  }
  const meta = { schemaVersion: 1, runId: metadata.runid, scopeKey: metadata.scopekey, savedAt: "", bytes };
  return isRunMeta(meta) ? meta : undefined;
}

async function commitRun(
  container: ContainerClient,
  runsPrefix: string,
  encoded: EncodedRun,
  runUrl: (id: string) => string,
): Promise<string> {
  const id = encoded.meta.runId;
  const marker = container.getBlockBlobClient(`${runsPrefix}${id}/${metaFile}`);
  const alreadyStored = new RunStoreError(`Run ${id} is already stored in ${runUrl(id)}.`);
  if (await marker.exists()) throw alreadyStored;
  const json = { blobHTTPHeaders: { blobContentType: "application/json" } };
  for (const file of encoded.data) {
    // Gzipped files are stored as gzip, not as JSON with a content encoding that clients would undo on download.
    const type = file.name.endsWith(".gz") ? "application/gzip" : "application/json";
    await container
      .getBlockBlobClient(`${runsPrefix}${id}/${file.name}`)
      .upload(file.bytes, file.bytes.byteLength, { blobHTTPHeaders: { blobContentType: type } });
  }
  const body = Buffer.from(encoded.metaText);
  try {
    await marker.upload(body, body.length, {
      ...json,
      metadata: { runid: id, scopekey: encoded.meta.scopeKey, bytes: JSON.stringify(encoded.meta.bytes) },
      // The marker is the commit: it is never overwritten, so a stored run stays what was stored.
      conditions: { ifNoneMatch: "*" },
    });
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 409) throw alreadyStored;
    throw error;
  }
  return runUrl(id);
}

/** The marker goes first, so a removal cut short leaves data blobs that listing ignores and later clears. */
async function removeRun(container: ContainerClient, runPrefix: string): Promise<void> {
  await container.getBlobClient(`${runPrefix}${metaFile}`).deleteIfExists();
  for await (const blob of container.listBlobsFlat({ prefix: runPrefix })) {
    await container.getBlobClient(blob.name).deleteIfExists();
  }
}

/**
 * One GET of the whole blob. `downloadToBuffer` first asks for the blob's properties, then fetches 4 MB ranges one
 * after another: three round trips for a 5 MB run where one does (and the SDK still retries a cut stream).
 */
async function download(container: ContainerClient, name: string): Promise<Buffer | undefined> {
  try {
    const response = await container.getBlobClient(name).download();
    return await readWhole(response.readableStreamBody);
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404 && error.code === "BlobNotFound")
      return undefined;
    throw error;
  }
}

async function readWhole(body: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body ?? []) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One line naming what failed, where, and what to do; Azure's error code stays in it. */
function storeError(error: unknown, what: string, target: BlobStateUrl): Error {
  if (error instanceof RunStoreError || !(error instanceof Error)) return error as Error;
  if (error instanceof StateLockError) return error;
  const code = error instanceof RestError ? (error.code ?? String(error.statusCode)) : error.name;
  const hint =
    code === "ContainerNotFound"
      ? `create the container first (az storage container create --account-name ${target.accountName} --name ${target.container} --auth-mode login)`
      : code === "AuthorizationPermissionMismatch" || code === "AuthorizationFailure" || code === "403"
        ? `grant the scan's identity Storage Blob Data Contributor on the container ${target.container}`
        : "check the URL, the network path to the account and the sign-in";
  const message = error.message.split("\n")[0] ?? "";
  return new RunStoreError(`cannot ${what}: ${code}: ${message}; ${hint}.`);
}
