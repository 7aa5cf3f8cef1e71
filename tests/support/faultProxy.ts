/**
 * A loopback HTTP proxy in front of Keystone or Glance that injects faults, for the fault
 * suites (tests/faults). It runs inside the jest process, records every request with its
 * timestamps, and decides each request's fate through rules the test gives it.
 *
 * Replayable: a seeded decision (`chance`, `fraction`) depends only on the seed, the request
 * (method, path with UUIDs masked, body) and how many times that same request was seen
 * before, never on arrival order. The engine runs creates in parallel, so the order changes
 * from run to run, but the same seed injects the same faults into the same requests.
 *
 * Faults: an HTTP status (503, 429 + Retry-After, ...), a connection reset before anything
 * is forwarded, a forwarded request whose response is cut (the server did the work, the
 * client never hears of it) or replaced by a gateway's 502/504, latency before forwarding, a stalled response after forwarding,
 * and "down" modes (503 to everything, or the port refusing connections).
 */
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo, Socket } from "net";

/** What happens to one request. */
export type FaultAction =
  | { kind: "forward" }
  /** Answer this status without forwarding (503, 429 with a Retry-After header, ...). */
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string }
  /** Destroy the client connection before anything reaches the server. */
  | { kind: "reset" }
  /** Forward, read the server's whole answer, then destroy the client connection. */
  | { kind: "cutResponse" }
  /** Forward, then answer `status` instead of the server (a gateway that passed it on, then failed). */
  | { kind: "gatewayError"; status: 502 | 504 }
  /**
   * Wait `ms` before forwarding (nothing is forwarded if the client gave up meanwhile), and
   * optionally hold the server's answer `stallMs` more.
   */
  | { kind: "delay"; ms: number; stallMs?: number }
  /** Forward at once, but hold the server's answer `ms` before passing it on. */
  | { kind: "stallResponse"; ms: number };

/** A request as a rule sees it. */
export interface RequestInfo {
  /** 1-based arrival number at this proxy. */
  seq: number;
  method: string;
  /** Path without query string. */
  path: string;
  /** `method path body` with UUIDs masked: the same logical request across runs. */
  key: string;
  /** 1 for the first time this key arrives, 2 for its first retry, ... */
  attempt: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** Date.now() when the request (headers and body) had arrived. */
  arrivedAt: number;
}

/** What the proxy did with a request, for assertions after the run. */
export interface RecordedRequest extends Omit<RequestInfo, "headers"> {
  action: FaultAction["kind"] | "down-503" | "refused-while-down";
  /** Status sent to the client (undefined if the connection was destroyed instead). */
  status?: number;
  /** Status the server answered, when the request was forwarded. */
  upstreamStatus?: number;
  /** Date.now() when the server's answer arrived at the proxy. */
  upstreamAnsweredAt?: number;
  /** Date.now() when the answer was sent or the connection destroyed. */
  respondedAt?: number;
  /** Retry-After sent to the client, as given. */
  retryAfter?: string;
  /** The client disconnected before the answer was sent. */
  clientGone?: boolean;
  /** First 12 hex digits of sha256(X-Auth-Token): which token was used, without keeping it. */
  tokenDigest?: string;
  /** The upstream this request was forwarded to. */
  upstream?: string;
}

/**
 * Decides a request's fate; may be async (to do something, e.g. revoke a token, before the
 * request goes on). Returning undefined passes the request to the next rule; when no rule
 * decides, the request is forwarded.
 */
export type FaultRule = (
  request: RequestInfo,
  proxy: FaultProxy,
) => FaultAction | undefined | Promise<FaultAction | undefined>;

export type ProxyMode = "normal" | "down-503" | "down-refuse";

const uuidPattern = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;

export function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 12);
}

/** A number in [0, 1) that depends only on its parts (sha256 of them). */
export function seededFraction(...parts: (string | number)[]): number {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FaultProxy {
  readonly requests: RecordedRequest[] = [];
  /** Tokens Keystone issued through this proxy (`x-subject-token`); in memory only. */
  readonly issuedTokens: string[] = [];
  /** Rules, asked in order for every request. */
  rules: FaultRule[] = [];
  url = "";
  port = 0;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly seen = new Map<string, number>();
  private modeValue: ProxyMode = "normal";
  private seq = 0;
  private active = 0;

  /**
   * @param target the server's base URL (scheme, host, port), changeable with `target`.
   * @param seed for the seeded decisions; printed by the tests so a failure can be replayed.
   */
  constructor(
    public target: string,
    readonly seed: string = "0",
    readonly name = "proxy",
  ) {}

  get mode(): ProxyMode {
    return this.modeValue;
  }

  /** Deterministic: true for about `probability` of the requests, the same ones for a seed. */
  chance(request: RequestInfo, probability: number, salt = ""): boolean {
    return this.fraction(request, salt) < probability;
  }

  fraction(request: RequestInfo, salt = ""): number {
    return seededFraction(this.seed, salt, request.key, request.attempt);
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await this.listen(port);
    this.url = `http://127.0.0.1:${this.port}`;
    return this.url;
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => {
        this.server!.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server!.address() as AddressInfo).port;
  }

  /**
   * "down-503": every request is answered 503 at once. "down-refuse": the port is closed and
   * open connections are destroyed, so clients see ECONNREFUSED (or a reset). "normal" again
   * re-opens the same port.
   */
  async setMode(mode: ProxyMode): Promise<void> {
    const previous = this.modeValue;
    this.modeValue = mode;
    if (mode === "down-refuse" && previous !== "down-refuse") {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
    } else if (mode !== "down-refuse" && previous === "down-refuse") {
      await this.listen(this.port);
    }
  }

  /** Requests matching a method and a path pattern (and optionally a predicate). */
  matching(
    method: string,
    pathPattern: RegExp = /.*/,
    predicate: (r: RecordedRequest) => boolean = () => true,
  ): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method && pathPattern.test(r.path) && predicate(r),
    );
  }

  count(method: string, pathPattern: RegExp = /.*/): number {
    return this.matching(method, pathPattern).length;
  }

  /** Requests received and not yet answered (or dropped). */
  get inFlight(): number {
    return this.active;
  }

  /** Resolves once no request has been in flight for `quietMs`. */
  async settled(quietMs = 300, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      if (this.active > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= quietMs) return;
      await sleep(20);
    }
    throw new Error(`${this.name} proxy: still ${this.active} request(s) in flight`);
  }

  /** A burst of resets: destroys every client connection, idle or mid-request. */
  resetAllConnections(): number {
    const count = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    return count;
  }

  /** Forgets the recorded requests and attempt counters (the rules stay). */
  clear(): void {
    this.requests.length = 0;
    this.seen.clear();
  }

  /** One line per action and status, for the test log. */
  summary(): string {
    const counts = new Map<string, number>();
    for (const r of this.requests) {
      const what = `${r.method} ${r.action}${r.status ? ` ${r.status}` : ""}${
        r.upstreamStatus && r.upstreamStatus !== r.status ? ` (server ${r.upstreamStatus})` : ""
      }`;
      counts.set(what, (counts.get(what) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort()
      .map(([what, n]) => `${n} × ${what}`)
      .join(", ");
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server?.listening) {
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    this.agent.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.active += 1;
    try {
      await this.handleRequest(req, res);
    } catch {
      // The client vanished mid-request (a reset of ours, or its own timeout): nothing to answer.
      res.destroy();
    } finally {
      this.active -= 1;
    }
  }

  private async handleRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? "";
    const path = (req.url ?? "").split("?")[0];
    const key = `${method} ${path.replace(uuidPattern, "{uuid}")} ${body.toString("utf8")}`;
    const attempt = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, attempt);
    const token = req.headers["x-auth-token"];
    const info: RequestInfo = {
      seq: ++this.seq,
      method,
      path,
      key,
      attempt,
      body: body.toString("utf8"),
      headers: req.headers,
      arrivedAt: Date.now(),
    };
    const record: RecordedRequest = {
      seq: info.seq,
      method,
      path,
      key,
      attempt,
      body: info.body,
      arrivedAt: info.arrivedAt,
      action: "forward",
      ...(typeof token === "string" ? { tokenDigest: tokenDigest(token) } : {}),
    };
    this.requests.push(record);
    let clientGone = false;
    res.on("close", () => {
      if (!res.writableFinished) clientGone = true;
    });

    if (this.modeValue === "down-503") {
      record.action = "down-503";
      return this.answer(res, record, 503, {}, '{"message": "fault proxy: service down"}');
    }
    if (this.modeValue === "down-refuse") {
      // Accepted just before the port closed: treat it as refused.
      record.action = "refused-while-down";
      record.respondedAt = Date.now();
      req.socket.destroy();
      return;
    }

    let action: FaultAction = { kind: "forward" };
    for (const rule of this.rules) {
      const decided = await rule(info, this);
      if (decided) {
        action = decided;
        break;
      }
    }
    record.action = action.kind;

    switch (action.kind) {
      case "status":
        if (action.headers?.["Retry-After"]) record.retryAfter = action.headers["Retry-After"];
        return this.answer(res, record, action.status, action.headers ?? {}, action.body ?? "");
      case "reset":
        record.respondedAt = Date.now();
        req.socket.destroy();
        return;
      case "delay":
        await sleep(action.ms);
        if (clientGone) {
          record.clientGone = true;
          record.respondedAt = Date.now();
          return;
        }
        break;
      default:
        break;
    }

    let upstream: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    try {
      record.upstream = this.target;
      upstream = await this.forward(req, body);
    } catch (error) {
      return this.answer(res, record, 502, {}, `fault proxy: ${(error as Error).message}`);
    }
    record.upstreamStatus = upstream.status;
    record.upstreamAnsweredAt = Date.now();
    const issued = upstream.headers["x-subject-token"];
    if (typeof issued === "string" && method === "POST" && upstream.status === 201) {
      this.issuedTokens.push(issued);
    }
    if (action.kind === "cutResponse") {
      record.respondedAt = Date.now();
      req.socket.destroy();
      return;
    }
    if (action.kind === "gatewayError") {
      return this.answer(
        res,
        record,
        action.status,
        {},
        '{"message": "fault proxy: gateway error"}',
      );
    }
    if (action.kind === "stallResponse") {
      await sleep(action.ms);
    } else if (action.kind === "delay" && action.stallMs) {
      await sleep(action.stallMs);
    }
    if (clientGone) {
      record.clientGone = true;
      record.respondedAt = Date.now();
      return;
    }
    const headers = { ...upstream.headers };
    delete headers["transfer-encoding"];
    delete headers["connection"];
    delete headers["keep-alive"];
    headers["content-length"] = String(upstream.body.length);
    record.status = upstream.status;
    record.respondedAt = Date.now();
    res.writeHead(upstream.status, headers as http.OutgoingHttpHeaders);
    res.end(upstream.body);
  }

  private answer(
    res: http.ServerResponse,
    record: RecordedRequest,
    status: number,
    headers: Record<string, string>,
    body: string,
  ): void {
    record.status = status;
    record.respondedAt = Date.now();
    res.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  }

  private forward(
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const target = new URL(this.target);
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
    delete headers["connection"];
    delete headers["keep-alive"];
    delete headers["transfer-encoding"];
    headers["content-length"] = String(body.length);
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: this.agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(chunks),
            }),
          );
          answer.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });
  }
}
