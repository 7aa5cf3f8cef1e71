import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot, runTypeScript } from "../support/childProcess";
import { DynamicProviderServer } from "../support/dynamicProviderServer";
import { FakeCloud } from "../support/fakeCloud";
import { runAll } from "../support/cleanup";

const urn = "urn:pulumi:dev::test-project::pulumi-nodejs:dynamic/images:ImageMember::share";

// These tests run the build (dist/), which must not be older than the sources.
beforeAll(() => assertFreshBuild(projectRoot));

describe("the real dynamic-provider server (the process the engine runs)", () => {
  let cloud: FakeCloud;
  let server: DynamicProviderServer;
  let providerText: string;

  beforeAll(async () => {
    cloud = new FakeCloud();
    await cloud.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grpc-"));
    await runTypeScript("tests/support/serializeProvider.ts", [path.join(dir, "provider.js")]);
    providerText = fs.readFileSync(path.join(dir, "provider.js"), "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    server = await DynamicProviderServer.start();
  }, 60_000);
  afterAll(() => runAll([() => server?.stop(), () => cloud?.stop()]));

  test("Configure, Check, Diff, Create, Read, Update and Delete over gRPC", async () => {
    const owner = cloud.project("owner");
    const image = cloud.addImage("owner");
    const member = cloud.project("consumer2").id;
    // Stack config as the engine sends it: secrets already decrypted, project-qualified keys.
    await server.configure({
      "openstack:authUrl": `${cloud.url}/v3`,
      "openstack:userId": owner.user.id,
      "openstack:password": owner.user.password,
      "openstack:tenantId": owner.id,
      "test-project:unrelated": "x",
    });
    const news = { imageId: image.id, memberId: member, __provider: providerText };

    const bad = await server.check(urn, {}, { ...news, imageId: "nope", memberId: "a/b" });
    expect(bad.failures.map((f) => f.property)).toEqual(["imageId", "memberId"]);
    expect(bad.failures[0].reason).toContain("imageId must be the UUID of an image");
    expect(cloud.glanceRequests()).toHaveLength(0);

    const checked = await server.check(urn, {}, news);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.__provider).toBe(providerText);

    const created = await server.create(urn, checked.inputs);
    expect(created.id).toBe(`${image.id}/${member}`);
    expect(created.properties).toMatchObject({
      imageId: image.id,
      memberId: member,
      status: "pending",
      __provider: providerText,
    });

    const same = await server.diff(urn, created.id, created.properties, news);
    expect(same).toEqual({ changes: 1 /* DIFF_NONE */, replaces: [], deleteBeforeReplace: false });
    const changed = await server.diff(urn, created.id, created.properties, {
      ...news,
      memberId: "other",
    });
    expect(changed).toEqual({
      changes: 2 /* DIFF_SOME */,
      replaces: ["memberId"],
      deleteBeforeReplace: false,
    });

    cloud.members.get(image.id)![0].status = "accepted";
    const read = await server.read(urn, created.id, created.properties);
    expect(read.id).toBe(created.id);
    expect(read.properties).toMatchObject({ status: "accepted", __provider: providerText });
    expect(read.inputs).toEqual({ imageId: image.id, memberId: member, __provider: providerText });

    const updated = await server.update(urn, created.id, created.properties, news);
    expect(updated).toMatchObject({
      imageId: image.id,
      memberId: member,
      status: "accepted",
      createdAt: expect.any(String),
    });

    await server.delete(urn, created.id, read.properties);
    expect(cloud.members.get(image.id)).toEqual([]);

    // Gone now: a refresh must drop it (an empty id).
    const gone = await server.read(urn, created.id, read.properties);
    expect(gone.id).toBe("");

    expect(cloud.authentications()).toHaveLength(1);
    const errors = server.stderr();
    expect(errors).not.toContain(owner.user.password);
  }, 60_000);

  test("a failing create reaches the engine as the provider's explained message", async () => {
    const image = cloud.addImage("owner", "private");
    const error = await server
      .create(urn, { imageId: image.id, memberId: "p1", __provider: providerText })
      .catch((e: Error) => e);
    expect(String(error)).toContain(
      `Cannot share image ${image.id} with project p1: image ${image.id} has visibility "private"`,
    );
  });
});
