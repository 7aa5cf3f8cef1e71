/** The data types, fixed texts and small helpers of the fake cloud (tests/support/fakeCloud.ts). */

export interface FakeProject {
  id: string;
  name: string;
  user: { id: string; name: string; password: string };
}

export interface FakeImage {
  id: string;
  owner: string;
  visibility: "shared" | "private" | "public" | "community";
  name: string | null;
  created_at: string;
  updated_at: string;
}

export interface MemberRow {
  member_id: string;
  image_id: string;
  status: "pending" | "accepted" | "rejected";
  created_at: string;
  updated_at: string;
  schema: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  service: "keystone" | "glance";
  /** The auth headers seen, so tests can prove which token was used. */
  token?: string;
  /** The query string, without its `?`. */
  query?: string;
}

/** A fault to apply to the next matching request. */
export interface Fault {
  /** Whether the fault answers this request (`body`: the request's, as sent). */
  match: (method: string, path: string, body: string) => boolean;
  /** Answer with this status instead of serving the request (after serving it if `served`). */
  status?: number;
  /** With `status`: serve the request first, as a gateway that passed it on and then failed. */
  served?: boolean;
  /** Serve the request, then answer its success with this body instead of the real one. */
  rewriteBody?: (body: unknown) => unknown;
  /** The body of that answer (a Glance-style message otherwise). */
  body?: string;
  retryAfter?: string;
  /** Serve the request, then cut the connection before any answer. */
  dropResponse?: boolean;
  /** Cut the connection without serving the request. */
  resetBeforeServing?: boolean;
  times: number;
}

export const unauthorizedText =
  "<html>\n <head>\n  <title>401 Unauthorized</title>\n </head>\n <body>\n  <h1>401 Unauthorized</h1>\n" +
  "  This server could not verify that you are authorized to access the document you requested. Either " +
  "you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to " +
  "supply the credentials required.<br /><br />\n\n\n\n </body>\n</html>";

export const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Request Entity Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface Answer {
  status: number;
  body?: unknown;
  message?: string;
  plain?: string;
  headers?: Record<string, string>;
}

export interface KeystoneAuth {
  identity?: {
    methods?: string[];
    password?: {
      user?: { id?: string; name?: string; password?: string; domain?: { name?: string } };
    };
    application_credential?: { id?: string; secret?: string };
    token?: { id?: string };
  };
  scope?: { project?: { id?: string; name?: string } };
}

export function keystoneError(status: number, message: string): Answer {
  return {
    status,
    plain: JSON.stringify({ error: { code: status, message, title: titles[status] } }),
  };
}

/** The credentials a request carried, quoted first so that no length limit cuts them off. */
export function credentialsEcho(raw: string, token: string | undefined): string {
  const found: string[] = token ? [`X-Auth-Token ${token}`] : [];
  try {
    const identity = (JSON.parse(raw || "{}") as { auth?: KeystoneAuth }).auth?.identity;
    const password = identity?.password?.user?.password;
    const secret = identity?.application_credential?.secret;
    const tokenId = identity?.token?.id;
    if (password) found.push(`password ${password}`);
    if (secret) found.push(`application credential secret ${secret}`);
    if (tokenId) found.push(`token ${tokenId}`);
  } catch {
    // not JSON: no credentials in the body
  }
  return found.length > 0 ? `Credentials received: ${found.join(", ")}.` : "";
}

/** Puts the echo at the start of the message of a JSON error body, or of a plain one. */
export function withEcho(body: string, echo: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string; error?: { message?: string } };
    const holder = parsed.error ?? parsed;
    holder.message = `${echo} ${holder.message ?? ""}`;
    return JSON.stringify(parsed);
  } catch {
    return `${echo} ${body}`;
  }
}
