/**
 * A project id given as a secret and refused by the allowed projects is named without its
 * value ("a secret project id (#2 of projects)"), in `check` and in `create` / `update`, with
 * the dynamic resources and the plugin alike: a refusal reaches the engine's output and CI
 * logs, where a secret must never appear.
 */
import * as pulumi from "@pulumi/pulumi";
import { recordingRegistrations } from "../support/recordingMocks";
import {
  configuredMembersProvider,
  configuredProvider,
  onFakeCloud,
} from "../support/providerHarness";
import { onPluginProcess, pluginUrn as urn } from "../support/pluginProcess";

const registered = recordingRegistrations();
// After setMocks: the resource modules read the mocked runtime.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ImageMember, ImageMembers } = require("../../provider") as typeof import("../../provider");

const hidden = "0123456789abcdef0123456789abcdef";
const allowed = "fedcba9876543210fedcba9876543210";
const rules = { "imagemembers:allowedProjects": allowed };

describe("a secret project id refused by the allowed projects (dynamic resources)", () => {
  const fake = onFakeCloud();

  test("ImageMember: check and create name it by its property, never by its value", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud, "owner", rules);
    const inputs = { imageId: image.id, memberId: hidden, secretInputs: ["memberId"] };
    const checked = await provider.check({} as never, inputs as never);
    expect(checked.failures).toEqual([
      {
        property: "memberId",
        reason: expect.stringContaining(
          `image ${image.id} cannot be shared with a secret project id (memberId): a secret ` +
            `project id (memberId) is not on the allowed list, imagemembers:allowedProjects`,
        ),
      },
    ]);
    expect(JSON.stringify(checked.failures)).not.toContain(hidden.slice(0, 8));
    const refused = await provider.create(inputs as never).catch((e: Error) => e);
    expect(String(refused)).toContain(
      `Cannot share image ${image.id}: a secret project id (memberId) is not on the allowed list`,
    );
    expect(String(refused)).not.toContain(hidden.slice(0, 8));
    expect(fake.cloud.log).toEqual([]);
  });

  test("ImageMember: a plain id is still named, so that it can be found", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud, "owner", rules);
    const checked = await provider.check({} as never, { imageId: image.id, memberId: hidden });
    expect(checked.failures![0]!.reason).toContain(`cannot be shared with project ${hidden}`);
  });

  test("ImageMembers from a secret list: check names the place, the property holds no id", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud, "owner", rules);
    // What the program registers for memberIds: [allowed, pulumi.secret(hidden)].
    const inputs = {
      imageId: image.id,
      projects: { [allowed]: allowed, [hidden]: hidden },
      secretInputs: ["projects"],
    };
    const checked = await provider.check({} as never, inputs as never);
    expect(checked.failures).toEqual([
      {
        property: "projects",
        reason: expect.stringContaining(
          "cannot be shared with a secret project id (#2 of projects): a secret project id " +
            "(#2 of projects) is not on the allowed list",
        ),
      },
    ]);
    expect(JSON.stringify(checked.failures)).not.toContain(hidden.slice(0, 8));
    const refused = await provider.create(inputs as never).catch((e: Error) => e);
    expect(String(refused)).toContain("a secret project id (#2 of projects) is not on the allowed");
    expect(String(refused)).not.toContain(hidden.slice(0, 8));
    expect(fake.cloud.log).toEqual([]);
  });

  test("ImageMembers with labels: a secret entry is named by its label; update refuses it too", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud, "owner", rules);
    const created = await provider.create({ imageId: image.id, projects: { ok: allowed } });
    const news = {
      imageId: image.id,
      projects: { ok: allowed, web: hidden },
      secretInputs: ["projects"],
    };
    const checked = await provider.check({} as never, news as never);
    expect(checked.failures!.map((f) => f.property)).toEqual(["projects.web"]);
    expect(checked.failures![0]!.reason).toContain("a secret project id (projects.web)");
    const sent = fake.cloud.glanceRequests().length;
    const refused = await provider.update(image.id, created.outs!, news as never).catch((e) => e);
    expect(String(refused)).toContain("a secret project id (projects.web) is not on the allowed");
    expect(String(refused)).not.toContain(hidden.slice(0, 8));
    expect(fake.cloud.glanceRequests()).toHaveLength(sent);
  });
});

describe("the program says which inputs are secret, by name only", () => {
  async function registeredInputs(make: () => pulumi.CustomResource) {
    registered.length = 0;
    const resource = make();
    await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
    return registered[0]!;
  }

  test("ImageMember: a secret memberId is listed; a plain one lists nothing", async () => {
    const secret = await registeredInputs(
      () => new ImageMember("s", { imageId: "i", memberId: pulumi.secret(hidden) }),
    );
    expect(secret.secretInputs).toEqual(["memberId"]);
    const plain = await registeredInputs(
      () => new ImageMember("p", { imageId: "i", memberId: hidden }),
    );
    expect(plain).not.toHaveProperty("secretInputs");
  });

  test("ImageMembers: a list holding a secret lists projects (the map made of it)", async () => {
    const inputs = await registeredInputs(
      () => new ImageMembers("m", { imageId: "i", memberIds: [allowed, pulumi.secret(hidden)] }),
    );
    expect(inputs.secretInputs).toEqual(["projects"]);
  });
});

describe("a secret project id refused by the allowed projects (plugin process)", () => {
  const secretSig = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
  const plugin = onPluginProcess("pim-plugin-secret-refusal-", () => ({
    PULUMI_CONFIG: JSON.stringify({ allowedProjects: `["${allowed}"]` }),
  }));

  test("check and create name it by its place; the value is in no message", async () => {
    const { cloud, server } = plugin();
    const image = cloud.addImage("owner");
    const member = await server.check(
      urn("ImageMember", "hidden"),
      {},
      { imageId: image.id, memberId: { ...secretSig, value: hidden } },
    );
    expect(member.failures).toEqual([
      {
        property: "memberId",
        reason: expect.stringContaining("a secret project id (memberId) is not on the allowed"),
      },
    ]);
    expect(JSON.stringify(member.failures)).not.toContain(hidden.slice(0, 8));
    expect(member.inputs).not.toHaveProperty("secretInputs");

    const list = await server.check(
      urn("ImageMembers", "list"),
      {},
      { imageId: image.id, memberIds: [allowed, { ...secretSig, value: hidden }] },
    );
    expect(list.failures.map((f) => f.property)).toEqual(["memberIds"]);
    expect(list.failures[0]!.reason).toContain("a secret project id (#2 of memberIds)");
    expect(JSON.stringify(list.failures)).not.toContain(hidden.slice(0, 8));

    const refused = await server
      .create(urn("ImageMember", "hidden"), {
        imageId: image.id,
        memberId: { ...secretSig, value: hidden },
      })
      .catch((e: Error) => e);
    expect(String(refused)).toContain("a secret project id (memberId) is not on the allowed list");
    expect(String(refused)).not.toContain(hidden.slice(0, 8));
    expect(cloud.log).toEqual([]);
  });
});
