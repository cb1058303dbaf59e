// One Resource Graph client per tenant on @azure/arm-resourcegraph, with the cloud's endpoint and scope, no SDK retries, and a response hook.
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { isRestError } from "@azure/core-rest-pipeline";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { AzureCloud } from "./clouds.ts";

/**
 * DESIGN §2 asks for 2024-04-01. arm-resourcegraph 5.0.0 pins exactly this on `resources`; its client-level
 * `apiVersion` option is ignored (it only logs a warning), so a test holds the SDK to it instead.
 */
export const resourceGraphApiVersion = "2024-04-01";

const resourceGraphPath = "/providers/Microsoft.ResourceGraph/resources";

export interface GraphRequest {
  readonly query: string;
  readonly subscriptions?: readonly string[];
  readonly managementGroups?: readonly string[];
  readonly top: number;
  readonly skipToken?: string;
  readonly authorizationScopeFilter?: "AtScopeAboveAndBelow";
}

export interface GraphPage {
  readonly rows: readonly unknown[];
  readonly skipToken: string | undefined;
  readonly resultTruncated: boolean;
}

/** Header lookup by lower-case name on any response, successful or not. */
export type ResponseHeaders = (name: string) => string | undefined;

export interface GraphClient {
  resources(request: GraphRequest): Promise<GraphPage>;
}

/** A failed ARM call (Resource Graph or a ManagedClusters GET): an HTTP error (with status) or a network error (without). */
export class GraphRequestError extends Error {
  override readonly name = "GraphRequestError";
  readonly statusCode: number | undefined;
  /** Azure's error code (`RateLimiting`, `BadRequest`, `AuthorizationFailed`…) or the network error code. */
  readonly code: string;
  /** Codes of `error.details[]`, e.g. `InvalidQuery`, `ResponsePayloadTooLarge`. */
  readonly detailCodes: readonly string[];
  readonly headers: ResponseHeaders;
  constructor(
    message: string,
    statusCode: number | undefined,
    code: string,
    detailCodes: string[],
    headers: ResponseHeaders,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.detailCodes = detailCodes;
    this.headers = headers;
  }
}

/** The credential could not give a token: the whole tenant is unreachable. */
export class CredentialError extends Error {
  override readonly name = "CredentialError";
}

/**
 * The part of the SDK's raw response (`onResponse`'s first argument) we read. The generated clients call
 * `onResponse` for every HTTP status, 4xx and 5xx included, before they throw.
 */
export interface RawArmResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | undefined };
  readonly parsedBody?: unknown;
}

/**
 * Marks token failures so a tenant without a token stops at once. The SDK's bearer policy caches and refreshes
 * the token (AzureCliCredential does not cache, and every call would start `az`).
 */
export function armCredential(credential: TokenCredential): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      let token: AccessToken | null;
      try {
        token = await credential.getToken(scopes, options);
      } catch (error) {
        throw new CredentialError(error instanceof Error ? error.message : String(error), { cause: error });
      }
      if (token === null) throw new CredentialError(`No token for scope ${[scopes].flat().join(" ")}`);
      return token;
    },
  };
}

/**
 * What every ARM SDK client here is built with. The generated clients ask for the public-cloud scope unless
 * `credentials.scopes` says otherwise, even with `endpoint` or `cloudSetting` set. Their default retry policy
 * (3 retries of 408/5xx, of 429/503 with Retry-After and of socket errors) would multiply our own retries and
 * hide the throttled responses from `onResponse`, which only sees the last one.
 */
export function armClientOptions(cloud: AzureCloud): {
  endpoint: string;
  credentials: { scopes: string[] };
  retryOptions: { maxRetries: number };
} {
  return {
    endpoint: cloud.armEndpoint,
    credentials: { scopes: [cloud.armScope] },
    retryOptions: { maxRetries: 0 },
  };
}

interface AzureErrorBody {
  readonly error?: {
    readonly code?: string;
    readonly message?: string;
    readonly details?: readonly { code?: string; message?: string }[];
  };
}

function headerReader(headers: RawArmResponse["headers"] | undefined): ResponseHeaders {
  return (name) => headers?.get(name) ?? undefined;
}

function fromHttpResponse(response: RawArmResponse): GraphRequestError {
  const body = (typeof response.parsedBody === "object" ? (response.parsedBody ?? {}) : {}) as AzureErrorBody;
  const details = body.error?.details ?? [];
  // Azure's own words: the top message plus each detail, so a KQL error names the line and token.
  const message = [
    body.error?.message ?? `HTTP ${response.status}`,
    ...details.map((detail) => `${detail.code ?? ""}: ${detail.message ?? ""}`),
  ]
    .filter((part) => part.trim() !== "")
    .join(" ");
  return new GraphRequestError(
    message,
    response.status,
    body.error?.code ?? `Http${response.status}`,
    details.map((detail) => detail.code ?? ""),
    headerReader(response.headers),
  );
}

/**
 * Builds the error from the raw error response rather than from the SDK's error: the generated error
 * deserializer throws a TypeError on a body without `error` (an HTML 502 from a gateway), losing the status.
 */
export function toGraphRequestError(error: unknown, response: RawArmResponse | undefined): unknown {
  if (error instanceof CredentialError || !(error instanceof Error)) return error;
  if (response !== undefined && response.status >= 400) return fromHttpResponse(response);
  // A body that does not parse is a transfer cut short (a proxy, a reset mid-body): retried like a socket error.
  // The SDK's message quotes the whole body, which may be megabytes, so it is not kept.
  if (isRestError(error) && error.code === "PARSE_ERROR") {
    const message = `The response body (HTTP ${String(error.statusCode ?? "?")}) is not valid JSON`;
    return new GraphRequestError(message, undefined, "InvalidResponseBody", [], headerReader(undefined));
  }
  // A RestError without a response is the socket's (ECONNRESET, ETIMEDOUT…); anything else is not worth a retry.
  if (response !== undefined || !isRestError(error)) return error;
  return new GraphRequestError(
    error.message,
    undefined,
    error.code ?? "NetworkError",
    [],
    headerReader(undefined),
  );
}

export interface GraphClientOptions {
  readonly credential: TokenCredential;
  readonly cloud: AzureCloud;
  /**
   * Every response's headers, once its body is read, with the time (of `now`) its first bytes arrived: Resource
   * Graph tells `x-ms-user-quota-resets-after` as the answer leaves, and a 1,000-row page can take seconds to
   * read after that.
   */
  readonly onResponse: (headers: ResponseHeaders, arrivedAt: number) => void;
  /** The clock `arrivedAt` is read on: the pacer's, so that it compares like with like. */
  readonly now: () => number;
  /** A request without an answer by then is abandoned and retried; without it a stalled socket hangs the scan. */
  readonly requestTimeoutMs?: number;
  /** `--debug`: one line a request (method, URL, status, request id); never headers or bodies, which hold tokens. */
  readonly debug?: (message: string) => void;
}

/** The SDK aborts a request that outlived `timeout` with an AbortError; we pass no abort signal of our own. */
export function toTimeoutError(error: unknown, timeoutMs: number | undefined): unknown {
  if (timeoutMs === undefined || !(error instanceof Error) || error.name !== "AbortError") return error;
  return new GraphRequestError(
    `No answer within ${timeoutMs} ms`,
    undefined,
    "RequestTimeout",
    [],
    headerReader(undefined),
  );
}

interface LoggedResponse extends RawArmResponse {
  readonly request?: { readonly method?: string; readonly url?: string };
}

function describeResponse(response: LoggedResponse): string {
  const requestId = response.headers.get("x-ms-request-id");
  const method = response.request?.method ?? "POST";
  return `${method} ${response.request?.url ?? "(unknown url)"} -> ${response.status}${requestId ? ` (x-ms-request-id ${requestId})` : ""}`;
}

function pageOf(response: { data: unknown; skipToken?: string; resultTruncated: string }): GraphPage {
  const rows = response.data;
  return {
    rows: Array.isArray(rows) ? (rows as unknown[]) : [],
    skipToken: response.skipToken,
    resultTruncated: response.resultTruncated === "true",
  };
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const client = new ResourceGraphClient(armCredential(options.credential), armClientOptions(options.cloud));
  return {
    async resources(request) {
      let last: RawArmResponse | undefined;
      let arrivedAt: number | undefined;
      try {
        const response = await client.resources(
          {
            query: request.query,
            ...(request.subscriptions ? { subscriptions: [...request.subscriptions] } : {}),
            ...(request.managementGroups ? { managementGroups: [...request.managementGroups] } : {}),
            options: {
              top: request.top,
              resultFormat: "objectArray",
              ...(request.skipToken ? { skipToken: request.skipToken } : {}),
              ...(request.authorizationScopeFilter
                ? { authorizationScopeFilter: request.authorizationScopeFilter }
                : {}),
            },
          },
          {
            requestOptions: {
              ...(options.requestTimeoutMs ? { timeout: options.requestTimeoutMs } : {}),
              // The SDK may send the request again within this call (a claims challenge, answered with a new
              // token): each send's upload starts the count afresh, so the arrival is the handed-on answer's.
              onUploadProgress: () => {
                arrivedAt = undefined;
              },
              // The SDK calls this for each chunk of the body as it arrives; the first one is when the answer came.
              onDownloadProgress: () => {
                arrivedAt ??= options.now();
              },
            },
            onResponse: (rawResponse) => {
              last = rawResponse;
              options.debug?.(describeResponse(rawResponse));
              options.onResponse(headerReader(rawResponse.headers), arrivedAt ?? options.now());
            },
          },
        );
        return pageOf(response);
      } catch (error) {
        const failure = toGraphRequestError(toTimeoutError(error, options.requestTimeoutMs), last);
        if (last === undefined)
          options.debug?.(`POST ${resourceGraphPath} -> no response (${String(failure)})`);
        throw failure;
      }
    },
  };
}
