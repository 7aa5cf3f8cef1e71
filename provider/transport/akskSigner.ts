import { createHash, createHmac } from "crypto";
import { OutgoingRequest, RequestAuthorizer } from "./http";
import { registerSecret } from "./redaction";

/**
 * AK/SK signing (`SDK-HMAC-SHA256`) of Huawei Cloud and Open Telekom Cloud. It gives the same
 * `Authorization` as the official `AKSKSigner` (@huaweicloud/huaweicloud-sdk-core; the unit
 * test compares both) except where that one signs something other than what is sent.
 */
export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
  /** Present for temporary keys; sent as `X-Security-Token`. */
  securityToken?: string;
  /** Sent as `X-Project-Id`. */
  projectId?: string;
}

const algorithm = "SDK-HMAC-SHA256";
/** The official SDK adds its User-Agent after signing; a stale Authorization is replaced. */
const unsignedHeaders = new Set(["authorization", "user-agent"]);

/** Percent-encodes all but `A-Z a-z 0-9 - _ . ~`, as UTF-8 with upper-case hex. */
export function escapeForSigning(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}|[-:]/g, "");
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function headerKey(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(headers).find((key) => key.toLowerCase() === lower);
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  }
  headers[name] = value;
}

/**
 * Each path segment escaped again, so `%` becomes `%25`; always ending in `/`. node-fetch 2
 * sends the path as the legacy `url.parse` leaves it, which also escapes `'`, `^` and `|`
 * (WHATWG `URL` keeps them); the official signer parses its URL the same way.
 */
function canonicalUri(url: URL): string {
  const wirePath = url.pathname.replace(/['^|]/g, escapeForSigning);
  const path = wirePath.split("/").map(escapeForSigning).join("/");
  return path.endsWith("/") ? path : `${path}/`;
}

/** Decoded names sorted, each name's values sorted (UTF-16 order), then both escaped. */
function canonicalQuery(url: URL): string {
  const values = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return [...values.keys()]
    .sort()
    .flatMap((name) =>
      values
        .get(name)!
        .sort()
        .map((value) => `${escapeForSigning(name)}=${escapeForSigning(value)}`),
    )
    .join("&");
}

/** The canonical request and the signed header names of a request whose headers are final. */
export function canonicalRequest(request: OutgoingRequest): { text: string; signed: string[] } {
  const signed = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    // Multipart bodies get their boundary after signing, so the official SDK leaves it out.
    if (
      unsignedHeaders.has(lower) ||
      (lower === "content-type" && /multipart\/form-data/.test(value))
    ) {
      continue;
    }
    if (signed.has(lower)) {
      throw new Error(`header ${lower} is given twice in different letter case`);
    }
    // HTTP drops the spaces around a value on the way, so the server cannot sign them.
    signed.set(lower, value.trim());
  }
  const names = [...signed.keys()].sort();
  const text = [
    request.method.toUpperCase(),
    canonicalUri(request.url),
    canonicalQuery(request.url),
    names.map((name) => `${name}:${signed.get(name)}\n`).join(""),
    names.join(";"),
    // An explicit hash (or UNSIGNED-PAYLOAD) wins, as in the official signer.
    signed.get("x-sdk-content-sha256") ?? sha256Hex(request.body ?? ""),
  ].join("\n");
  return { text, signed: names };
}

/**
 * Adds `X-Sdk-Date`, `X-Project-Id`, `X-Security-Token` and `Host` when missing (a caller's
 * own `X-Project-Id`, `X-Security-Token` or `Host` stays, as in the official SDK), then signs
 * every header but User-Agent and sets `Authorization`.
 */
export function signRequest(
  request: OutgoingRequest,
  credentials: AkSkCredentials,
  now: Date,
): void {
  const { headers } = request;
  const date = formatSdkDate(now);
  setHeader(headers, "X-Sdk-Date", date);
  const added = {
    "X-Project-Id": credentials.projectId,
    "X-Security-Token": credentials.securityToken,
    Host: request.url.host,
  };
  for (const [name, value] of Object.entries(added)) {
    if (value && headerKey(headers, name) === undefined) headers[name] = value;
  }
  const { text, signed } = canonicalRequest(request);
  const signature = createHmac("sha256", credentials.secretKey)
    .update(`${algorithm}\n${date}\n${sha256Hex(text)}`, "utf8")
    .digest("hex");
  const authorization = `Access=${credentials.accessKey}, SignedHeaders=${signed.join(";")}`;
  setHeader(headers, "Authorization", `${algorithm} ${authorization}, Signature=${signature}`);
}

/** Signs each attempt anew with permanent or temporary access keys. */
export class AkSkAuthorizer implements RequestAuthorizer {
  private readonly credentials: AkSkCredentials;

  constructor(credentials: AkSkCredentials) {
    if (!credentials.accessKey || !credentials.secretKey) {
      throw new Error("AK/SK signing needs both an access key and a secret key");
    }
    registerSecret(credentials.secretKey);
    registerSecret(credentials.securityToken);
    this.credentials = { ...credentials };
  }

  async authorize(request: OutgoingRequest): Promise<void> {
    signRequest(request, this.credentials, new Date());
  }

  /** Access keys cannot be renewed from here: a 401 is final. */
  async renewAfterUnauthorized(): Promise<boolean> {
    return false;
  }
}
