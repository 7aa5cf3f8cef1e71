/**
 * `ImageMembers` at the edges the main suites pass by: the words of `check`'s refusals, `diff`'s
 * answer for unknown projects and for `exclusive` alone, a refused cloud switch in full, the
 * headline of a failed login, a refresh whose state names a cloud no longer defined, a server
 * error while listing (not mistaken for a hidden membership), an import of a missing image or
 * of one whose member list is hidden, and the hooks that need no request at all.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ImageMembersOutputs } from "../../provider";
import { ImageMembersProvider } from "../../provider";
import { unknownValue } from "../../provider/core/validation";
import { useWarningSink } from "../../provider/core/warnings";
import {
  configuredMembersProvider,
  onFakeCloud,
  stackConfig,
  withoutOpenStackEnv,
  writeFakeCloudsYaml,
} from "../support/providerHarness";

withoutOpenStackEnv();

const member = (memberId: string, name?: string) => ({
  memberId,
  ...(name ? { name } : {}),
  status: "pending" as const,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});

describe("ImageMembers at the edges, against the fake cloud", () => {
  const fake = onFakeCloud();
  const home = process.env.HOME;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-members-edges-"));
    // No clouds.yaml of the machine's user: the test's own HOME and files.
    process.env.HOME = dir;
    useWarningSink(async () => undefined);
  });
  afterEach(() => {
    process.env.HOME = home;
    withoutOpenStackEnv();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** clouds.yaml with one entry per named project of the fake cloud. */
  const writeClouds = (entries: Record<string, string>) =>
    writeFakeCloudsYaml(fake.cloud, dir, entries);

  test("check names the property of each flag that is not a boolean, and the resource in a strict id refusal", async () => {
    const provider = await configuredMembersProvider(fake.cloud, "owner", {
      "imagemembers:strictProjectIds": "true",
    });
    const image = fake.cloud.addImage("owner");
    const result = await provider.check({} as never, {
      imageId: image.id,
      projects: { ops: "not-a-project-id" },
      adoptExisting: "yes" as never,
      exclusive: "no" as never,
    });
    expect(result.failures?.map((f) => f.property)).toEqual(
      expect.arrayContaining(["adoptExisting", "exclusive"]),
    );
    expect(result.failures?.find((f) => f.property === "adoptExisting")?.reason).toMatch(
      /adoptExisting/,
    );
    const strict = result.failures?.filter(
      (f) => !["adoptExisting", "exclusive"].includes(f.property),
    );
    expect(strict?.map((f) => f.reason)).toEqual([
      expect.stringMatching(
        /^ImageMembers: projects\.ops, the project image .* would be shared with, cannot be a project id: /,
      ),
    ]);
  });

  test("check with no credentials anywhere says that ImageMembers cannot reach the cloud", async () => {
    const provider = new ImageMembersProvider();
    await provider.configure(stackConfig({}));
    const image = fake.cloud.addImage("owner");
    const result = await provider.check({} as never, {
      imageId: image.id,
      projects: { ops: fake.cloud.project("consumer1").id },
    });
    expect(result.failures).toEqual([
      {
        property: "cloud",
        reason: expect.stringMatching(
          /^ImageMembers cannot reach the cloud: no credentials were found for the stack\./,
        ),
      },
    ]);
  });

  test("diff: projects not known yet are a change in place; exclusive alone is a change either way", async () => {
    const provider = await configuredMembersProvider(fake.cloud);
    const olds: ImageMembersOutputs = { imageId: "i", members: [member("a", "ops")] };
    expect(
      await provider.diff("i", olds, { imageId: "i", projects: unknownValue as never }),
    ).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });

    const same = { imageId: "i", projects: { ops: "a" } };
    expect((await provider.diff("i", olds, same)).changes).toBe(false);
    expect((await provider.diff("i", olds, { ...same, exclusive: true })).changes).toBe(true);
    expect((await provider.diff("i", olds, { ...same, exclusive: false })).changes).toBe(false);
    const exclusiveOlds = { ...olds, exclusive: true };
    expect((await provider.diff("i", exclusiveOlds, same)).changes).toBe(true);
    expect((await provider.diff("i", exclusiveOlds, { ...same, exclusive: true })).changes).toBe(
      false,
    );
  });

  test("diff: a switch to another project's cloud is refused with the image, the reason and the way out", async () => {
    const image = fake.cloud.addImage("owner");
    writeClouds({ owner: "owner", c1: "consumer1" });
    const provider = new ImageMembersProvider();
    await provider.configure(stackConfig({}));
    const inputs = {
      imageId: image.id,
      projects: { ops: fake.cloud.project("consumer2").id },
      cloud: "owner",
    };
    const created = await provider.create(inputs);
    const owner = fake.cloud.project("owner").id;
    const consumer1 = fake.cloud.project("consumer1").id;

    await expect(
      provider.diff(image.id, created.outs!, { ...inputs, cloud: "c1" }),
    ).rejects.toThrow(
      `Cannot change the cloud of the members of image ${image.id}: cloud "c1" (clouds.yaml) would ` +
        `act for project ${consumer1}, but this resource was made with the credentials of project ` +
        `${owner} (cloud "owner" (clouds.yaml)). Only the image's owner project can add or remove ` +
        `its members, so with the other project's credentials this resource could not be updated ` +
        `or deleted. Nothing was changed.`,
    );
  });

  test("a failed login says which image was to be shared with how many projects", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud, "owner", {
      "openstack:password": "not-the-password",
    });
    await expect(
      provider.create({ imageId: image.id, projects: { a: "p-a", b: "p-b" } }),
    ).rejects.toThrow(new RegExp(`^Cannot share image ${image.id} with 2 projects: `));
    expect(fake.cloud.glanceRequests()).toEqual([]);
  });

  test("a refresh whose state names a cloud no longer in clouds.yaml says to put it back", async () => {
    const image = fake.cloud.addImage("owner");
    writeClouds({ owner: "owner" });
    const provider = new ImageMembersProvider();
    await provider.configure(stackConfig({}));
    const created = await provider.create({
      imageId: image.id,
      projects: { ops: "p-ops" },
      cloud: "owner",
    });
    writeClouds({ renamed: "owner" });

    await expect(provider.read(image.id, created.outs!)).rejects.toThrow(
      `State records this resource with cloud "owner": a cloud renamed in the program to another ` +
        `entry of the same project is not a change`,
    );
    await expect(provider.delete(image.id, created.outs!)).rejects.toThrow(
      `State records this resource with cloud "owner"`,
    );
  });

  test("a server error while listing is reported as such, even for an image made public meanwhile", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, projects: { ops: "p-ops" } });
    image.visibility = "public";
    fake.cloud.faults.push({
      match: (m, p) => m === "GET" && p.endsWith("/members"),
      status: 500,
      times: 100,
    });

    const error = (await provider.read(image.id, created.outs!).catch((e) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot read the members of image ${image.id}: the image service failed \\(500\\) on the one request made`,
      ),
    );
    expect(error.message).not.toContain("hides its members");
  });

  test("an import of a missing image asks for the owner project's credentials and the image id alone", async () => {
    const provider = await configuredMembersProvider(fake.cloud);
    const missing = "11111111-2222-3333-4444-555555555555";
    await expect(provider.read(missing, {})).rejects.toThrow(
      `use the credentials of the image's owner project; the id to import is <image id>.`,
    );
  });

  test("an import of an image that hides its member list says nothing was imported; a refresh says its members are kept in state", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, projects: { ops: "p-ops" } });
    image.visibility = "private";

    // No state yet: nothing is kept anywhere, and the member list could not be read.
    await expect(provider.read(image.id, {})).rejects.toThrow(
      `Cannot import ImageMembers ${image.id}: image ${image.id} is "private", so the image ` +
        `service hides its member list, and nothing was imported. Make the image shared ` +
        `(openstack image set --shared ${image.id}) and import it again; if it should stay ` +
        `private, it has no members to manage, so there is nothing to import. (server said: ` +
        `HTTP 403, "Not allowed to list members for image ${image.id}: Only shared images have members."`,
    );
    // A refresh of the same image: its members are in state, and stay there.
    await expect(provider.read(image.id, created.outs!)).rejects.toThrow(
      `Cannot read the members of image ${image.id}: image ${image.id} is now "private", so the ` +
        `image service hides its members, but the memberships of project p-ops still exist and ` +
        `are kept in state.`,
    );

    // A refresh of one that holds no member: nothing is kept, and nothing can be seen.
    await expect(provider.read(image.id, { ...created.outs!, members: [] })).rejects.toThrow(
      `Cannot read the members of image ${image.id}: image ${image.id} is now "private", so the ` +
        `image service hides its members, and this resource holds none of them in state, so it ` +
        `cannot tell whether any was added. Make the image shared again`,
    );

    // A shared image whose list is refused all the same: the owner's credentials are needed.
    image.visibility = "shared";
    fake.cloud.faults.push({
      match: (m, p) => m === "GET" && p.endsWith("/members"),
      status: 403,
      times: 1,
    });
    await expect(provider.read(image.id, {})).rejects.toThrow(
      `Cannot import ImageMembers ${image.id}: the image service refused to show the member ` +
        `list of image ${image.id} to project ${fake.cloud.project("owner").id}, so nothing was ` +
        `imported. Only the image's owner project may read it, and only while the image is ` +
        `"shared" (openstack image show ${image.id} shows its visibility): import again with the ` +
        `credentials of the image's owner project; the id to import is <image id>.`,
    );
  });

  test("an update that only relabels a project, and a delete with no member, need no cloud at all", async () => {
    const image = fake.cloud.addImage("owner");
    const created = await (
      await configuredMembersProvider(fake.cloud)
    ).create({ imageId: image.id, projects: { ops: "p-ops" } });
    // A provider with no credentials anywhere: any connection would fail.
    const offline = new ImageMembersProvider();
    await offline.configure(stackConfig({}));
    const before = fake.cloud.log.length;

    const relabelled = await offline.update(image.id, created.outs!, {
      imageId: image.id,
      projects: { operations: "p-ops" },
    });
    expect(relabelled.outs?.members.map((m) => [m.memberId, m.name])).toEqual([
      ["p-ops", "operations"],
    ]);
    await offline.delete(image.id, { imageId: image.id, members: [] });
    expect(fake.cloud.log.length).toBe(before);
  });

  test("a state without a members list (edited by hand) holds no member: no change, no request", async () => {
    const offline = new ImageMembersProvider();
    await offline.configure(stackConfig({}));
    const bare = { imageId: "i" } as ImageMembersOutputs;
    const none = { imageId: "i", projects: {} };
    expect(await offline.diff("i", bare, none)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect((await offline.update("i", bare, none)).outs).toEqual({ imageId: "i", members: [] });
    await expect(offline.delete("i", bare)).resolves.toBeUndefined();
    expect(fake.cloud.log).toEqual([]);
  });

  test("a delete where one removal fails and another member comes back says both, one per line", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud);
    const created = await provider.create({
      imageId: image.id,
      projects: { a: "p-a", b: "p-b" },
    });
    fake.cloud.faults.push({
      match: (m, p) => m === "DELETE" && p.endsWith("/members/p-a"),
      status: 500,
      times: 100,
    });
    fake.cloud.memberComesBack(image.id, "p-b", Infinity, "accepted");

    const error = (await provider.delete(image.id, created.outs!).catch((e) => e)) as Error;
    const lines = error.message.split("\n");
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Cannot stop sharing image ${image.id} with 1 project of the 2 to remove \\(p-a\\)`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^Cannot stop sharing image ${image.id} with project p-b: the image service answered each of \\d+ DELETEs as done, but listed the membership again.* It keeps access to image ${image.id} and stays in this ImageMembers's state\\.`,
        ),
      ),
    ]);
  });

  test("an update adding a project shared by hand meets a conflict; with adoptExisting it takes the membership over", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, projects: { a: "p-a" } });
    const rows = fake.cloud.members.get(image.id)!;
    rows.push({ ...rows[0]!, member_id: "p-by-hand", status: "accepted" });
    const news = { imageId: image.id, projects: { a: "p-a", b: "p-by-hand" } };

    const error = (await provider.update(image.id, created.outs!, news).catch((e) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(`project p-by-hand is already a member of image ${image.id}, outside this stack`),
    );

    const adopted = await provider.update(image.id, created.outs!, {
      ...news,
      adoptExisting: true,
    });
    expect(adopted.outs?.members.map((m) => [m.memberId, m.status])).toEqual([
      ["p-a", "pending"],
      ["p-by-hand", "accepted"],
    ]);
  });

  test("an update whose removal fails says only that; with an addition failing too, one line each, also as reasons", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredMembersProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, projects: { a: "p-a", b: "p-b" } });
    fake.cloud.faults.push({
      match: (m, p) => m === "DELETE" && p.endsWith("/members/p-a"),
      status: 500,
      times: 100,
    });
    const removalOnly = (await provider
      .update(image.id, created.outs!, { imageId: image.id, projects: { b: "p-b" } })
      .catch((e) => e)) as Error & { reasons?: string[] };
    expect(removalOnly.message.split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Cannot stop sharing image ${image.id} with 1 project of the 1 to remove \\(p-a\\)`,
        ),
      ),
    ]);

    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members"),
      status: 500,
      times: 100,
    });
    const both = (await provider
      .update(image.id, created.outs!, { imageId: image.id, projects: { b: "p-b", c: "p-c" } })
      .catch((e) => e)) as Error & { reasons?: string[] };
    const lines = both.message.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(`^Cannot share image ${image.id} with 1 project of the 1 to add;`),
    );
    expect(lines[lines.length - 1]).toMatch(
      new RegExp(
        `^Cannot stop sharing image ${image.id} with 1 project of the 1 to remove \\(p-a\\)`,
      ),
    );
    expect(both.reasons?.map((r) => r.split("\n")[0])).toEqual([lines[0], lines[lines.length - 1]]);
  });

  test("the region and the cloud the program names are recorded in the outputs", async () => {
    const image = fake.cloud.addImage("owner");
    writeClouds({ owner: "owner" });
    const provider = await configuredMembersProvider(fake.cloud);
    const created = await provider.create({
      imageId: image.id,
      projects: { ops: "p-ops" },
      region: "RegionOne",
      cloud: "owner",
    });
    expect(created.outs).toMatchObject({ region: "RegionOne", cloud: "owner" });
  });
});
