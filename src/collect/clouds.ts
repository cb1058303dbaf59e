// Azure clouds: Entra authority host, ARM endpoint and the token scope every SDK client must be told explicitly.
import { CollectOptionError } from "./errors.ts";

export const cloudNames = ["public", "usgov", "china"] as const;
export type CloudName = (typeof cloudNames)[number];

export interface AzureCloud {
  /** `public`, `usgov`, `china`, or `custom` for `--arm-endpoint`. */
  readonly name: CloudName | "custom";
  readonly authorityHost: string;
  /** ARM endpoint without a trailing slash, e.g. `https://management.azure.com`. */
  readonly armEndpoint: string;
  /** The AAD scope for ARM tokens; SDK clients default to the public one unless told. */
  readonly armScope: string;
}

const knownClouds: Readonly<Record<CloudName, { authorityHost: string; armEndpoint: string }>> = {
  public: { authorityHost: "https://login.microsoftonline.com", armEndpoint: "https://management.azure.com" },
  usgov: {
    authorityHost: "https://login.microsoftonline.us",
    armEndpoint: "https://management.usgovcloudapi.net",
  },
  china: {
    authorityHost: "https://login.chinacloudapi.cn",
    armEndpoint: "https://management.chinacloudapi.cn",
  },
};

function isCloudName(name: string): name is CloudName {
  return (cloudNames as readonly string[]).includes(name);
}

function withScope(name: AzureCloud["name"], authorityHost: string, armEndpoint: string): AzureCloud {
  return { name, authorityHost, armEndpoint, armScope: `${armEndpoint}/.default` };
}

/** Resolves `--cloud` and `--arm-endpoint`; an explicit endpoint wins and keeps the cloud's authority host. */
export function resolveCloud(cloud = "public", armEndpoint?: string): AzureCloud {
  if (!isCloudName(cloud)) {
    throw new CollectOptionError(`Unknown cloud "${cloud}". Use one of: ${cloudNames.join(", ")}.`);
  }
  const known = knownClouds[cloud];
  if (armEndpoint === undefined) return withScope(cloud, known.authorityHost, known.armEndpoint);
  return withScope("custom", known.authorityHost, parseArmEndpoint(armEndpoint));
}

function parseArmEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CollectOptionError(
      `--arm-endpoint "${text}" is not a URL; pass e.g. https://management.example.net`,
    );
  }
  // Tokens travel in the Authorization header, so plain HTTP would leak them.
  if (url.protocol !== "https:") {
    throw new CollectOptionError(`--arm-endpoint "${text}" must use https://`);
  }
  return url.origin;
}
