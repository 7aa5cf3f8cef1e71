import * as http from "http";
import * as https from "https";
import type { Response } from "node-fetch";
import { ApiError, RequestDescription, TransportError, extractServerMessage } from "./errors";
import {
  RetryPolicy,
  backoffDelayMs,
  defaultRetryPolicy,
  parseRetryAfterMs,
  retryableStatuses,
} from "./retry";

/** A request as it is about to leave, which an authorizer may add headers to or sign. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Adds credentials to requests: a Keystone token, or an AK/SK signature. */
export interface RequestAuthorizer {
  authorize(request: OutgoingRequest): Promise<void>;
  /**
   * Called once when the server answers 401. Returns true when new credentials were
   * obtained and one more attempt is worthwhile.
   */
  renewAfterUnauthorized(rejected: OutgoingRequest): Promise<boolean>;
  /**
   * Called once per attempt that `authorize` prepared, when it is over: answered (any
   * status) or failed on the network.
   */
  attemptEnded?(request: OutgoingRequest): void;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  /** Serialized as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Omitted for the authentication request itself. */
  authorizer?: RequestAuthorizer;
}

/**
 * The response headers a caller may read. Our own type, not node-fetch's `Headers`: the
 * package's declarations must compile for users, who have node-fetch but not its types.
 */
export interface ResponseHeaders {
  /** The header's value (several joined with ", "), or null when absent; any case. */
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  requestId?: string;
}

export interface TlsOptions {
  /** PEM bundle trusted instead of the system roots, as OpenStack clients do with `OS_CACERT`. */
  caCertificate?: string | Buffer;
  /** Turns certificate verification off. Only for test clouds. */
  insecure?: boolean;
}

export interface HttpClientOptions {
  retry?: Partial<RetryPolicy>;
  tls?: TlsOptions;
  userAgent?: string;
  /** Injected by tests to avoid real waiting and randomness. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * A wait on the clock; the waits between retries (and revocation's re-reads) take it unless a
 * test gives its own.
 */
export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one place that speaks HTTP: JSON in and out, keep-alive connections, per-attempt
 * timeout, bounded retries with backoff, and one re-authentication after a 401.
 */
export class HttpClient {
  readonly policy: RetryPolicy;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly userAgent: string;

  constructor(options: HttpClientOptions = {}) {
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 32,
      ca: options.tls?.caCertificate,
      rejectUnauthorized: !options.tls?.insecure,
    });
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.userAgent = options.userAgent ?? "pulumi-image-members";
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const description: RequestDescription = {
      method: req.method,
      target: `${url.host}${url.pathname}`,
    };
    const body = req.json === undefined ? undefined : JSON.stringify(req.json);
    let attempt = 0;
    let renewedCredentials = false;
    let earlierAttemptMayHaveLanded = false;

    for (;;) {
      attempt += 1;
      const outgoing: OutgoingRequest = {
        method: req.method,
        url,
        body,
        headers: {
          Accept: "application/json",
          "User-Agent": this.userAgent,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...req.headers,
        },
      };
      if (req.authorizer) {
        await req.authorizer.authorize(outgoing);
      }

      let response: Response;
      let text: string;
      try {
        ({ response, text } = await this.send(outgoing));
      } catch (error) {
        req.authorizer?.attemptEnded?.(outgoing);
        // The request may have been processed even though no answer came back, unless no
        // connection was ever made.
        if (!neverSent(error)) {
          earlierAttemptMayHaveLanded = true;
        }
        const reason = describeNetworkError(error, this.policy.timeoutMs);
        if (attempt >= this.policy.maxAttempts || !isRetryableNetworkError(error)) {
          throw new TransportError(description, reason, attempt, earlierAttemptMayHaveLanded);
        }
        await this.sleep(backoffDelayMs(this.policy, attempt, this.random));
        continue;
      }

      req.authorizer?.attemptEnded?.(outgoing);
      const requestId =
        response.headers.get("x-openstack-request-id") ??
        response.headers.get("x-compute-request-id") ??
        response.headers.get("x-request-id") ??
        undefined;

      if (response.status === 401 && req.authorizer && !renewedCredentials) {
        renewedCredentials = true;
        if (await req.authorizer.renewAfterUnauthorized(outgoing)) {
          attempt -= 1; // a renewed token is not a retry of a failing server
          continue;
        }
      }

      if (retryableStatuses.has(response.status) && attempt < this.policy.maxAttempts) {
        const retryAfter = parseRetryAfterMs(response.headers.get("retry-after"), Date.now());
        if (retryAfter === undefined || retryAfter <= this.policy.maxRetryAfterMs) {
          // 502 and 504 come from a proxy that may have passed the request on.
          if (response.status === 502 || response.status === 504) {
            earlierAttemptMayHaveLanded = true;
          }
          await this.sleep(retryAfter ?? backoffDelayMs(this.policy, attempt, this.random));
          continue;
        }
      }

      if (response.status >= 400) {
        const { message, code } = extractServerMessage(text);
        throw new ApiError(
          description,
          response.status,
          message,
          requestId,
          code,
          earlierAttemptMayHaveLanded,
          attempt,
        );
      }
      return {
        status: response.status,
        headers: response.headers,
        body: parseJson(text, description),
        requestId,
      };
    }
  }

  private async send(outgoing: OutgoingRequest): Promise<{ response: Response; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.policy.timeoutMs);
    try {
      const response = await nodeFetch()(outgoing.url.toString(), {
        method: outgoing.method,
        headers: outgoing.headers,
        body: outgoing.body,
        agent: outgoing.url.protocol === "https:" ? this.httpsAgent : this.httpAgent,
        // node-fetch's AbortSignal type predates the global one.
        signal: controller.signal as never,
        redirect: "manual",
      });
      // The body is read inside the timeout too: a server may stall mid-body.
      const text = await response.text();
      return { response, text };
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseJson(text: string, description: RequestDescription): unknown {
  if (text.trim() === "") {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new TransportError(description, "the server answered with a body that is not JSON", 1);
  }
}

/** Errors raised before any byte of the request could reach the server. */
function neverSent(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"].includes(code);
}

function isRetryableNetworkError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  // Certificate problems do not heal by retrying.
  return !/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code);
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; message?: string };
  if (err.name === "AbortError") {
    return `no complete answer within ${timeoutMs / 1000} s`;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.code ?? "")) {
    return (
      `TLS certificate not trusted (${err.code}); set OS_CACERT (or cacert in clouds.yaml) ` +
      `to the CA bundle of this cloud`
    );
  }
  return err.code
    ? `${err.code} (${err.message ?? "network error"})`
    : (err.message ?? String(error));
}

/**
 * node-fetch, loaded with the first request: a Pulumi program that only declares resources
 * imports this module through the package's entry point but sends no request, and node-fetch
 * with its URL parser (whatwg-url, tr46) takes about 55 ms to load, per `pulumi up`.
 */
function nodeFetch(): typeof import("node-fetch").default {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose
  return (require("node-fetch") as typeof import("node-fetch")).default;
}
