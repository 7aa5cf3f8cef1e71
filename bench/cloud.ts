/**
 * The cloud as the benchmark sees it: the one a cloud.json describes (PIM_CLOUD_JSON, or the
 * local cloud's), its Keystone and Glance behind counting proxies (loopback targets only, at
 * most 64 connections to each), and the images a scenario shares. Counting at the server side
 * works whatever the client (this provider, the bridged provider, OpenTofu, the OpenStack
 * CLI); the Keystone proxy rewrites the catalog, so that catalog-following clients reach
 * Glance through the Glance proxy too.
 */
import * as fs from "fs";
import * as path from "path";
import { resolveCloudConfig } from "../provider/identity/resolve";
import { KeystoneSession } from "../provider/identity/session";
import { settingsFromStack } from "../provider/identity/settings";
import { HttpClient } from "../provider/transport/http";
import { CountingProxy } from "../tests/support/countingProxy";
import {
  CloudFile,
  GlanceDriver,
  cloudJsonPath,
  localCloudDirOf,
  osEnvironmentOf,
  stackConfigOf,
} from "../tests/support/realCloud";

/**
 * Keystone's request log of the local cloud: the token validations Glance asks for (`GET
 * /v3/auth/tokens`) go to Keystone directly, around the proxies, so only its log shows them.
 */
const keystoneLogDir = localCloudDirOf(cloudJsonPath());
const keystoneLog = keystoneLogDir && path.join(keystoneLogDir, "log", "keystone.log");
const hasKeystoneLog = keystoneLog !== undefined && fs.existsSync(keystoneLog);

/** Lines of `GET /v3/auth/tokens` in Keystone's log from byte `since` on. */
function validationsSince(since: number): number {
  const fd = fs.openSync(keystoneLog!, "r");
  try {
    const buffer = Buffer.alloc(Math.max(0, fs.fstatSync(fd).size - since));
    fs.readSync(fd, buffer, 0, buffer.length, since);
    return buffer.toString("utf8").match(/GET \/v3\/auth\/tokens/g)?.length ?? 0;
  } finally {
    fs.closeSync(fd);
  }
}

function loopbackProxy(target: string): CountingProxy {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(new URL(target).hostname)) {
    throw new Error(`the benchmark's proxies forward to loopback targets only, not ${target}`);
  }
  return new CountingProxy(target, { maxSockets: 64 });
}

/** Requests of `proxy` from index `since` on, grouped as "METHOD kind" (auth/tokens, member, ...). */
function kindsSince(proxy: CountingProxy, since: number): Record<string, number> {
  const kinds: [RegExp, string][] = [
    [/\/auth\/tokens$/, "auth/tokens"],
    [/\/images\/[^/]+\/members\/[^/]+$/, "images/{id}/members/{member}"],
    [/\/images\/[^/]+\/members$/, "images/{id}/members"],
    [/\/images\/[^/]+$/, "images/{id}"],
    [/\/images$/, "images"],
    [/\/projects/, "projects"],
    [/^\/(v3|v2(\.\d+)?)?\/?$/, "version discovery"],
  ];
  const out: Record<string, number> = {};
  for (const r of proxy.requests.slice(since)) {
    const key = `${r.method} ${kinds.find(([re]) => re.test(r.path))?.[1] ?? r.path}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Where the counts of an operation start: Glance and Keystone requests, Keystone's log bytes. */
export type Marks = [number, number, number];

export class Cloud {
  readonly keystone: CountingProxy;
  readonly glance: CountingProxy;
  readonly owner: CloudFile["identities"]["owner"];
  /** Makes and deletes the scenarios' images, around the proxies. */
  readonly driver: GlanceDriver;

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

  /** The owner's credentials as `openstack:*` stack config, through the Keystone proxy. */
  stackConfig(): Record<string, string> {
    return stackConfigOf({ ...this.owner, authUrl: this.authUrl });
  }

  /** The owner's credentials as `OS_*` variables (the provider plugin, OpenTofu, the CLI). */
  ownerEnvironment(): Record<string, string> {
    return osEnvironmentOf(this.owner, this.authUrl);
  }

  /** A session of the owner through the project's own identity layer and the proxies. */
  session(): KeystoneSession {
    const stack = this.stackConfig();
    const config = resolveCloudConfig({ stack: settingsFromStack((k) => stack[k]), env: {} });
    return new KeystoneSession(new HttpClient(), config);
  }

  marks(): Marks {
    const logBytes = hasKeystoneLog ? fs.statSync(keystoneLog!).size : 0;
    return [this.glance.requests.length, this.keystone.requests.length, logBytes];
  }

  countsSince([g, k, log]: Marks) {
    const auths = this.keystone.requests
      .slice(k)
      .filter((r) => r.method === "POST" && /\/auth\/tokens$/.test(r.path));
    return {
      glanceTotal: this.glance.requests.length - g,
      glance: kindsSince(this.glance, g),
      keystoneTotal: this.keystone.requests.length - k,
      keystoneAuths: auths.length,
      keystone: kindsSince(this.keystone, k),
      ...(hasKeystoneLog && { keystoneValidations: validationsSince(log) }),
    };
  }

  async stop(): Promise<void> {
    await this.driver.cleanUp().catch(() => undefined);
    await this.glance.stop();
    await this.keystone.stop();
  }
}

export function memberIdOf(m: number): string {
  return `bec4${"0".repeat(25)}${String(m).padStart(3, "0")}`;
}
