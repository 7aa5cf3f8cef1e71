import { redactSecrets } from "./redaction";

/** What every transport error tells about the request that failed. */
export interface RequestDescription {
  method: string;
  /** Host and path only: query strings and credentials are never kept. */
  target: string;
}

/** The server answered with a status that is not a success. */
export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly request: RequestDescription,
    readonly status: number,
    /** The server's own explanation, cleaned of its HTML tail. */
    readonly serverMessage: string,
    /** `x-openstack-request-id` (or the cloud's equivalent), for support tickets. */
    readonly requestId: string | undefined,
    /** Huawei Cloud style error code such as `IMG.0001`, when the server gave one. */
    readonly serverCode: string | undefined,
    /**
     * True when an earlier attempt of this same request may have reached the server
     * (its response was lost). A 409 after such a retry can be our own first attempt.
     */
    readonly afterLostResponse: boolean,
    /** Requests made in all, the first included (1 when the status is not retried). */
    readonly attempts = 1,
  ) {
    super(
      redactSecrets(
        `${request.method} ${request.target} answered ${status}` +
          (serverMessage ? `: ${serverMessage}` : "") +
          (requestId ? ` (request id ${requestId})` : ""),
      ),
    );
  }
}

/** No usable answer at all: connection refused or reset, timeout, TLS failure. */
export class TransportError extends Error {
  override name = "TransportError";

  constructor(
    readonly request: RequestDescription,
    readonly reason: string,
    readonly attempts: number,
    /** True when an attempt may have reached the server before its answer was lost. */
    readonly afterLostResponse = false,
  ) {
    super(
      redactSecrets(
        `${request.method} ${request.target} failed after ${attempts} attempt(s): ${reason}`,
      ),
    );
  }
}

/** Takes the human part out of the error bodies OpenStack services and Huawei Cloud send. */
export function extractServerMessage(body: string): { message: string; code?: string } {
  let message = body;
  let code: string | undefined;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const candidate = pickMessage(parsed);
    if (candidate) {
      message = candidate.message;
      code = candidate.code;
    }
  } catch {
    // Not JSON: an HTML or plain-text page; keep the text itself.
  }
  return { message: cleanMessage(message), code };
}

function pickMessage(parsed: Record<string, unknown>): { message: string; code?: string } | null {
  if (typeof parsed.message === "string") {
    // Glance: {"message": ..., "code": "409 Conflict", "title": ...}
    return { message: parsed.message };
  }
  // Keystone and Huawei Cloud: {"error": {"message": ..., "code": 401 | "IMG.0001"}};
  // Nova style: {"itemNotFound": {"message": ..., "code": 404}}.
  for (const value of Object.values(parsed)) {
    if (
      value &&
      typeof value === "object" &&
      typeof (value as { message?: unknown }).message === "string"
    ) {
      const inner = value as { message: string; code?: unknown };
      const code =
        typeof inner.code === "string" && !/^\d+/.test(inner.code) ? inner.code : undefined;
      return { message: inner.message, code };
    }
  }
  if (typeof parsed.error_msg === "string") {
    // Huawei API gateway: {"error_code": "APIGW.0301", "error_msg": ...}
    return {
      message: parsed.error_msg,
      code: typeof parsed.error_code === "string" ? parsed.error_code : undefined,
    };
  }
  return null;
}

function cleanMessage(raw: string): string {
  const text = raw
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
