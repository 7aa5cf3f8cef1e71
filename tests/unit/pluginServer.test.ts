/**
 * The provider plugin as the engine runs it: bin/pulumi-resource-imagemembers started as an
 * executable, spoken to over gRPC, against the fake cloud. The same runtime as the dynamic
 * resources answers: the same check failures, one POST per member, one authentication per
 * identity for the process; credentials from OS_* and from the `cloud` input only.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ImageMemberProvider } from "../../provider";
import { generateSchema } from "../../scripts/plugin-schema";
import { projectRoot } from "../support/childProcess";
import { DynamicProviderServer } from "../support/dynamicProviderServer";
import { FakeCloud } from "../support/fakeCloud";
import { PluginProcess, pluginUrn as urn, startPluginProcess } from "../support/pluginProcess";

const secretSig = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

describe("the provider plugin process (bin/pulumi-resource-imagemembers)", () => {
  let plugin: PluginProcess | undefined;
  let cloud: FakeCloud;
  let server: DynamicProviderServer;

  beforeAll(async () => {
    plugin = await startPluginProcess("pim-plugin-", (fake, dir) => {
      const entry = (name: string) => {
        const project = fake.project(name);
        return {
          auth: {
            auth_url: `${fake.url}/v3`,
            username: project.user.name,
            project_name: project.name,
            user_domain_name: "Default",
            project_domain_name: "Default",
          },
        };
      };
      fs.writeFileSync(
        path.join(dir, "clouds.yaml"),
        yaml.dump({ clouds: { c1: entry("consumer1"), c2: entry("consumer2") } }),
      );
      fs.writeFileSync(
        path.join(dir, "secure.yaml"),
        yaml.dump({
          clouds: Object.fromEntries(
            ["consumer1", "consumer2"].map((name, i) => [
              `c${i + 1}`,
              { auth: { password: fake.project(name).user.password } },
            ]),
          ),
        }),
      );
      return {
        OS_CLIENT_CONFIG_FILE: path.join(dir, "clouds.yaml"),
        OS_CLIENT_SECURE_FILE: path.join(dir, "secure.yaml"),
      };
    });
    ({ cloud, server } = plugin);
  }, 60_000);

  afterAll(() => plugin?.stop());

  test("reports the package version and serves the schema generated from the sources", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
    expect(await server.pluginVersion()).toBe(manifest.version);
    const schema = JSON.parse(await server.schema());
    expect(schema).toEqual(generateSchema());
    expect(Object.keys(schema.resources)).toEqual([
      "imagemembers:index:ImageMember",
      "imagemembers:index:ImageMemberAcceptance",
      "imagemembers:index:ImageMembers",
    ]);
    // The TypeScript-only `accept` of ImageMembers is not an input of the plugin resource.
    expect(
      Object.keys(schema.resources["imagemembers:index:ImageMembers"].inputProperties),
    ).toEqual([
      "imageId",
      "projects",
      "memberIds",
      "region",
      "adoptExisting",
      "cloud",
      "exclusive",
    ]);
  });

  test("check refuses bad input with the dynamic resource's very failures, before any request", async () => {
    const image = cloud.addImage("owner");
    const bad = { imageId: image.id, memberId: "a/b", region: " x" };
    const requestsBefore = cloud.log.length;
    const plugin = await server.check(urn("ImageMember", "bad"), {}, bad);
    const dynamic = await new ImageMemberProvider().check({} as never, bad as never);
    expect(plugin.failures).toEqual(dynamic.failures);
    expect(plugin.failures.map((f) => f.property)).toContain("memberId");
    expect(plugin.failures[0]!.reason).toContain("memberId must be the id of a project");
    expect(cloud.log).toHaveLength(requestsBefore);
  });

  test("ImageMember: create is one POST, read on import gives inputs, diff replaces, delete removes (again when the member comes back); one authentication", async () => {
    const image = cloud.addImage("owner");
    const memberId = cloud.project("consumer1").id;
    const type = urn("ImageMember", "share");
    const checked = await server.check(type, {}, { imageId: image.id, memberId });
    expect(checked.failures).toEqual([]);

    const before = cloud.glanceRequests().length;
    const created = await server.create(type, checked.inputs);
    expect(
      cloud
        .glanceRequests()
        .slice(before)
        .map((r) => r.method),
    ).toEqual(["POST"]);
    expect(created.id).toBe(`${image.id}/${memberId}`);
    expect(created.properties).toMatchObject({ imageId: image.id, memberId, status: "pending" });
    expect(created.properties.managingProjectId).toBe(cloud.project("owner").id);

    // `pulumi import` reads with the id only.
    const imported = await server.read(type, created.id, {});
    expect(imported.id).toBe(created.id);
    expect(imported.inputs).toEqual({ imageId: image.id, memberId });

    expect(await server.diff(type, created.id, created.properties, checked.inputs)).toEqual({
      changes: 1 /* DIFF_NONE */,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(
      await server.diff(type, created.id, created.properties, {
        ...checked.inputs,
        memberId: "p9",
      }),
    ).toEqual({ changes: 2 /* DIFF_SOME */, replaces: ["memberId"], deleteBeforeReplace: false });

    // The member written back after its DELETE (the member project's PUT racing it), as the
    // dynamic resource does: read back, deleted again.
    cloud.memberComesBack(image.id, memberId, 1, "accepted");
    const beforeDelete = cloud.glanceRequests().length;
    await server.delete(type, created.id, created.properties);
    expect(
      cloud
        .glanceRequests()
        .slice(beforeDelete)
        .map((r) => `${r.method} ${r.status}`),
    ).toEqual(["DELETE 204", "GET 200", "DELETE 204", "GET 404"]);
    expect(cloud.members.get(image.id)).toEqual([]);
    expect((await server.read(type, created.id, created.properties)).id).toBe("");
    expect(cloud.authentications()).toHaveLength(1);
  });

  test("ImageMemberAcceptance with a cloud input acts as that clouds.yaml entry's project", async () => {
    const image = cloud.addImage("owner");
    const c2 = cloud.project("consumer2").id;
    const shared = await server.create(urn("ImageMember", "to-c2"), {
      imageId: image.id,
      memberId: c2,
    });
    const type = urn("ImageMemberAcceptance", "c2-accepts");
    const accepted = await server.create(type, {
      imageId: image.id,
      status: "accepted",
      cloud: "c2",
    });
    expect(accepted.id).toBe(`${image.id}/${c2}`);
    expect(accepted.properties).toMatchObject({
      status: "accepted",
      cloud: "c2",
      managingProjectId: c2,
    });
    expect(cloud.members.get(image.id)![0]!.status).toBe("accepted");
    await server.delete(type, accepted.id, accepted.properties);
    expect(cloud.members.get(image.id)![0]!.status).toBe("rejected");
    await server.delete(urn("ImageMember", "to-c2"), shared.id, shared.properties);
  });

  test("a secret input arrives plain at the runtime and comes back secret", async () => {
    const image = cloud.addImage("owner");
    const memberId = cloud.project("consumer2").id;
    const type = urn("ImageMember", "secret");
    const inputs = { imageId: image.id, memberId: { ...secretSig, value: memberId } };
    const checked = await server.check(type, {}, inputs);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.memberId).toEqual({ ...secretSig, value: memberId });
    const created = await server.create(type, checked.inputs);
    expect(created.id).toBe(`${image.id}/${memberId}`);
    expect(created.properties.memberId).toEqual({ ...secretSig, value: memberId });
    expect(created.properties.imageId).toBe(image.id);
    await server.delete(type, created.id, created.properties);
    expect(cloud.members.get(image.id)).toEqual([]);
  });

  test("a type it does not serve is an error naming those it does", async () => {
    const error = await server
      .create("urn:pulumi:dev::p::imagemembers:index:Nope::x", {})
      .catch((e: Error) => e);
    expect(String(error)).toContain(
      "unknown resource type imagemembers:index:Nope; this plugin serves imagemembers:index:ImageMember",
    );
  });
});
