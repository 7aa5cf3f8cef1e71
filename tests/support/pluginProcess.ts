/**
 * The provider plugin process (bin/pulumi-resource-imagemembers) as the unit tests run it:
 * started as the engine starts it, against a fresh fake cloud, as the owner.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertFreshBuild } from "./buildFreshness";
import { projectRoot } from "./childProcess";
import { runAll } from "./cleanup";
import { DynamicProviderServer } from "./dynamicProviderServer";
import { FakeCloud } from "./fakeCloud";
import { openStackEnv } from "./providerHarness";

/** The URN the engine gives a resource of the plugin's `type` named `name`. */
export const pluginUrn = (type: string, name: string) =>
  `urn:pulumi:dev::yaml-project::imagemembers:index:${type}::${name}`;

export interface PluginProcess {
  cloud: FakeCloud;
  server: DynamicProviderServer;
  /** A fresh directory, the process's HOME. */
  dir: string;
  /** Stops the process and the cloud and removes `dir`, even after a failure. */
  stop(): Promise<void>;
}

/**
 * The plugin process (see `startPluginProcess`) started once for the describe block and stopped
 * after it, whatever happened. Call what it returns in a hook or a test for the process.
 */
export function onPluginProcess(
  dirPrefix: string,
  env?: (cloud: FakeCloud, dir: string) => NodeJS.ProcessEnv,
): () => PluginProcess {
  let plugin: PluginProcess | undefined;
  beforeAll(async () => {
    plugin = await startPluginProcess(dirPrefix, env);
  }, 60_000);
  afterAll(() => plugin?.stop());
  return () => {
    if (!plugin) throw new Error("the plugin process starts in a hook: ask for it in a test");
    return plugin;
  };
}

/**
 * Starts the fake cloud, then the plugin with only PATH, HOME (a fresh directory named after
 * `dirPrefix`) and the owner's `OS_*` variables, plus what `env` adds (it may write files into
 * the directory first). The plugin runs dist/, so a stale build fails here, not as odd results.
 * Whatever fails half way is stopped before the error is thrown: nothing keeps jest waiting.
 */
export async function startPluginProcess(
  dirPrefix: string,
  env: (cloud: FakeCloud, dir: string) => NodeJS.ProcessEnv = () => ({}),
  engineAddress?: string,
): Promise<PluginProcess> {
  assertFreshBuild(projectRoot);
  const cloud = new FakeCloud();
  let dir: string | undefined;
  let server: DynamicProviderServer | undefined;
  const stop = () =>
    runAll([
      () => server?.stop(),
      () => cloud.stop(),
      () => dir && fs.rmSync(dir, { recursive: true, force: true }),
    ]);
  try {
    await cloud.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
    server = await DynamicProviderServer.start({
      plugin: true,
      ...(engineAddress === undefined ? {} : { engineAddress }),
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        ...openStackEnv(cloud, "owner"),
        ...env(cloud, dir),
      },
    });
    return { cloud, server, dir, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
