/** The cloud, seen through counting proxies, and the memberships a scenario asks for. */
import { CloudFile, GlanceDriver, IdentityFile, osEnvironmentOf } from "../tests/support/realCloud";
import { BenchProxy } from "./proxy";

export class Cloud {
  readonly keystone: BenchProxy;
  readonly glance: BenchProxy;
  readonly driver: GlanceDriver;
  readonly owner: IdentityFile;

  /** `glanceTarget`: the glance-api the proxy forwards to, when not the one in the catalog. */
  constructor(
    readonly file: CloudFile,
    glanceTarget = file.glanceUrl,
  ) {
    this.owner = file.identities.owner;
    this.keystone = new BenchProxy(file.keystoneUrl);
    this.glance = new BenchProxy(glanceTarget);
    this.driver = new GlanceDriver(file, this.owner);
  }

  async start(): Promise<void> {
    await this.keystone.start();
    await this.glance.start();
    const keystoneBase = new URL(this.file.keystoneUrl).origin;
    const glanceBase = new URL(this.file.glanceUrl).origin;
    // Keystone's answers (catalog, version documents) name Keystone and Glance: point them at
    // the proxies, so every client's later requests are counted too.
    this.keystone.rewrites = [
      [keystoneBase, this.keystone.url],
      [glanceBase, this.glance.url],
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

  /**
   * The owner's credentials as `OS_*` variables, for the provider plugin (it reads no stack
   * config). Keystone's catalog, rewritten by its proxy, sends it to Glance through the other.
   */
  ownerEnvironment(): Record<string, string> {
    return osEnvironmentOf(this.owner, this.authUrl);
  }

  marks(): [number, number] {
    return [this.glance.requests.length, this.keystone.requests.length];
  }

  countsSince([g, k]: [number, number]) {
    return {
      glanceTotal: this.glance.requests.length - g,
      glance: this.glance.summarize(g),
      keystoneTotal: this.keystone.requests.length - k,
      keystoneAuths: this.keystone.countSince(k, "POST", /\/auth\/tokens$/),
      keystone: this.keystone.summarize(k),
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
