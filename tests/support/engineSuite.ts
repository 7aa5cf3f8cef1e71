/**
 * The end-to-end tier's set-up, written once: each file (or describe block) runs programs under
 * the real engine against the real Keystone + Glance of cloud.json, with an owner that makes
 * the images and deletes them afterwards, optionally counting proxies in front of Keystone and
 * Glance, and folders and stacks removed after the block whatever happened in it. Hooks are
 * registered where the block calls `underTheEngine`; what they load is read through getters.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "./childProcess";
import { runAll } from "./cleanup";
import { CountingProxy, startCloudProxies } from "./countingProxy";
import { PulumiProject } from "./pulumiEngine";
import { CloudFile, GlanceDriver, IdentityFile, loadCloudFile, stackConfigOf } from "./realCloud";

export interface EngineSuite {
  readonly cloud: CloudFile;
  /** The owner's Glance: makes the block's images and deletes them after it. */
  readonly owner: GlanceDriver;
  /** Counting proxies in front of Keystone and Glance (`proxies: true`). */
  readonly keystone: CountingProxy;
  readonly glance: CountingProxy;
  /** Runs `step` after the block (last registered, first run), whatever happened in it. */
  afterBlock(step: () => unknown): void;
  /** A new folder in the temporary directory, removed after the block. */
  folder(prefix: string): string;
  /**
   * A user's project in a folder of its own: `files` (its program, its Pulumi.yaml, …) and the
   * repository's node_modules (@pulumi/pulumi, the package as installed for the examples).
   */
  userProject(prefix: string, files: Record<string, string>): string;
  /**
   * Destroys `stack` (when it was made) and removes its folder after the block, before any
   * other step and before the owner deletes the images; the last registered first. `env`: the
   * variables the destroy runs with (credentials other than the stack's own).
   */
  destroyAfter(stack: () => PulumiProject | undefined, env?: () => Record<string, string>): void;
  /** Requests both proxies saw while `run` ran, as "METHOD /path". */
  counted<T>(run: () => Promise<T>): Promise<{ result: T; sent: string[] }>;
}

export interface EngineOptions {
  /** Per test, in milliseconds. */
  timeout?: number;
  /** Counting proxies in front of Keystone and Glance. */
  proxies?: boolean;
}

/** Call at the top of an end-to-end test file or describe block. */
export function underTheEngine(options: EngineOptions = {}): EngineSuite {
  jest.setTimeout(options.timeout ?? 600_000);
  let loaded: { cloud: CloudFile; owner: GlanceDriver } | undefined;
  let proxies: { keystone: CountingProxy; glance: CountingProxy } | undefined;
  // Stacks are destroyed first (their state may live in a folder), then the rest is removed.
  const stacks: (() => unknown)[] = [];
  const steps: (() => unknown)[] = [];
  beforeAll(async () => {
    const cloud = loadCloudFile();
    loaded = { cloud, owner: new GlanceDriver(cloud, cloud.identities.owner) };
    if (options.proxies) proxies = await startCloudProxies(cloud);
  });
  afterAll(() =>
    runAll([
      ...stacks.reverse(),
      ...steps.reverse(),
      () => loaded?.owner.cleanUp(),
      () => proxies?.glance.stop(),
      () => proxies?.keystone.stop(),
    ]),
  );
  const ready = () => {
    if (!loaded) throw new Error("read before beforeAll ran: use it in a hook or a test");
    return loaded;
  };
  const proxy = () => {
    if (!proxies) throw new Error("no proxies: call underTheEngine({ proxies: true })");
    return proxies;
  };
  const folder = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    steps.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  return {
    get cloud() {
      return ready().cloud;
    },
    get owner() {
      return ready().owner;
    },
    get keystone() {
      return proxy().keystone;
    },
    get glance() {
      return proxy().glance;
    },
    afterBlock: (step) => void steps.push(step),
    folder,
    userProject(prefix, files) {
      const dir = folder(prefix);
      for (const [name, text] of Object.entries(files))
        fs.writeFileSync(path.join(dir, name), text);
      fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"));
      return dir;
    },
    destroyAfter(stack, env) {
      stacks.push(() =>
        runAll([
          () => stack()?.destroy({ allowFailure: true, ...(env && { env: env() }) }),
          () => stack()?.cleanUp(),
        ]),
      );
    },
    async counted(run) {
      const { keystone, glance } = proxy();
      const [k, g] = [keystone.requests.length, glance.requests.length];
      const result = await run();
      const sent = [...keystone.requests.slice(k), ...glance.requests.slice(g)].map(
        (r) => `${r.method} ${r.path}`,
      );
      return { result, sent };
    },
  };
}

/** Writes `files` into `dir` beside a link to the repository's node_modules; returns `dir`. */
export function writeUserProject(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** The files of a TypeScript Pulumi project called `name` whose index.ts is `program`. */
export function typescriptProject(name: string, program: string): Record<string, string> {
  return {
    "Pulumi.yaml": `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
    "index.ts": program,
    "package.json": JSON.stringify({ name, private: true }),
  };
}

/**
 * `pulumi stack init` with `identity`'s stack config (its password as a secret) and `config`
 * (values that are not strings as JSON).
 */
export async function initAs(
  project: PulumiProject,
  identity: IdentityFile,
  config: Record<string, unknown> = {},
): Promise<void> {
  const { "openstack:password": password, ...credentials } = stackConfigOf(identity);
  const values = Object.entries({ ...credentials, ...config }).map(([key, value]) => [
    key,
    typeof value === "string" ? value : JSON.stringify(value),
  ]);
  await project.init(Object.fromEntries(values), { "openstack:password": password });
}

/** A YAML program sharing `imageId` with `memberId` through the plugin's ImageMember. */
export function pluginMemberYaml(name: string, pluginDir: string): string {
  return `name: ${name}
runtime: yaml
plugins:
  providers:
    - name: imagemembers
      path: ${pluginDir}
config:
  imageId:
    type: string
  memberId:
    type: string
resources:
  share:
    type: imagemembers:index:ImageMember
    properties:
      imageId: \${imageId}
      memberId: \${memberId}
`;
}
