/**
 * Credentials are judged where a pipeline sees them: with no source at all (no `openstack:*`
 * credential in the stack config, no `OS_*` variable, no clouds.yaml entry named), `check`
 * fails for a resource that would need the cloud, naming every place it looked, so `pulumi
 * preview` fails where `up` would; an unchanged resource only warns. A 401 from Keystone says
 * which source the credentials came from, and which clouds.yaml entry of which file, never the
 * secret. The dynamic provider (configured as the engine does) and the plugin process alike.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import {
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import { unknownValue } from "../../provider/core/validation";
import { useWarningSink } from "../../provider/core/warnings";
import { FakeCloud } from "../support/fakeCloud";
import { pluginUrn, startPluginProcess } from "../support/pluginProcess";
import {
  onFakeCloud,
  openStackEnv,
  passwordConfig,
  stackConfig,
  withoutOpenStackEnv,
} from "../support/providerHarness";

const image = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const member = "edc89b490d7d4392898e19b2deb34797";

let dir: string;
const home = process.env.HOME;
const warnings: string[] = [];

beforeEach(() => {
  withoutOpenStackEnv();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-credentials-"));
  // No clouds.yaml in the user's folder either: the test's own HOME.
  process.env.HOME = dir;
  warnings.length = 0;
  useWarningSink(async (message) => void warnings.push(message));
});
afterEach(() => {
  useWarningSink(undefined);
  withoutOpenStackEnv();
  process.env.HOME = home;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function configured(values: Record<string, string> = {}): Promise<ImageMemberProvider> {
  const provider = new ImageMemberProvider();
  await provider.configure(stackConfig(values));
  return provider;
}

describe("no credential source at all", () => {
  test("check of a new resource fails, naming the stack config, the OS_* variables and clouds.yaml's places", async () => {
    const provider = await configured({ "test-project:unrelated": "x" });
    const result = await provider.check({} as never, { imageId: image, memberId: member });
    expect(result.failures).toHaveLength(1);
    const [failure] = result.failures!;
    expect(failure!.property).toBe("cloud");
    expect(failure!.reason).toMatch(
      /^ImageMember cannot reach the cloud: no credentials were found for the stack\. Looked at: the stack config \(none of openstack:cloud, openstack:authUrl, .*openstack:password.* is set\), the environment \(none of OS_CLOUD, OS_AUTH_URL, .*OS_PASSWORD.*HW_ACCESS_KEY.* is set\), and clouds\.yaml \(none in \//,
    );
    expect(failure!.reason).toContain(path.join(dir, ".config", "openstack", "clouds.yaml"));
    expect(failure!.reason).toContain("Set OS_CLOUD to an entry of clouds.yaml");
    expect(warnings).toEqual([]);
  });

  test("an ImageMemberAcceptance's check names it", async () => {
    const provider = new ImageMemberAcceptanceProvider();
    await provider.configure(stackConfig({}));
    const result = await provider.check({} as never, { imageId: image, status: "accepted" });
    expect(result.failures).toEqual([
      {
        property: "cloud",
        reason: expect.stringMatching(
          /^ImageMemberAcceptance cannot reach the cloud: no credentials were found for the stack\./,
        ),
      },
    ]);
  });

  test("a clouds.yaml nobody names: its file and clouds are said", async () => {
    const file = path.join(dir, "clouds.yaml");
    fs.writeFileSync(file, yaml.dump({ clouds: { ops: {}, dev: {} } }));
    process.env.OS_CLIENT_CONFIG_FILE = file;
    const provider = new ImageMembersProvider();
    await provider.configure(stackConfig({}));
    const result = await provider.check({} as never, { imageId: image, projects: { a: member } });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      expect.stringContaining(
        `and clouds.yaml (${file} defines "ops", "dev", but neither OS_CLOUD nor openstack:cloud names one)`,
      ),
    ]);
  });

  test("an unchanged resource only warns: nothing in the run needs the cloud", async () => {
    const provider = await configured();
    const inputs = { imageId: image, memberId: member };
    const result = await provider.check(
      { ...inputs, __provider: "old" } as never,
      { ...inputs, __provider: "new" } as never,
    );
    expect(result.failures).toEqual([]);
    // A second unchanged resource: the same words are not said again (they concern the run).
    await provider.check(inputs as never, inputs as never);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^no credentials were found for the stack\. Looked at: .* Nothing in this run needs the cloud yet, but any change, refresh or destroy will fail\.$/,
      ),
    ]);
    const changed = await provider.check(inputs, { ...inputs, region: "RegionTwo" });
    expect(changed.failures?.map((f) => f.property)).toEqual(["cloud"]);
  });

  test("any source passes: a stack config key, an OS_* variable, OS_CLOUD, or the resource's cloud input", async () => {
    const inputs = { imageId: image, memberId: member };
    const fromStack = await configured({ "openstack:authUrl": "http://keystone.test/v3" });
    expect((await fromStack.check({} as never, inputs)).failures).toEqual([]);
    process.env.OS_AUTH_URL = "http://keystone.test/v3";
    expect((await (await configured()).check({} as never, inputs)).failures).toEqual([]);
    delete process.env.OS_AUTH_URL;
    process.env.OS_CLOUD = "ops"; // whether it exists is judged when it is used
    expect((await (await configured()).check({} as never, inputs)).failures).toEqual([]);
    delete process.env.OS_CLOUD;
    const file = path.join(dir, "clouds.yaml");
    fs.writeFileSync(file, yaml.dump({ clouds: { ops: { auth: { auth_url: "http://k/v3" } } } }));
    process.env.OS_CLIENT_CONFIG_FILE = file;
    const withCloud = await (await configured()).check({} as never, { ...inputs, cloud: "ops" });
    // The entry itself is judged by the cloud input's own check; no source is missing.
    expect(withCloud.failures?.map((f) => f.reason).join()).not.toContain("no credentials");
    expect(warnings).toEqual([]);
  });

  test("a cloud input known only after apply is a source; an empty one is none", async () => {
    const provider = await configured();
    const inputs = { imageId: image, memberId: member };
    const later = await provider.check({} as never, { ...inputs, cloud: unknownValue });
    expect(later.failures?.map((f) => f.reason).join()).not.toContain("cannot reach the cloud");
    const empty = await provider.check({} as never, { ...inputs, cloud: "" });
    expect(empty.failures?.map((f) => f.reason)).toContainEqual(
      expect.stringMatching(/^ImageMember cannot reach the cloud: no credentials were found/),
    );
  });

  test("unchanged is judged on the inputs, not their order; a resource new to the stack is never unchanged", async () => {
    const provider = await configured();
    const reordered = await provider.check({ memberId: member, imageId: image } as never, {
      imageId: image,
      memberId: member,
    });
    expect(reordered.failures).toEqual([]);
    expect(warnings).toHaveLength(1);
    // No inputs on either side (a new resource that gives none): nothing to compare.
    const nothing = await provider.check({} as never, {} as never);
    expect(nothing.failures?.map((f) => f.property)).toContain("cloud");
  });

  test("the plugin's providers, never configured, judge their environment at check", async () => {
    const provider = new ImageMemberProvider();
    provider.judgeCredentialsAtCheck();
    const result = await provider.check({} as never, { imageId: image, memberId: member });
    expect(result.failures?.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^ImageMember cannot reach the cloud: no credentials were found/),
    ]);
  });

  test("a provider object never configured (no stack to judge) leaves credentials alone", async () => {
    const result = await new ImageMemberProvider().check({} as never, {
      imageId: image,
      memberId: member,
    });
    expect(result.failures).toEqual([]);
  });

  test("the plugin process, whose credentials are its environment: the same failure at check", async () => {
    const cleared = Object.fromEntries(
      Object.keys(openStackEnv(new FakeCloud())).map((k) => [k, ""]),
    );
    const plugin = await startPluginProcess("pim-credentials-", () => cleared);
    try {
      const image2 = plugin.cloud.addImage("owner");
      const result = await plugin.server.check(
        pluginUrn("ImageMember", "share"),
        {},
        { imageId: image2.id, memberId: member },
      );
      expect(result.failures).toEqual([
        {
          property: "cloud",
          reason: expect.stringMatching(
            /^ImageMember cannot reach the cloud: no credentials were found for the stack\. Looked at: .*clouds\.yaml \(none in \//,
          ),
        },
      ]);
      expect(plugin.cloud.log).toEqual([]);
    } finally {
      await plugin.stop();
    }
  }, 60_000);
});

describe("a 401 names where the credentials came from, never the secret", () => {
  const fake = onFakeCloud();

  const wrong = "not-the-password-3f9c";

  async function createFails(provider: ImageMemberProvider): Promise<string> {
    const img = fake.cloud.addImage("owner");
    const error = await provider.create({ imageId: img.id, memberId: member }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).not.toContain(wrong);
    return error!.message;
  }

  test("the stack config", async () => {
    const provider = new ImageMemberProvider();
    await provider.configure(passwordConfig(fake.cloud, "owner", { "openstack:password": wrong }));
    expect(await createFails(provider)).toMatch(
      /Keystone rejected the credentials from the stack config \(openstack:\*\)\. Check the user, password .* there\..*HTTP 401/,
    );
  });

  test("the OS_* variables, with the region from the stack config", async () => {
    Object.assign(process.env, openStackEnv(fake.cloud, "owner"), { OS_PASSWORD: wrong });
    const provider = await configured({ "openstack:region": "RegionOne" });
    expect(await createFails(provider)).toContain(
      "Keystone rejected the credentials from the OS_* environment variables, other settings from the stack config (openstack:*).",
    );
  });

  test("the clouds.yaml entry OS_CLOUD names, with its file", async () => {
    const project = fake.cloud.project("owner");
    const file = path.join(dir, "clouds.yaml");
    fs.writeFileSync(
      file,
      yaml.dump({
        clouds: {
          ops: {
            auth: {
              auth_url: `${fake.cloud.url}/v3`,
              username: project.user.name,
              password: wrong,
              project_name: project.name,
              user_domain_name: "Default",
              project_domain_name: "Default",
            },
          },
        },
      }),
    );
    Object.assign(process.env, { OS_CLIENT_CONFIG_FILE: file, OS_CLOUD: "ops" });
    expect(await createFails(await configured())).toContain(
      `Keystone rejected the credentials from clouds.yaml entry "ops" of ${file} (chosen by OS_CLOUD).`,
    );
  });
});
