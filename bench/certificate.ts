// A self-signed certificate for 127.0.0.1, made at start with the openssl binary (node:crypto cannot sign X.509).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Certificate {
  readonly key: string;
  readonly cert: string;
  /** PEM file of `cert`, for NODE_EXTRA_CA_CERTS of the collecting process. */
  readonly certFile: string;
}

export function selfSignedCertificate(): Certificate {
  const folder = mkdtempSync(join(tmpdir(), "arg-simulator-"));
  const keyFile = join(folder, "key.pem");
  const certFile = join(folder, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}
