/**
 * The cloud as the benchmark sees it: Keystone and Glance behind counting proxies (the tests'
 * CountingProxy, loopback targets only, at most 64 connections to each), and the memberships
 * a scenario asks for. Counting at the server side works whatever the client (this provider,
 * the bridged provider, OpenTofu, the OpenStack CLI); the Keystone proxy rewrites the catalog,
 * so that catalog-following clients reach Glance through the Glance proxy too.
 */
import { CountingProxy } from "../tests/support/countingProxy";
import * as fs from "fs";
import * as path from "path";
import {
  CloudFile,
  GlanceDriver,
  IdentityFile,
  cloudJsonPath,
  localCloudDirOf,
  osEnvironmentOf,
} from "../tests/support/realCloud";

function loopbackProxy(target: string): CountingProxy {
  const host = new URL(target).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
    throw new Error(`the benchmark's proxies forward to loopback targets only, not ${target}`);
  }
  return new CountingProxy(target, { maxSockets: 64 });
}

/** Requests of `proxy` from index `since` on, grouped as "METHOD kind" (kind: auth, member, ...). */
function requestKinds(proxy: CountingProxy, since: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of proxy.requests.slice(since)) {
    const key = `${r.method} ${kindOf(r.path)}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
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

/**
 * Keystone's request log of the local cloud: the token validations Glance asks for (`GET
 * /v3/auth/tokens`) go to Keystone directly, around the proxies, so only its log shows them.
 */
function keystoneLogOf(cloudJson: string): string | undefined {
  const dir = localCloudDirOf(cloudJson);
  const log = dir && path.join(dir, "log", "keystone.log");
  return log && fs.existsSync(log) ? log : undefined;
}

function logSize(file: string | undefined): number {
  return file ? fs.statSync(file).size : 0;
}

/** Lines of `GET /v3/auth/tokens` in the log from byte `since` on. */
function validationsSince(file: string, since: number): number {
  const fd = fs.openSync(file, "r");
  try {
    const length = fs.fstatSync(fd).size - since;
    const buffer = Buffer.alloc(Math.max(0, length));
    fs.readSync(fd, buffer, 0, buffer.length, since);
    return buffer.toString("utf8").match(/GET \/v3\/auth\/tokens/g)?.length ?? 0;
  } finally {
    fs.closeSync(fd);
  }
}

export class Cloud {
  readonly keystone: CountingProxy;
  readonly glance: CountingProxy;
  readonly driver: GlanceDriver;
  readonly owner: IdentityFile;
  private readonly keystoneLog = keystoneLogOf(cloudJsonPath());

  /** `glanceTarget`: the glance-api the proxy forwards to, when not the one in the catalog. */
  constructor(
    readonly file: CloudFile,
    glanceTarget = file.glanceUrl,
  ) {
    this.owner = file.identities.owner;
    this.keystone = loopbackProxy(file.keystoneUrl);
    this.glance = loopbackProxy(glanceTarget);
    this.driver = new GlanceDriver(file, this.owner);
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

  /** The owner's credentials as `openstack:*` stack config (same keys for ours and bridged). */
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

  /** The owner's credentials as `OS_*` variables (the provider plugin, OpenTofu). */
  ownerEnvironment(): Record<string, string> {
    return osEnvironmentOf(this.owner, this.authUrl);
  }

  marks(): Marks {
    return [this.glance.requests.length, this.keystone.requests.length, logSize(this.keystoneLog)];
  }

  countsSince([g, k, log]: Marks) {
    const auths = this.keystone.requests
      .slice(k)
      .filter((r) => r.method === "POST" && /\/auth\/tokens$/.test(r.path));
    return {
      glanceTotal: this.glance.requests.length - g,
      glance: requestKinds(this.glance, g),
      keystoneTotal: this.keystone.requests.length - k,
      keystoneAuths: auths.length,
      keystone: requestKinds(this.keystone, k),
      ...(this.keystoneLog && { keystoneValidations: validationsSince(this.keystoneLog, log) }),
    };
  }

  async stop(): Promise<void> {
    await this.glance.stop();
    await this.keystone.stop();
  }
}

export function memberIdOf(m: number): string {
  return `bec4${"0".repeat(25)}${String(m).padStart(3, "0")}`;
}

export function pairsOf(imageIds: string[], perImage: number): [string, string][] {
  return imageIds.flatMap((imageId) =>
    Array.from({ length: perImage }, (_, m) => [imageId, memberIdOf(m)] as [string, string]),
  );
}
