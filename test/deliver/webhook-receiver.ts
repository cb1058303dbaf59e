// A real HTTP receiver on loopback (node:http, port 0) that records every POST and answers from a script.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { closedPort } from "./smtp-server.ts";

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One scripted answer; `hang` never answers (the client's timeout must end it). */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly hang?: boolean;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook/<secret>`: the path plays the part of a webhook's secret. */
  readonly url: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

export const receiverSecret = "s3cr3t-path-T0AAA-B0BBB";

/** Answers with `replies` in order, then repeats the last one. */
export async function startWebhookReceiver(
  replies: readonly Reply[] = [{ status: 202 }],
): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const reply = replies[Math.min(received.length, replies.length) - 1]!;
      if (reply.hang) return;
      response.writeHead(reply.status, reply.headers);
      response.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook/${receiverSecret}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A webhook URL on a loopback port nothing listens on. */
export async function deadReceiverUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}/hook/${receiverSecret}`;
}
