// A real SMTP server on loopback for delivery tests (smtp-server), recording what each session delivered.
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { SMTPServer } from "smtp-server";
import type { SMTPServerOptions } from "smtp-server";

export interface ReceivedMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
  /** True when the session ran over TLS (implicit or after STARTTLS). */
  readonly secure: boolean;
  readonly user: string | undefined;
}

export interface LoopbackSmtpServer {
  readonly port: number;
  readonly received: ReceivedMessage[];
  close(): Promise<void>;
}

export async function startSmtpServer(options: SMTPServerOptions): Promise<LoopbackSmtpServer> {
  const received: ReceivedMessage[] = [];
  const server = new SMTPServer({
    logger: false,
    ...options,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const envelope = session.envelope;
        received.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : "",
          to: envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: typeof session.user === "string" ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A loopback port nobody listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
}
