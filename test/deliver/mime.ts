// A minimal MIME reader for tests (no mail parser is installed): headers, multipart bodies, base64 and quoted-printable.

export interface MimePart {
  /** Header names lower-cased, in order, values unfolded; encoded words decoded. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: Buffer;
  readonly parts: readonly MimePart[];
}

export function header(part: MimePart, name: string): string | undefined {
  return part.headers.find(([key]) => key === name)?.[1];
}

function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_match, kind: string, text: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replaceAll("_", " ")).toString("utf8"),
    );
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const source = text.replace(/=\r?\n/g, "");
  for (let index = 0; index < source.length; index += 1) {
    const hex = source.slice(index + 1, index + 3);
    if (source[index] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(source[index]!, "utf8"));
    }
  }
  return Buffer.from(bytes);
}

function decodeBody(body: string, encoding: string): Buffer {
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  return Buffer.from(body, "latin1");
}

export function parseMime(raw: Buffer | string): MimePart {
  const text = typeof raw === "string" ? raw : raw.toString("latin1");
  const split = text.indexOf("\r\n\r\n");
  const headerText = split < 0 ? text : text.slice(0, split);
  const bodyText = split < 0 ? "" : text.slice(split + 4);
  const headers = headerText
    .replace(/\r\n[ \t]+/g, " ")
    .split("\r\n")
    .filter(Boolean)
    .map((line): [string, string] => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim())];
    });
  const contentType = headers.find(([key]) => key === "content-type")?.[1] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (contentType.toLowerCase().startsWith("multipart/") && boundary) {
    const sections = bodyText.split(`--${boundary}`).slice(1);
    const parts = sections
      .filter((section) => !section.startsWith("--"))
      .map((section) => parseMime(section.replace(/^\r\n/, "").replace(/\r\n$/, "")));
    return { headers, body: Buffer.alloc(0), parts };
  }
  const encoding = (
    headers.find(([key]) => key === "content-transfer-encoding")?.[1] ?? "7bit"
  ).toLowerCase();
  return { headers, body: decodeBody(bodyText, encoding), parts: [] };
}

/** Every leaf part, depth first. */
export function leafParts(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leafParts);
}
