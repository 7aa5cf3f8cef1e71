/**
 * A loopback HTTP proxy that counts what reaches Keystone or Glance, so the benchmark counts
 * requests at the server side whatever the client (our provider, the bridged provider, the
 * OpenStack CLI). Unlike tests/support/countingProxy.ts it can also rewrite the URLs in the
 * server's answers (Keystone's catalog and version documents), so that clients which follow
 * the catalog (the CLI, the bridged provider) also reach Glance and Keystone through proxies.
 * It listens on 127.0.0.1 and forwards only to the loopback target it was given.
 */
import * as http from "http";
import { AddressInfo } from "net";

export interface SeenRequest {
  method: string;
  path: string;
  status: number;
}

export class BenchProxy {
  readonly requests: SeenRequest[] = [];
  url = "";
  private server?: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  /** Pairs [from, to] replaced in every JSON answer (set after start, once all URLs are known). */
  rewrites: [string, string][] = [];

  constructor(readonly target: string) {
    const host = new URL(target).hostname;
    if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
      throw new Error(`BenchProxy forwards to loopback targets only, not ${target}`);
    }
  }

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = http.createServer((req, res) => {
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
          this.requests.push({
            method: req.method ?? "",
            path: (req.url ?? "").split("?")[0],
            status: answer.statusCode ?? 0,
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

  /** Requests seen from index `since` on, grouped as "METHOD kind" (kind: auth, member, ...). */
  summarize(since: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests.slice(since)) {
      const key = `${r.method} ${kindOf(r.path)}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  count(since: number, method?: string, pattern: RegExp = /.*/): number {
    return this.requests
      .slice(since)
      .filter((r) => (!method || r.method === method) && pattern.test(r.path)).length;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.agent.destroy();
  }
}

function kindOf(path: string): string {
  if (/\/auth\/tokens$/.test(path)) return "auth/tokens";
  if (/\/images\/[^/]+\/members\/[^/]+$/.test(path)) return "images/{id}/members/{member}";
  if (/\/images\/[^/]+\/members$/.test(path)) return "images/{id}/members";
  if (/\/images\/[^/]+$/.test(path)) return "images/{id}";
  if (/\/images$/.test(path)) return "images";
  if (/\/projects/.test(path)) return "projects";
  if (/^\/(v3|v2(\.\d+)?)?\/?$/.test(path)) return "version discovery";
  return path;
}
