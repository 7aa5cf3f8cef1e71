import { ImageMembersProvider } from "../../provider";
import type { ImageMembersOutputs } from "../../provider";
import { FakeCloud } from "../support/fakeCloud";
import { onFakeCloud, passwordConfig } from "../support/providerHarness";

// A member that fails "beyond the retry budget" takes the transport's full backoff (~4 s).
jest.setTimeout(30_000);

type PartialCreate = Error & {
  id?: string;
  properties?: ImageMembersOutputs & { __provider?: string };
  reasons?: string[];
};

async function configured(cloud: FakeCloud, projectName = "owner") {
  const provider = new ImageMembersProvider();
  await provider.configure(passwordConfig(cloud, projectName));
  return provider;
}

const projects = (n: number, prefix = "project") =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);

describe("ImageMembers provider against the fake cloud", () => {
  const fake = onFakeCloud();

  const glanceIds = (imageId: string) =>
    (fake.cloud.members.get(imageId) ?? []).map((m) => m.member_id).sort();

  test("an import (no state yet) reads every member the image has; a refresh only those in state", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberIds: ["p-a"] });
    const rows = fake.cloud.members.get(image.id)!;
    rows.push({ ...rows[0], member_id: "p-by-hand", status: "accepted" });

    const imported = await provider.read(image.id, {});
    expect(imported.props?.members.map((m) => [m.memberId, m.status])).toEqual([
      ["p-a", "pending"],
      ["p-by-hand", "accepted"],
    ]);
    expect(imported.inputs).toMatchObject({ projects: { "p-a": "p-a", "p-by-hand": "p-by-hand" } });

    const refreshed = await provider.read(image.id, created.outs!);
    expect(refreshed.props?.members.map((m) => m.memberId)).toEqual(["p-a"]);
  });

  test("create 20 members: one authentication and exactly one POST per member", async () => {
    const image = fake.cloud.addImage("owner");
    const memberIds = projects(20).reverse();
    const provider = await configured(fake.cloud);

    const created = await provider.create({ imageId: image.id, memberIds });

    expect(created.id).toBe(image.id);
    expect(created.outs?.imageId).toBe(image.id);
    expect(created.outs?.members.map((m) => m.memberId)).toEqual(projects(20));
    expect(created.outs?.members[0]).toEqual({
      memberId: "project-000",
      status: "pending",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(created.outs).not.toHaveProperty("region");
    expect(glanceIds(image.id)).toEqual(projects(20));
    expect(fake.cloud.authentications()).toHaveLength(1);
    const glance = fake.cloud.glanceRequests();
    expect(glance).toHaveLength(20);
    expect(glance.every((r) => r.method === "POST" && r.status === 200)).toBe(true);
  });

  test("diff: the set of memberIds updates in place, imageId and region replace", async () => {
    const provider = await configured(fake.cloud);
    const member = (memberId: string) => ({
      memberId,
      status: "pending" as const,
      createdAt: "",
      updatedAt: "",
    });
    const olds: ImageMembersOutputs = { imageId: "i", members: [member("a"), member("b")] };

    expect(await provider.diff("i", olds, { imageId: "i", memberIds: ["b", "a"] })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff("i", olds, { imageId: "i", memberIds: ["a", "b", "c"] })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff("i", olds, { imageId: "i", memberIds: ["a", "c"] })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await provider.diff("i", olds, { imageId: "i", memberIds: ["a"] })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await provider.diff("i", olds, { imageId: "j", memberIds: ["a", "b"] })).toEqual({
      changes: true,
      replaces: ["imageId"],
      deleteBeforeReplace: false,
    });
    expect(
      await provider.diff("i", olds, { imageId: "i", memberIds: ["a", "b"], region: "RegionTwo" }),
    ).toEqual({ changes: true, replaces: ["region"], deleteBeforeReplace: true });
    // adoptExisting and the serialized provider are not compared.
    const extra = { imageId: "i", memberIds: ["a", "b"], adoptExisting: true, __provider: "x" };
    expect((await provider.diff("i", olds, extra as never)).changes).toBe(false);
    // A member that may or may not exist must be settled by an update.
    const unsettled = {
      ...olds,
      members: [member("a"), { ...member("b"), status: "unknown" as const }],
    };
    expect(
      (await provider.diff("i", unsettled, { imageId: "i", memberIds: ["a", "b"] })).changes,
    ).toBe(true);
  });

  test("update adding 2 and removing 1 makes exactly 4 Glance requests (the removal read back once); unchanged members cost none", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberIds: projects(10) });
    const before = fake.cloud.glanceRequests().length;

    const wanted = [...projects(10).slice(1), "new-a", "new-b"];
    const updated = await provider.update(created.id, created.outs!, {
      imageId: image.id,
      memberIds: wanted,
    });

    const requests = fake.cloud.glanceRequests().slice(before);
    expect(requests.map((r) => `${r.method} ${r.status}`).sort()).toEqual([
      "DELETE 204",
      "GET 200",
      "POST 200",
      "POST 200",
    ]);
    expect(updated.outs?.members.map((m) => m.memberId)).toEqual([...wanted].sort());
    expect(glanceIds(image.id)).toEqual([...wanted].sort());
    // Unchanged members keep what state had about them.
    expect(updated.outs?.members.find((m) => m.memberId === "project-005")).toEqual(
      created.outs?.members.find((m) => m.memberId === "project-005"),
    );

    const same = await provider.update(created.id, updated.outs!, {
      imageId: image.id,
      memberIds: [...wanted].reverse(),
    });
    expect(same.outs).toEqual(updated.outs);
    expect(fake.cloud.glanceRequests().length).toBe(before + 4);
  });

  test("read: one GET for all members; one deleted out of band drops out; foreign members are not adopted", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberIds: projects(5) });
    const rows = fake.cloud.members.get(image.id)!;
    rows.splice(
      rows.findIndex((m) => m.member_id === "project-002"),
      1,
    );
    rows.find((m) => m.member_id === "project-001")!.status = "accepted";
    rows.push({ ...rows[0], member_id: "someone-else" });
    const before = fake.cloud.glanceRequests().length;

    const read = await provider.read(created.id, created.outs!);

    expect(
      fake.cloud
        .glanceRequests()
        .slice(before)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([`GET /v2/images/${image.id}/members`]);
    const left = ["project-000", "project-001", "project-003", "project-004"];
    expect(read.id).toBe(image.id);
    expect(read.props?.members.map((m) => m.memberId)).toEqual(left);
    expect(read.props?.members[1].status).toBe("accepted");
    // Inputs in the map form check stores, each id its own label (the program gave a list).
    expect(read.inputs).toEqual({
      imageId: image.id,
      projects: Object.fromEntries(left.map((id) => [id, id])),
    });
    // The drift shows in the next preview, and the update puts the member back.
    expect(
      (await provider.diff(image.id, read.props!, { imageId: image.id, memberIds: projects(5) }))
        .changes,
    ).toBe(true);

    // The image is gone: so is the resource.
    fake.cloud.images.delete(image.id);
    expect(await provider.read(created.id, created.outs!)).toEqual({});
  });

  test.each(["private", "public", "community"] as const)(
    "read (refresh) and delete fail, keeping every member, when the image was made %s",
    async (visibility) => {
      const image = fake.cloud.addImage("owner");
      const provider = await configured(fake.cloud);
      const created = await provider.create({ imageId: image.id, memberIds: projects(3) });
      image.visibility = visibility;

      await expect(provider.read(created.id, created.outs!)).rejects.toThrow(
        new RegExp(
          `Cannot read the members of image ${image.id}: image ${image.id} is now "${visibility}".*` +
            `projects project-000, project-001, project-002 still exist and are kept in state.*` +
            `openstack image set --shared ${image.id}.*HTTP 403`,
        ),
      );
      await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
        new RegExp(
          `Cannot stop sharing image ${image.id} with 3 projects of the 3 to remove.*is now "${visibility}"`,
        ),
      );
      expect(glanceIds(image.id)).toEqual(projects(3));

      // Shared again: every member was kept, and the same provider reads them all.
      image.visibility = "shared";
      const read = await provider.read(created.id, created.outs!);
      expect(
        (read.props as { members: { memberId: string }[] }).members.map((m) => m.memberId),
      ).toEqual(projects(3));
    },
  );

  test("another project's credentials: a 404 drops nothing from state on read, update or delete", async () => {
    const image = fake.cloud.addImage("owner");
    const owner = await configured(fake.cloud);
    const created = await owner.create({ imageId: image.id, memberIds: projects(3) });
    const ownerId = fake.cloud.project("owner").id;
    expect(created.outs?.managingProjectId).toBe(ownerId);

    // consumer2 cannot see the image: Glance answers 404 to its list and its deletes.
    const stranger = await configured(fake.cloud, "consumer2");
    const strangerId = fake.cloud.project("consumer2").id;
    const foreign = (headline: string) =>
      new RegExp(
        `^${headline}: the image service reports the members of image ${image.id} as not found, ` +
          `but these credentials are for project ${strangerId}, and the membership was made with ` +
          `the credentials of project ${ownerId} \\(recorded in state\\).*nothing was changed in ` +
          `state.*HTTP 404`,
      );
    await expect(stranger.read(created.id, created.outs!)).rejects.toThrow(
      foreign(`Cannot read the members of image ${image.id}`),
    );
    await expect(stranger.delete(created.id, created.outs!)).rejects.toThrow(
      foreign(`Cannot stop sharing image ${image.id} with 3 projects`),
    );
    const removingOne = stranger.update(created.id, created.outs!, {
      imageId: image.id,
      memberIds: projects(2),
    });
    await expect(removingOne).rejects.toThrow(
      foreign(`Cannot change the members of image ${image.id}`),
    );
    // The member it could not remove stays in the outputs the engine stores.
    const partial = (await removingOne.catch((e: unknown) => e)) as PartialCreate;
    expect(partial.properties?.members.map((m) => m.memberId)).toEqual(projects(3));
    expect(partial.properties?.managingProjectId).toBe(ownerId);
    expect(glanceIds(image.id)).toEqual(projects(3));

    // The owner still reads them all; a state without the record keeps the old rule.
    expect((await owner.read(created.id, created.outs!)).props?.members).toHaveLength(3);
    const unrecorded = { ...created.outs!, managingProjectId: undefined };
    expect(await stranger.read(created.id, unrecorded)).toEqual({});
  });

  test("a member failing beyond the retry budget: the others are created and reported as existing", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    // Every POST fails with 503 once 19 members exist: exactly one member cannot be created.
    fake.cloud.faults.push({
      match: (m, p) =>
        m === "POST" && p.endsWith("/members") && fake.cloud.members.get(image.id)!.length >= 19,
      status: 503,
      times: 100,
    });
    const inputs = { imageId: image.id, memberIds: projects(20), __provider: "serialized" };

    const error = (await provider.create(inputs).catch((e) => e)) as PartialCreate;

    expect(error).toBeInstanceOf(Error);
    expect(error.id).toBe(image.id);
    const existing = glanceIds(image.id);
    expect(existing).toHaveLength(19);
    expect(error.properties?.members.map((m) => m.memberId)).toEqual(existing);
    expect(error.properties?.__provider).toBe("serialized");
    const failed = projects(20).find((p) => !existing.includes(p))!;
    expect(error.message).toMatch(
      new RegExp(
        `Cannot share image ${image.id} with 1 project of the 20 to add.*\\n- Cannot share image ${image.id} ` +
          `with project ${failed}: the image service failed \\(503\\) and kept failing after retries`,
      ),
    );
    expect(error.reasons).toEqual([error.message]);
    // One POST per member, plus the failing one's retries.
    const posts = fake.cloud.glanceRequests().filter((r) => r.method === "POST");
    expect(posts.filter((r) => r.status === 200)).toHaveLength(19);

    // The next up updates: it adds only the missing member.
    fake.cloud.faults.length = 0;
    const before = fake.cloud.glanceRequests().length;
    const finished = await provider.update(error.id!, error.properties!, inputs);
    expect(fake.cloud.glanceRequests().length).toBe(before + 1);
    expect(finished.outs?.members.map((m) => m.memberId)).toEqual(projects(20));
  });

  test("an update failing for one member throws with the members that now exist, for the engine to store", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberIds: projects(4) });
    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members") && glanceIds(image.id).length >= 4,
      status: 503,
      times: 100,
    });
    const news = {
      imageId: image.id,
      memberIds: [...projects(4).slice(1), "new-a", "new-b"],
      __provider: "serialized",
    };

    const error = (await provider
      .update(created.id, created.outs!, news)
      .catch((e) => e)) as PartialCreate;

    expect(error.id).toBe(image.id);
    expect(error.properties?.__provider).toBe("serialized");
    expect(error.properties?.members.map((m) => m.memberId)).toEqual(glanceIds(image.id));
    expect(glanceIds(image.id)).toHaveLength(4); // 3 kept + 1 added; project-000 removed
    expect(glanceIds(image.id)).not.toContain("project-000");
    expect(error.message).toMatch(/with 1 project of the 2 to add/);
  });

  test("a POST whose answer was lost, then an outage: the member is kept as unknown and settled by the next update", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    await provider.create({ imageId: image.id, memberIds: ["p0"] }).then(() => {
      fake.cloud.members.set(image.id, []);
    });
    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members"),
      dropResponse: true,
      times: 1,
    });
    fake.cloud.faults.push({ match: (m) => m === "POST", status: 503, times: 100 });

    const error = (await provider
      .create({ imageId: image.id, memberIds: ["p1"] })
      .catch((e) => e)) as PartialCreate;

    expect(error.id).toBe(image.id);
    expect(error.properties?.members).toEqual([
      { memberId: "p1", status: "unknown", createdAt: "", updatedAt: "" },
    ]);
    expect(glanceIds(image.id)).toEqual(["p1"]);

    fake.cloud.faults.length = 0;
    expect(
      (await provider.diff(image.id, error.properties!, { imageId: image.id, memberIds: ["p1"] }))
        .changes,
    ).toBe(true);
    // The member is ours (state said it may be): its 409 is adopted without adoptExisting.
    const settled = await provider.update(image.id, error.properties!, {
      imageId: image.id,
      memberIds: ["p1"],
    });
    expect(settled.outs?.members).toEqual([
      expect.objectContaining({ memberId: "p1", status: "pending" }),
    ]);
    expect(glanceIds(image.id)).toEqual(["p1"]);
  });

  test("a membership made outside the stack is a clear conflict; adoptExisting takes it over", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    await provider.create({ imageId: image.id, memberIds: ["p1"] });

    const error = (await provider
      .create({ imageId: image.id, memberIds: ["p1", "p2"] })
      .catch((e) => e)) as PartialCreate;
    expect(error.message).toMatch(
      new RegExp(
        `project p1 is already a member of image ${image.id}, outside this stack.*set adoptExisting: true on this ImageMembers and`,
      ),
    );
    // p2 was created: it is reported so the engine keeps it; p1 (not ours) is not.
    expect(error.properties?.members.map((m) => m.memberId)).toEqual(["p2"]);

    fake.cloud.members.get(image.id)![0].status = "accepted";
    const adopted = await provider.create({
      imageId: image.id,
      memberIds: ["p1", "p2"],
      adoptExisting: true,
    });
    expect(adopted.outs?.members.map((m) => [m.memberId, m.status])).toEqual([
      ["p1", "accepted"],
      ["p2", "pending"],
    ]);
  });

  test("a create where nothing was created is an ordinary failure", async () => {
    const image = fake.cloud.addImage("owner", "private");
    const provider = await configured(fake.cloud);
    const error = (await provider
      .create({ imageId: image.id, memberIds: ["p1", "p2"] })
      .catch((e) => e)) as PartialCreate;
    expect(error.id).toBeUndefined();
    expect(error.message).toMatch(
      new RegExp(
        `Cannot share image ${image.id} with 2 projects of the 2 to add.*visibility "private"`,
        "s",
      ),
    );
  });

  test("check refuses duplicates and bad ids, naming each", async () => {
    const provider = await configured(fake.cloud);
    const imageId = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
    expect(
      (await provider.check({} as never, { imageId, memberIds: ["a", "b"] })).failures,
    ).toEqual([]);
    expect((await provider.check({} as never, { imageId, memberIds: [] })).failures).toEqual([]);

    const { failures } = await provider.check({} as never, {
      imageId: "not-a-uuid",
      memberIds: ["a", "bad/id", "b", "a", ""],
    });
    expect(failures?.map((f) => f.property)).toEqual([
      "imageId",
      "memberIds[1]",
      "memberIds[4]",
      "memberIds[3]",
    ]);
    expect(failures?.find((f) => f.property === "memberIds[3]")?.reason).toMatch(
      /memberIds lists project "a" more than once/,
    );
    expect(
      (await provider.check({} as never, { imageId, memberIds: "a" as never })).failures,
    ).toEqual([{ property: "memberIds", reason: expect.stringMatching(/must be a list/) }]);
  });

  test("delete removes every member; members already gone are fine", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberIds: projects(12) });
    fake.cloud.members.get(image.id)!.splice(0, 2);
    const before = fake.cloud.glanceRequests().length;

    await provider.delete(created.id, created.outs!);

    expect(glanceIds(image.id)).toEqual([]);
    const requests = fake.cloud.glanceRequests().slice(before);
    expect(requests.filter((r) => r.method === "DELETE")).toHaveLength(12);
    // Two 404s: one look at the image confirms they are gone; the other ten, one list.
    expect(requests.filter((r) => r.method === "GET").map((r) => r.path)).toEqual(
      expect.arrayContaining([`/v2/images/${image.id}`, `/v2/images/${image.id}/members`]),
    );
    expect(requests.filter((r) => r.method === "GET")).toHaveLength(2);
  });
});
