// One Resource Graph client per tenant on @azure/arm-resourcegraph, with our token scope, api-version and response hook.
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type {
  HttpHeadersLike,
  HttpOperationResponse,
  RequestPolicy,
  RequestPolicyFactory,
  ServiceClientCredentials,
  WebResourceLike,
} from "@azure/ms-rest-js";
import type { AzureCloud } from "./clouds.ts";

/**
 * DESIGN §2 asks for 2024-04-01. The published SDK (4.2.1) hard-codes 2021-03-01 for `resources`;
 * the request and response shapes of `resources` are the same in both versions.
 */
export const resourceGraphApiVersion = "2024-04-01";

export interface GraphRequest {
  readonly query: string;
  readonly subscriptions?: readonly string[];
  readonly managementGroups?: readonly string[];
  readonly top: number;
  readonly skipToken?: string;
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

/** A failed Resource Graph call: an HTTP error (with status) or a network error (without). */
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

const tokenRefreshMarginMs = 120_000;

/** Signs requests with a token for exactly `scope`; the SDK would otherwise ask for the public-cloud scope. */
function bearerSigner(credential: TokenCredential, scope: string): ServiceClientCredentials {
  let token: AccessToken | null = null;
  return {
    async signRequest(request: WebResourceLike): Promise<WebResourceLike> {
      // AzureCliCredential does not cache, and every call would start `az`.
      if (token === null || token.expiresOnTimestamp - tokenRefreshMarginMs < Date.now()) {
        try {
          token = await credential.getToken(scope);
        } catch (error) {
          throw new CredentialError(error instanceof Error ? error.message : String(error), { cause: error });
        }
        if (token === null) throw new CredentialError(`No token for scope ${scope}`);
      }
      request.headers.set("authorization", `Bearer ${token.token}`);
      return request;
    },
  };
}

function headerReader(headers: HttpHeadersLike | undefined): ResponseHeaders {
  return (name) => headers?.get(name);
}

/** Innermost policy: pins the api-version and shows every raw response's headers (quota, limits) to the caller. */
function responseHookPolicy(onResponse: (headers: ResponseHeaders) => void): RequestPolicyFactory {
  return {
    create: (next: RequestPolicy): RequestPolicy => ({
      async sendRequest(request: WebResourceLike): Promise<HttpOperationResponse> {
        const url = new URL(request.url);
        url.searchParams.set("api-version", resourceGraphApiVersion);
        request.url = url.toString();
        const response = await next.sendRequest(request);
        onResponse(headerReader(response.headers));
        return response;
      },
    }),
  };
}

interface AzureErrorBody {
  readonly error?: {
    readonly code?: string;
    readonly message?: string;
    readonly details?: readonly { code?: string; message?: string }[];
  };
}

/** Azure's own words: the top message plus each detail, so a KQL error names the line and token. */
export function toGraphRequestError(error: unknown): unknown {
  if (error instanceof CredentialError || !(error instanceof Error)) return error;
  const restError = error as Error & {
    statusCode?: number;
    code?: string;
    body?: unknown;
    response?: { headers?: HttpHeadersLike };
  };
  const body = (restError.body ?? {}) as AzureErrorBody;
  const details = body.error?.details ?? [];
  const message = [
    body.error?.message ?? restError.message,
    ...details.map((detail) => `${detail.code ?? ""}: ${detail.message ?? ""}`),
  ]
    .filter((part) => part.trim() !== "")
    .join(" ");
  const code = body.error?.code ?? restError.code ?? "NetworkError";
  const detailCodes = details.map((detail) => detail.code ?? "");
  return new GraphRequestError(
    message,
    restError.statusCode,
    code,
    detailCodes,
    headerReader(restError.response?.headers),
  );
}

export interface GraphClientOptions {
  readonly credential: TokenCredential;
  readonly cloud: AzureCloud;
  readonly onResponse: (headers: ResponseHeaders) => void;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const client = new ResourceGraphClient(bearerSigner(options.credential, options.cloud.armScope), {
    baseUri: options.cloud.armEndpoint,
    // The SDK retries 5xx and 429-with-Retry-After on its own; our pacer owns every retry instead.
    noRetryPolicy: true,
    requestPolicyFactories: (defaults: RequestPolicyFactory[]) => [
      ...defaults,
      responseHookPolicy(options.onResponse),
    ],
  });
  return {
    async resources(request) {
      try {
        const response = await client.resources({
          query: request.query,
          ...(request.subscriptions ? { subscriptions: [...request.subscriptions] } : {}),
          ...(request.managementGroups ? { managementGroups: [...request.managementGroups] } : {}),
          options: {
            top: request.top,
            resultFormat: "objectArray",
            ...(request.skipToken ? { skipToken: request.skipToken } : {}),
          },
        });
        const rows: unknown = response.data;
        return {
          rows: Array.isArray(rows) ? (rows as unknown[]) : [],
          skipToken: response.skipToken ?? undefined,
          resultTruncated: response.resultTruncated === "true",
        };
      } catch (error) {
        throw toGraphRequestError(error);
      }
    },
  };
}
