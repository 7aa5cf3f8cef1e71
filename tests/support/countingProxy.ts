/**
 * A loopback HTTP proxy in front of Keystone or Glance that counts what reaches the server,
 * so tests measure requests at the server side rather than trusting the provider's word.
 */
import * as http from "http";
import { AddressInfo } from "net";

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
}

export class CountingProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Tokens Keystone issued through this proxy, so tests can search for them where they must not be. */
  readonly issuedTokens: string[] = [];
  url = "";
  private server?: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(private readonly target: string) {}

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
          const token = answer.headers["x-subject-token"];
          if (typeof token === "string") this.issuedTokens.push(token);
          this.requests.push({
            method: req.method ?? "",
            path: (req.url ?? "").split("?")[0],
            status: answer.statusCode ?? 0,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
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
