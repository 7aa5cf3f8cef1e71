import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ImageMemberProvider, ImageMembersProvider } from "../../provider";
import { FakeCloud } from "./fakeCloud";

/**
 * The unit tier's set-up: a fake cloud started for each test (`"each"`) or once for the block
 * (`"all"`), and stopped after it whatever happened. Call in a describe block (or at the top of
 * a file); read `fake.cloud` in hooks and tests. The shell's `OS_*` and `HW_*` variables are
 * removed as it is called, before any test of the file runs: they cannot reach a provider on the
 * fake cloud.
 */
export function onFakeCloud(scope: "each" | "all" = "each"): { readonly cloud: FakeCloud } {
  withoutOpenStackEnv();
  let cloud: FakeCloud | undefined;
  const [before, after] = scope === "each" ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    cloud = new FakeCloud();
    await cloud.start();
  });
  after(() => cloud?.stop());
  return {
    get cloud() {
      if (!cloud) throw new Error("the fake cloud starts in a hook: read it in a hook or a test");
      return cloud;
    },
  };
}

/** A stack config as `configure` receives it. */
export function stackConfig(values: Record<string, string>) {
  return {
    config: {
      get: (key: string) => values[key],
      require: (key: string) => {
        if (values[key] === undefined) throw new Error(`missing ${key}`);
        return values[key];
      },
    },
  };
}

/** Stack config for a password login as `projectName` of the fake cloud. */
export function passwordConfig(
  cloud: FakeCloud,
  projectName = "owner",
  extra: Record<string, string> = {},
) {
  const project = cloud.project(projectName);
  return stackConfig({
    "openstack:authUrl": `${cloud.url}/v3`,
    "openstack:userName": project.user.name,
    "openstack:password": project.user.password,
    "openstack:tenantName": project.name,
    "openstack:userDomainName": "Default",
    "openstack:projectDomainName": "Default",
    ...extra,
  });
}

/** `provider` configured with a password login as `projectName` of the fake cloud. */
export async function configuredOn<T extends { configure(request: unknown): Promise<void> }>(
  provider: T,
  cloud: FakeCloud,
  projectName = "owner",
  extra: Record<string, string> = {},
): Promise<T> {
  await provider.configure(passwordConfig(cloud, projectName, extra));
  return provider;
}

export const configuredProvider = (
  cloud: FakeCloud,
  projectName?: string,
  extra?: Record<string, string>,
) => configuredOn(new ImageMemberProvider(), cloud, projectName, extra);

export const configuredMembersProvider = (
  cloud: FakeCloud,
  projectName?: string,
  extra?: Record<string, string>,
) => configuredOn(new ImageMembersProvider(), cloud, projectName, extra);

/** The `OS_*` variables of a password login as `projectName` of the fake cloud. */
export function openStackEnv(cloud: FakeCloud, projectName = "owner"): Record<string, string> {
  const project = cloud.project(projectName);
  return {
    OS_AUTH_URL: `${cloud.url}/v3`,
    OS_USERNAME: project.user.name,
    OS_PASSWORD: project.user.password,
    OS_PROJECT_NAME: project.name,
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
  };
}

/** Removes the `OS_*` and `HW_*` variables, so the shell running the tests cannot leak in. */
export function withoutOpenStackEnv(): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith("OS_") || key.startsWith("HW_")) delete process.env[key];
  }
}

/**
 * A clouds.yaml in `dir` with one entry per name, each signing in (password inline) as the
 * named project of the fake cloud, and OS_CLIENT_CONFIG_FILE pointing at it; returns its path.
 */
export function writeFakeCloudsYaml(
  cloud: FakeCloud,
  dir: string,
  entries: Record<string, string>,
): string {
  const clouds: Record<string, unknown> = {};
  for (const [name, projectName] of Object.entries(entries)) {
    const project = cloud.project(projectName);
    clouds[name] = {
      auth: {
        auth_url: `${cloud.url}/v3`,
        username: project.user.name,
        password: project.user.password,
        project_name: project.name,
        user_domain_name: "Default",
        project_domain_name: "Default",
      },
    };
  }
  const file = path.join(dir, "clouds.yaml");
  fs.writeFileSync(file, yaml.dump({ clouds }));
  process.env.OS_CLIENT_CONFIG_FILE = file;
  return file;
}
