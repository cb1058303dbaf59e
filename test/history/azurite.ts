// Microsoft's storage emulator for the blob run store tests: Azurite's blob service on loopback, an ephemeral
// port, memory only, no telemetry, and an account key made up for this process (so none is written anywhere).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { BlobServiceClient } from "@azure/storage-blob";

const azuriteBlob = fileURLToPath(
  new URL("../../node_modules/azurite/dist/src/blob/main.js", import.meta.url),
);
/** Azurite only serves the accounts it was started with; the path-style URLs carry this name. */
export const emulatorAccount = "devstoreaccount1";

export interface Azurite {
  readonly blobEndpoint: string;
  /** What a user exports as AZURE_STORAGE_CONNECTION_STRING to reach the emulator. */
  readonly connectionString: string;
  readonly service: BlobServiceClient;
  /** Creates a container and returns its URL, in the emulator's path-style form. */
  createContainer(name: string): Promise<string>;
  stop(): Promise<void>;
}

let containerCount = 0;
/** A container name of its own for each test, so tests sharing one emulator never see each other's runs. */
export function freshContainerName(label: string): string {
  containerCount += 1;
  return `${label}-${process.pid}-${containerCount}`.toLowerCase().slice(0, 63);
}

export async function startAzurite(): Promise<Azurite> {
  const key = randomBytes(32).toString("base64");
  const child = spawn(
    process.execPath,
    [
      azuriteBlob,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--inMemoryPersistence",
      // The SDK may be newer than the emulator; the calls the store makes exist in both.
      "--skipApiVersionCheck",
      "--disableTelemetry",
    ],
    {
      env: { ...process.env, AZURITE_ACCOUNTS: `${emulatorAccount}:${key}` },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const port = await listeningPort(child);
  const blobEndpoint = `http://127.0.0.1:${port}/${emulatorAccount}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${emulatorAccount};AccountKey=${key};BlobEndpoint=${blobEndpoint};`;
  const service = BlobServiceClient.fromConnectionString(connectionString);
  return {
    blobEndpoint,
    connectionString,
    service,
    async createContainer(name) {
      await service.getContainerClient(name).create();
      return `${blobEndpoint}/${name}`;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Azurite did not start within 60 s: ${output}`));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${code}: ${output}`));
    });
  });
}
