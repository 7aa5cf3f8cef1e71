/**
 * The cloud as the benchmark sees it: the one a cloud.json describes (PIM_CLOUD_JSON, or the
 * local cloud's), its Keystone and Glance behind counting proxies (loopback targets only, at
 * most 64 connections to each), and the images a scenario shares. Counting at the server side
 * works whatever the client (this provider, the bridged provider, OpenTofu, the OpenStack
 * CLI); the Keystone proxy rewrites the catalog, so that catalog-following clients reach
 * Glance through the Glance proxy too.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { resolveCloudConfig } from "../provider/identity/resolve";
import { KeystoneSession } from "../provider/identity/session";
import { settingsFromStack } from "../provider/identity/settings";
import { HttpClient } from "../provider/transport/http";
import { projectRoot } from "./measure";

/** The fields of cloud.json the benchmark reads (scripts/local-cloud.sh writes it). */
export interface CloudFile {
  keystoneUrl: string;
  glanceUrl: string;
  /** The owner's authUrl, username, password, projectName, *DomainName and region. */
  identities: { owner: Record<string, string> };
}

const cloudJson = path.resolve(
  process.env.PIM_CLOUD_JSON ?? path.join(projectRoot, ".local-cloud/env/cloud.json"),
);

export function loadCloudFile(): CloudFile {
  if (!fs.existsSync(cloudJson)) {
    throw new Error(
      `No cloud to test against (${cloudJson} is missing): run "sudo bash scripts/local-cloud.sh up" for the local ` +
        `Keystone + Glance, or set PIM_CLOUD_JSON to a cloud.json describing yours (see CONTRIBUTING.md, "Your own cloud").`,
    );
  }
  return JSON.parse(fs.readFileSync(cloudJson, "utf8")) as CloudFile;
}

/**
 * Keystone's request log when the cloud.json is the local cloud's (`<dir>/env/cloud.json`):
 * the token validations Glance asks for (`GET /v3/auth/tokens`) go to Keystone directly,
 * around the proxies, so only its log shows them.
 */
const keystoneLog = path.join(path.dirname(path.dirname(cloudJson)), "log", "keystone.log");
const hasKeystoneLog =
  path.basename(path.dirname(cloudJson)) === "env" && fs.existsSync(keystoneLog);

/** Lines of `GET /v3/auth/tokens` in Keystone's log from byte `since` on. */
function validationsSince(since: number): number {
  const fd = fs.openSync(keystoneLog, "r");
  try {
    const buffer = Buffer.alloc(Math.max(0, fs.fstatSync(fd).size - since));
    fs.readSync(fd, buffer, 0, buffer.length, since);
    return buffer.toString("utf8").match(/GET \/v3\/auth\/tokens/g)?.length ?? 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** A loopback proxy that records the method and path of every request reaching the server. */
class CountingProxy {
  readonly requests: { method: string; path: string }[] = [];
  /** Pairs [from, to] replaced in every JSON answer (set after start, once all URLs are known). */
  rewrites: [string, string][] = [];
  url = "";
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly server = http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.target.host },
        agent: this.agent,
      },
      (answer) => {
        this.requests.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0] });
        if (this.rewrites.length === 0 || !/json/.test(answer.headers["content-type"] ?? "")) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          let text = Buffer.concat(chunks).toString("utf8");
          for (const [from, to] of this.rewrites) text = text.split(from).join(to);
          const headers = { ...answer.headers, "content-length": String(Buffer.byteLength(text)) };
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(text);
        });
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });

  constructor(private readonly target: URL) {
    if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) {
      throw new Error(`the benchmark's proxies forward to loopback targets only, not ${target}`);
    }
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests from index `since` on, grouped as "METHOD kind" (kind: auth/tokens, member, ...). */
  kindsSince(since: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests.slice(since)) {
      const key = `${r.method} ${kindOf(r.path)}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
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

/** Where the counts of an operation start: Glance and Keystone requests, Keystone's log bytes. */
export type Marks = [number, number, number];

export class Cloud {
  readonly keystone: CountingProxy;
  readonly glance: CountingProxy;
  readonly owner: CloudFile["identities"]["owner"];
  private readonly images: string[] = [];
  /** The owner's session that makes and deletes the images, around the proxies. */
  private readonly setUp: KeystoneSession;

  /** `glanceTarget`: the glance-api the proxy forwards to, when not the one in the catalog. */
  constructor(
    readonly file: CloudFile,
    glanceTarget = file.glanceUrl,
  ) {
    this.owner = file.identities.owner;
    this.keystone = new CountingProxy(new URL(file.keystoneUrl));
    this.glance = new CountingProxy(new URL(glanceTarget));
    this.setUp = this.session(this.owner.authUrl);
  }

  async start(): Promise<void> {
    await this.keystone.start();
    await this.glance.start();
    // Keystone's answers (catalog, version documents) name Keystone and Glance: point them at
    // the proxies, so every client's later requests are counted too.
    this.keystone.rewrites = [
      [new URL(this.file.keystoneUrl).origin, this.keystone.url],
      [new URL(this.file.glanceUrl).origin, this.glance.url],
    ];
  }

  get authUrl(): string {
    return `${this.keystone.url}${new URL(this.owner.authUrl).pathname}`;
  }

  /** The owner's credentials as `openstack:*` stack config, without the password. */
  stackConfig(): Record<string, string> {
    return {
      "openstack:authUrl": this.authUrl,
      "openstack:userName": this.owner.username,
      "openstack:tenantName": this.owner.projectName,
      "openstack:userDomainName": this.owner.userDomainName,
      "openstack:projectDomainName": this.owner.projectDomainName,
      "openstack:region": this.owner.region,
    };
  }

  /** The owner's credentials as `OS_*` variables (the provider plugin, OpenTofu, the CLI). */
  ownerEnvironment(): Record<string, string> {
    return {
      OS_AUTH_URL: this.authUrl,
      OS_USERNAME: this.owner.username,
      OS_PASSWORD: this.owner.password,
      OS_PROJECT_NAME: this.owner.projectName,
      OS_USER_DOMAIN_NAME: this.owner.userDomainName,
      OS_PROJECT_DOMAIN_NAME: this.owner.projectDomainName,
      OS_REGION_NAME: this.owner.region,
    };
  }

  /** A session of the owner through the project's own identity layer (through the proxies). */
  session(authUrl = this.authUrl): KeystoneSession {
    const stack: Record<string, string> = {
      ...this.stackConfig(),
      "openstack:authUrl": authUrl,
      "openstack:password": this.owner.password,
    };
    const config = resolveCloudConfig({ stack: settingsFromStack((k) => stack[k]), env: {} });
    return new KeystoneSession(new HttpClient(), config);
  }

  /** A new shared image of the owner's, deleted by `cleanUp`. */
  async createImage(): Promise<string> {
    const glance = await this.setUp.imageService();
    const name = `pim-test-${randomUUID().slice(0, 8)}`;
    const body = { name, disk_format: "raw", container_format: "bare", visibility: "shared" };
    const { body: image } = await this.setUp.http.request({
      method: "POST",
      url: `${glance.endpoint}/v2/images`,
      json: body,
      authorizer: this.setUp,
    });
    this.images.push((image as { id: string }).id);
    return (image as { id: string }).id;
  }

  marks(): Marks {
    const logBytes = hasKeystoneLog ? fs.statSync(keystoneLog).size : 0;
    return [this.glance.requests.length, this.keystone.requests.length, logBytes];
  }

  countsSince([g, k, log]: Marks) {
    const auths = this.keystone.requests
      .slice(k)
      .filter((r) => r.method === "POST" && /\/auth\/tokens$/.test(r.path));
    return {
      glanceTotal: this.glance.requests.length - g,
      glance: this.glance.kindsSince(g),
      keystoneTotal: this.keystone.requests.length - k,
      keystoneAuths: auths.length,
      keystone: this.keystone.kindsSince(k),
      ...(hasKeystoneLog && { keystoneValidations: validationsSince(log) }),
    };
  }

  async stop(): Promise<void> {
    const glance = await this.setUp.imageService().catch(() => undefined);
    for (const id of glance ? this.images.splice(0) : []) {
      const url = `${glance!.endpoint}/v2/images/${id}`;
      await this.setUp.http
        .request({ method: "DELETE", url, authorizer: this.setUp })
        .catch(() => undefined);
    }
    await this.glance.stop();
    await this.keystone.stop();
  }
}

export function memberIdOf(m: number): string {
  return `bec4${"0".repeat(25)}${String(m).padStart(3, "0")}`;
}
