/**
 * A loopback HTTP proxy in front of Keystone or Glance that counts what reaches the server,
 * so tests (and the benchmark) measure requests at the server side rather than trusting the
 * client's word. It can also rewrite URLs in the server's JSON answers (Keystone's catalog
 * and version documents), so that clients which follow the catalog reach the other services
 * through proxies too.
 */
import * as http from "http";
import { AddressInfo } from "net";

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The query string, without its `?` ("" when none). */
  query: string;
  status: number;
  /** Date.now() when the request reached the proxy, and when its answer was passed on. */
  arrivedAt: number;
  answeredAt: number;
}

export class CountingProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Tokens Keystone issued through this proxy, so tests can search for them where they must not be. */
  readonly issuedTokens: string[] = [];
  /** Pairs [from, to] replaced in every JSON answer (set after start, once all URLs are known). */
  rewrites: [string, string][] = [];
  /**
   * Milliseconds to hold the server's answer to a request before passing it on (the server has
   * done the work): widens a window so that what runs concurrently with it shows in the timestamps.
   */
  holdAnswer?: (method: string, path: string) => number;
  url = "";
  private server?: http.Server;
  private readonly agent: http.Agent;

  constructor(
    readonly target: string,
    options: { maxSockets?: number } = {},
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  }

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = http.createServer((req, res) => {
      const arrivedAt = Date.now();
      const path = (req.url ?? "").split("?")[0];
      const pass = (answer: http.IncomingMessage) => {
        const token = answer.headers["x-subject-token"];
        if (typeof token === "string") this.issuedTokens.push(token);
        this.requests.push({
          method: req.method ?? "",
          path,
          query: (req.url ?? "").split("?")[1] ?? "",
          status: answer.statusCode ?? 0,
          arrivedAt,
          answeredAt: Date.now(),
        });
        const type = String(answer.headers["content-type"] ?? "");
        if (this.rewrites.length === 0 || !type.includes("json")) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          let text = Buffer.concat(chunks).toString("utf8");
          for (const [from, to] of this.rewrites) text = text.split(from).join(to);
          const body = Buffer.from(text, "utf8");
          const headers = { ...answer.headers, "content-length": String(body.length) };
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      };
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          agent: this.agent,
        },
        (answer) => {
          const hold = this.holdAnswer?.(req.method ?? "", path) ?? 0;
          if (hold > 0) setTimeout(() => pass(answer), hold);
          else pass(answer);
        },
      );
      upstream.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  count(method: string, pathPattern: RegExp = /.*/): number {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path)).length;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.agent.destroy();
  }
}

/**
 * Counting proxies in front of Keystone and Glance; Keystone's catalog is rewritten so that
 * clients following it reach Glance through its proxy too.
 */
export async function startCloudProxies(cloud: {
  keystoneUrl: string;
  glanceUrl: string;
}): Promise<{ keystone: CountingProxy; glance: CountingProxy }> {
  const glance = new CountingProxy(cloud.glanceUrl);
  await glance.start();
  const keystone = new CountingProxy(cloud.keystoneUrl);
  await keystone.start();
  keystone.rewrites = [[cloud.glanceUrl, glance.url]];
  return { keystone, glance };
}
