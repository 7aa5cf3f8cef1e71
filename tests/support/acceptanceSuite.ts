/**
 * The acceptance tier's set-up, written once: each file runs the providers in-process against
 * the real Keystone + Glance of cloud.json, with the shell's OS_* variables removed (they must
 * not leak in), an owner that makes the images and deletes them after the file, and Pulumi's
 * mocks for files that call the look-ups as a program would. Hooks are registered where the
 * file calls these functions; the values they load are read through getters once they ran.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { closeAfterEachTest } from "./cleanup";
import { useCloudsYaml, writeCloudsYaml } from "./cloudsYaml";
import { withoutOpenStackEnv } from "./providerHarness";
import {
  CloudFile,
  configureRequest,
  GlanceDriver,
  identityPasswords,
  loadCloudFile,
  secretsShownIn,
  stackConfigOf,
} from "./realCloud";

export interface RealCloudSuite {
  readonly cloud: CloudFile;
  /** The owner's Glance: makes this file's images and deletes them after it. */
  readonly owner: GlanceDriver;
  /** `provider` configured with the stack config of cloud.json's `identity` (plus `extra`). */
  configuredAs<T extends Configurable>(
    provider: T,
    identity: string,
    extra?: Record<string, string>,
  ): Promise<T>;
}

type Configurable = { configure(request: unknown): Promise<void> };

export interface RealCloudOptions {
  /** Per test, in milliseconds. */
  timeout?: number;
  /** Pulumi's mocks, for the look-ups called as a program calls them. */
  programs?: boolean;
}

/** Reads a value a hook loads, failing clearly when read before the hook ran. */
function loadedBy<T>(hook: string): { set(value: T): void; get(): T; peek(): T | undefined } {
  let value: T | undefined;
  return {
    set: (v) => void (value = v),
    peek: () => value,
    get: () => {
      if (value === undefined)
        throw new Error(`read before ${hook} ran: use it in a hook or a test`);
      return value;
    },
  };
}

/** Call at the top of an acceptance test file. */
export function onRealCloud(options: RealCloudOptions = {}): RealCloudSuite {
  withoutOpenStackEnv();
  jest.setTimeout(options.timeout ?? 120_000);
  if (options.programs) {
    pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) },
      "project",
      "stack",
    );
  }
  const loaded = loadedBy<{ cloud: CloudFile; owner: GlanceDriver }>("beforeAll");
  beforeAll(() => {
    const cloud = loadCloudFile();
    loaded.set({ cloud, owner: new GlanceDriver(cloud, cloud.identities.owner) });
  });
  afterAll(() => loaded.peek()?.owner.cleanUp());
  return {
    get cloud() {
      return loaded.get().cloud;
    },
    get owner() {
      return loaded.get().owner;
    },
    async configuredAs(provider, identity, extra = {}) {
      const stack = stackConfigOf(loaded.get().cloud.identities[identity], extra);
      await provider.configure(configureRequest(stack));
      return provider;
    },
  };
}

export interface IdentitiesSuite extends RealCloudSuite {
  readonly consumer1: GlanceDriver;
  readonly ownerId: string;
  readonly consumer1Id: string;
  readonly consumer2Id: string;
  /** A password no identity has, for secure.yaml entries that must fail. */
  readonly wrongPassword: string;
  /** Every password a message must not show, by what it is. */
  readonly secrets: Record<string, string>;
  /** This test's clouds.yaml + secure.yaml folder, which OS_CLIENT_*_FILE point at. */
  readonly dir: string;
  readonly cloudsFile: string;
  readonly closeAfterTest: ReturnType<typeof closeAfterEachTest>;
  expectNoSecret(value: unknown): void;
}

/**
 * Per-resource identity's set-up: the real cloud, and a clouds.yaml entry `pim-<identity>` for
 * every identity written with its secure.yaml into each test's own folder (`folderPrefix…`).
 */
export function identitiesOnRealCloud(folderPrefix: string): IdentitiesSuite {
  const real = onRealCloud({ timeout: 180_000, programs: true });
  const closeAfterTest = closeAfterEachTest();
  const wrongPassword = `wrong-${randomUUID()}`;
  const consumer1 = loadedBy<GlanceDriver>("beforeAll");
  const dir = loadedBy<string>("beforeEach");
  beforeAll(() => consumer1.set(new GlanceDriver(real.cloud, real.cloud.identities.consumer1)));
  beforeEach(() => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
    writeCloudsYaml(real.cloud, folder);
    dir.set(folder);
    const restore = useCloudsYaml(folder);
    closeAfterTest(() => {
      restore();
      fs.rmSync(folder, { recursive: true, force: true });
    });
  });
  const projectId = (identity: string) => real.cloud.identities[identity].projectId;
  const secrets = () => ({ ...identityPasswords(real.cloud), "the wrong password": wrongPassword });
  return {
    get cloud() {
      return real.cloud;
    },
    get owner() {
      return real.owner;
    },
    configuredAs: (provider, identity, extra) => real.configuredAs(provider, identity, extra),
    get consumer1() {
      return consumer1.get();
    },
    get ownerId() {
      return projectId("owner");
    },
    get consumer1Id() {
      return projectId("consumer1");
    },
    get consumer2Id() {
      return projectId("consumer2");
    },
    wrongPassword,
    get secrets() {
      return secrets();
    },
    get dir() {
      return dir.get();
    },
    get cloudsFile() {
      return path.join(dir.get(), "clouds.yaml");
    },
    closeAfterTest,
    expectNoSecret: (value) => expect(secretsShownIn(value, secrets())).toEqual([]),
  };
}

/** A member as the look-ups return it: its dates are Glance's, only their zone is known. */
export function memberRow(memberId: string, status: string) {
  return {
    memberId,
    status,
    createdAt: expect.stringMatching(/Z$/),
    updatedAt: expect.stringMatching(/Z$/),
  };
}
