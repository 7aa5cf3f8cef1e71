import { configuredProvider, onFakeCloud } from "../support/providerHarness";

describe("ImageMember provider against the fake cloud", () => {
  const fake = onFakeCloud();

  test("create, read, diff, update and delete one membership", async () => {
    const image = fake.cloud.addImage("owner");
    const consumer = fake.cloud.project("consumer1").id;
    const provider = await configuredProvider(fake.cloud);

    const created = await provider.create({ imageId: image.id, memberId: consumer });
    expect(created.id).toBe(`${image.id}/${consumer}`);
    expect(created.outs).toMatchObject({
      imageId: image.id,
      memberId: consumer,
      status: "pending",
    });
    // Glance's schema path, the same for every member, is not kept (issue 30).
    expect(created.outs).not.toHaveProperty("schema");
    expect(created.outs?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual([consumer]);

    fake.cloud.members.get(image.id)![0].status = "accepted";
    const read = await provider.read(created.id, created.outs!);
    expect(read.id).toBe(created.id);
    expect(read.props?.status).toBe("accepted");
    expect(read.inputs).toEqual({ imageId: image.id, memberId: consumer });

    const noChange = await provider.diff(created.id, created.outs!, {
      imageId: image.id,
      memberId: consumer,
    });
    expect(noChange).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });

    const updated = await provider.update(created.id, created.outs!, {
      imageId: image.id,
      memberId: consumer,
    });
    expect(updated.outs).toMatchObject({
      imageId: image.id,
      memberId: consumer,
      status: "accepted",
    });

    await provider.delete(created.id, created.outs!);
    expect(fake.cloud.members.get(image.id)).toEqual([]);
  });

  test("diff names the property that forces a replacement, and ignores the rest", async () => {
    const provider = await configuredProvider(fake.cloud);
    const olds = {
      imageId: "a",
      memberId: "b",
      status: "pending" as const,
      createdAt: "",
      updatedAt: "",
      schema: "",
    };
    expect(await provider.diff("a/b", olds, { imageId: "a", memberId: "c" })).toEqual({
      changes: true,
      replaces: ["memberId"],
      deleteBeforeReplace: false,
    });
    // Another image: another membership, which may exist alongside the old one.
    expect(await provider.diff("a/b", olds, { imageId: "z", memberId: "b" })).toEqual({
      changes: true,
      replaces: ["imageId"],
      deleteBeforeReplace: false,
    });
    // Same pair in another region: the old membership must go first.
    expect(
      await provider.diff("a/b", olds, { imageId: "a", memberId: "b", region: "RegionTwo" }),
    ).toEqual({
      changes: true,
      replaces: ["region"],
      deleteBeforeReplace: true,
    });
    // The serialized provider and credentials are not inputs the diff looks at.
    const withProvider = {
      imageId: "a",
      memberId: "b",
      __provider: "exports.handler = ...",
    } as never;
    expect((await provider.diff("a/b", olds, withProvider)).changes).toBe(false);
  });

  test("a lost POST response is retried and the resulting 409 adopts our own member", async () => {
    const image = fake.cloud.addImage("owner");
    const consumer = fake.cloud.project("consumer1").id;
    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members"),
      dropResponse: true,
      times: 1,
    });
    const provider = await configuredProvider(fake.cloud);

    const created = await provider.create({ imageId: image.id, memberId: consumer });

    expect(created.outs?.status).toBe("pending");
    expect(fake.cloud.members.get(image.id)?.length).toBe(1);
    const posts = fake.cloud.glanceRequests().filter((r) => r.method === "POST");
    expect(posts.map((r) => r.status)).toEqual([200, 409]);
  });

  test("a POST whose answer was lost, then an outage beyond the retry budget: reported as created but not initialised", async () => {
    const image = fake.cloud.addImage("owner");
    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members"),
      dropResponse: true,
      times: 1,
    });
    fake.cloud.faults.push({ match: (_m, p) => p.startsWith("/v2"), status: 503, times: 100 });
    const provider = await configuredProvider(fake.cloud);

    const error = (await provider
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e) => e)) as Error & {
      id?: string;
      properties?: Record<string, unknown>;
      reasons?: string[];
    };
    // The engine keeps a resource whose create failed with an id: nothing is left unknown to state.
    expect(error.id).toBe(`${image.id}/p1`);
    expect(error.properties).toEqual({
      imageId: image.id,
      memberId: "p1",
      status: "unknown",
      managingProjectId: fake.cloud.project("owner").id,
    });
    expect(error.message).toMatch(
      /the image service failed \(503\) and kept failing after retries/,
    );
    expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual(["p1"]);

    // The next up runs update: it finds the member and finishes; had the POST not landed, it creates it.
    fake.cloud.faults.length = 0;
    const finished = await provider.update(error.id!, error.properties as never, {
      imageId: image.id,
      memberId: "p1",
    });
    expect(finished.outs).toMatchObject({ memberId: "p1", status: "pending" });
    fake.cloud.members.set(image.id, []);
    const created = await provider.update(error.id!, error.properties as never, {
      imageId: image.id,
      memberId: "p1",
    });
    expect(created.outs).toMatchObject({ memberId: "p1", status: "pending" });
    expect(fake.cloud.members.get(image.id)?.length).toBe(1);
  });

  test("a refused connection is not a create that may have landed; IMAGE_MEMBERS_ADOPT_EXISTING adopts for one run", async () => {
    const image = fake.cloud.addImage("owner");
    const refused = await configuredProvider(fake.cloud, "owner", {
      "openstack:imageEndpoint": "http://127.0.0.1:1",
    });
    const error = (await refused
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e) => e)) as Error & { id?: string };
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.id).toBeUndefined();

    const provider = await configuredProvider(fake.cloud);
    await provider.create({ imageId: image.id, memberId: "p2" });
    process.env.IMAGE_MEMBERS_ADOPT_EXISTING = "true";
    try {
      const adopted = await provider.create({ imageId: image.id, memberId: "p2" });
      expect(adopted.outs).toMatchObject({ memberId: "p2" });
    } finally {
      delete process.env.IMAGE_MEMBERS_ADOPT_EXISTING;
    }
    await expect(provider.create({ imageId: image.id, memberId: "p2" })).rejects.toThrow(
      /IMAGE_MEMBERS_ADOPT_EXISTING=true pulumi up/,
    );
  });

  test("a membership made outside the stack is a clear conflict with the way to adopt it", async () => {
    const image = fake.cloud.addImage("owner");
    const consumer = fake.cloud.project("consumer1").id;
    const provider = await configuredProvider(fake.cloud);
    await provider.create({ imageId: image.id, memberId: consumer });

    await expect(provider.create({ imageId: image.id, memberId: consumer })).rejects.toThrow(
      new RegExp(
        `Cannot share image ${image.id} with project ${consumer}: project ${consumer} is already a member.*` +
          `set adoptExisting: true on this ImageMember.*HTTP 409, "Member ${consumer} is duplicated for image ${image.id}", request id req-`,
      ),
    );
    expect(fake.cloud.members.get(image.id)?.length).toBe(1);

    fake.cloud.members.get(image.id)![0].status = "accepted";
    const adopted = await provider.create({
      imageId: image.id,
      memberId: consumer,
      adoptExisting: true,
    });
    expect(adopted).toMatchObject({ id: `${image.id}/${consumer}`, outs: { status: "accepted" } });
    expect(fake.cloud.members.get(image.id)?.length).toBe(1);
  });

  test("adoptExisting must be a boolean", async () => {
    const provider = await configuredProvider(fake.cloud);
    const image = fake.cloud.addImage("owner");
    const result = await provider.check(
      {} as never,
      { imageId: image.id, memberId: "p", adoptExisting: "yes" } as never,
    );
    expect(result.failures).toEqual([
      {
        property: "adoptExisting",
        reason: 'adoptExisting, when set, must be true or false; got "yes"',
      },
    ]);
  });

  test("a private image: the 403 is explained by the image's visibility", async () => {
    const image = fake.cloud.addImage("owner", "private");
    const provider = await configuredProvider(fake.cloud);
    const error = await provider
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e: Error) => e);
    expect(String(error)).toContain(
      `image ${image.id} has visibility "private"; only images with visibility "shared" can have members`,
    );
    expect(String(error)).toContain(`openstack image set --shared ${image.id}`);
    expect(String(error)).toContain(`"Not allowed to create members for image ${image.id}."`);
    expect(String(error)).not.toContain("<br");
    expect(fake.cloud.members.get(image.id)).toEqual([]);
  });

  test("a missing image gets the 404 explanation; a member project trying to add members is told who owns it", async () => {
    const provider = await configuredProvider(fake.cloud);
    const missing = "11111111-2222-3333-4444-555555555555";
    await expect(provider.create({ imageId: missing, memberId: "p1" })).rejects.toThrow(
      `Cannot share image ${missing} with project p1: image ${missing} does not exist or is not visible to project ${fake.cloud.project("owner").id}`,
    );

    const image = fake.cloud.addImage("owner");
    const ownerProvider = await configuredProvider(fake.cloud);
    await ownerProvider.create({ imageId: image.id, memberId: fake.cloud.project("consumer1").id });
    const consumerProvider = await configuredProvider(fake.cloud, "consumer1");
    await expect(consumerProvider.create({ imageId: image.id, memberId: "p2" })).rejects.toThrow(
      `image ${image.id} belongs to project ${fake.cloud.project("owner").id}, but the credentials are scoped to project ${fake.cloud.project("consumer1").id}; only the owner project can add members`,
    );
    // A project that cannot even see the image is told it does not exist for it.
    const strangerProvider = await configuredProvider(fake.cloud, "consumer2");
    await expect(strangerProvider.create({ imageId: image.id, memberId: "p2" })).rejects.toThrow(
      /a project the image is shared with cannot add members.*HTTP 404, "Image .* not found\."/,
    );
    expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual([
      fake.cloud.project("consumer1").id,
    ]);
  });

  test("the member quota gives a 413 explained as such", async () => {
    const image = fake.cloud.addImage("owner");
    fake.cloud.memberQuota = 1;
    const provider = await configuredProvider(fake.cloud);
    await provider.create({ imageId: image.id, memberId: "p1" });
    await expect(provider.create({ imageId: image.id, memberId: "p2" })).rejects.toThrow(
      /already has as many members as the cloud allows \(image_member_quota\).*HTTP 413/,
    );
  });

  test("bad credentials fail with Keystone's refusal and no secret in the message", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud, "owner", {
      "openstack:password": "wrong-password-123",
    });
    const error = await provider
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e: Error) => e);
    expect(String(error)).toMatch(
      /Cannot share image .* Keystone rejected the credentials.*HTTP 401/,
    );
    expect(String(error)).not.toContain("wrong-password-123");
    expect(fake.cloud.glanceRequests()).toEqual([]);
  });

  test("a revoked token is renewed once, then the request succeeds", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    await provider.create({ imageId: image.id, memberId: "p1" });
    fake.cloud.revokeAllTokens();
    await provider.create({ imageId: image.id, memberId: "p2" });
    expect(fake.cloud.authentications().length).toBe(2);
    expect(fake.cloud.glanceRequests().map((r) => r.status)).toEqual([200, 401, 200]);
  });

  test("read reports a member deleted out of band as gone, and delete treats it as done", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberId: "p1" });
    fake.cloud.members.set(image.id, []);

    expect(await provider.read(created.id, created.outs!)).toEqual({});
    const before = fake.cloud.glanceRequests().length;
    await expect(provider.delete(created.id, created.outs!)).resolves.toBeUndefined();
    // Gone already: the image read that trusts the 404, and no read confirming a DELETE.
    expect(
      fake.cloud
        .glanceRequests()
        .slice(before)
        .map((r) => `${r.method} ${r.status} ${r.path}`),
    ).toEqual([`DELETE 404 /v2/images/${image.id}/members/p1`, `GET 200 /v2/images/${image.id}`]);
  });

  // Glance hides the members of every image that is not "shared" (404 for one, 403 for the
  // list or a delete), and keeps them: shared again, the image is open to them again.
  test.each(["private", "public", "community"] as const)(
    "read (refresh) and delete never drop a member hidden by a %s image",
    async (visibility) => {
      const image = fake.cloud.addImage("owner");
      const provider = await configuredProvider(fake.cloud);
      const created = await provider.create({ imageId: image.id, memberId: "p1" });
      image.visibility = visibility;

      await expect(provider.read(created.id, created.outs!)).rejects.toThrow(
        new RegExp(
          `image ${image.id} is now "${visibility}".*membership of project p1 still exists and is ` +
            `kept in state. Make the image shared again \\(openstack image set --shared ${image.id}\\)`,
        ),
      );
      await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
        new RegExp(
          `^Cannot stop sharing image ${image.id} with project p1: image ${image.id} is now ` +
            `"${visibility}".*membership of project p1 still exists and is kept in state`,
        ),
      );
      expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual(["p1"]);

      // Shared again: the member was there all along, and the same provider reads it.
      image.visibility = "shared";
      expect((await provider.read(created.id, created.outs!)).props).toMatchObject({
        memberId: "p1",
      });
    },
  );

  test("read of a member whose image was deleted reports it gone", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberId: "p1" });
    fake.cloud.images.delete(image.id);
    expect(await provider.read(created.id, created.outs!)).toEqual({});
  });

  test("another project's credentials: a 404 neither drops the member on read nor counts as deleted", async () => {
    const image = fake.cloud.addImage("owner");
    const owner = await configuredProvider(fake.cloud);
    const created = await owner.create({ imageId: image.id, memberId: "p1" });
    const ownerId = fake.cloud.project("owner").id;
    expect(created.outs?.managingProjectId).toBe(ownerId);

    // consumer2 cannot see the image: Glance answers 404 to its reads and deletes.
    const stranger = await configuredProvider(fake.cloud, "consumer2");
    const strangerId = fake.cloud.project("consumer2").id;
    const foreign = new RegExp(
      `reports the membership of project p1 in image ${image.id} as not found, but these ` +
        `credentials are for project ${strangerId}, and the membership was made with the ` +
        `credentials of project ${ownerId} \\(recorded in state\\).*nothing was changed in state. ` +
        `Run again with project ${ownerId}'s credentials; if the membership is really gone, ` +
        `remove the resource from state with pulumi state delete. \\(server said: HTTP 404`,
    );
    await expect(stranger.read(created.id, created.outs!)).rejects.toThrow(foreign);
    await expect(stranger.delete(created.id, created.outs!)).rejects.toThrow(foreign);
    await expect(
      stranger.update(created.id, created.outs!, { imageId: image.id, memberId: "p1" }),
    ).rejects.toThrow(foreign);
    await expect(
      stranger.update(created.id, created.outs!, { imageId: image.id, memberId: "p1" }),
    ).rejects.toThrow(`Cannot refresh the membership ${created.id}: `);
    expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual(["p1"]);

    // The owner still sees it, keeps the record, and a real deletion is still "gone".
    const read = await owner.read(created.id, created.outs!);
    expect(read.props?.managingProjectId).toBe(ownerId);
    fake.cloud.members.set(image.id, []);
    expect(await owner.read(created.id, created.outs!)).toEqual({});
    // A state written before the project was recorded keeps the old rule: 404 means gone.
    const unrecorded = { ...created.outs!, managingProjectId: undefined };
    expect(await stranger.read(created.id, unrecorded)).toEqual({});
  });

  test("read fails, and keeps the member, on 403 and on server errors", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberId: "p1" });
    fake.cloud.faults.push({ match: (m) => m === "GET", status: 500, times: 10 });
    await expect(provider.read(created.id, created.outs!)).rejects.toThrow(
      /the image service failed \(500\)/,
    );
    fake.cloud.faults.length = 0;
    fake.cloud.faults.push({ match: (m) => m === "GET", status: 403, times: 1 });
    await expect(provider.read(created.id, created.outs!)).rejects.toThrow(
      /not allowed to manage the members/,
    );
  });

  test("delete fails, and keeps the member, on a server error and on a refusal of a shared image", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberId: "p1" });
    const isDelete = (m: string) => m === "DELETE";

    fake.cloud.faults.push({ match: isDelete, status: 500, times: 1 });
    let before = fake.cloud.glanceRequests().length;
    await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
      new RegExp(
        `^Cannot stop sharing image ${image.id} with project p1: the image service failed \\(500\\)`,
      ),
    );
    // Neither a 404 nor a 403: no image read to explain it.
    expect(
      fake.cloud
        .glanceRequests()
        .slice(before)
        .map((r) => `${r.method} ${r.status}`),
    ).toEqual(["DELETE 500"]);

    // A 403 while the image is shared hides nothing: the refusal itself is the answer.
    fake.cloud.faults.push({ match: isDelete, status: 403, times: 1 });
    await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
      /^Cannot stop sharing image .* not allowed to manage the members/,
    );
    // And when the image cannot be read to tell why, the 403 is still explained.
    fake.cloud.faults.push({ match: isDelete, status: 403, times: 1 });
    fake.cloud.faults.push({
      match: (m, p) => m === "GET" && p === `/v2/images/${image.id}`,
      status: 403,
      times: 1,
    });
    before = fake.cloud.glanceRequests().length;
    await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
      /^Cannot stop sharing image .* not allowed to manage the members/,
    );
    expect(
      fake.cloud
        .glanceRequests()
        .slice(before)
        .map((r) => `${r.method} ${r.status}`),
    ).toEqual(["DELETE 403", "GET 403"]);
    expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual(["p1"]);
  });

  test("a 404 to a DELETE is not the member gone while the image hides its members", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberId: "p1" });
    image.visibility = "private";
    fake.cloud.faults.push({ match: (m) => m === "DELETE", status: 404, times: 1 });

    await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
      new RegExp(
        `^Cannot stop sharing image ${image.id} with project p1: image ${image.id} is now ` +
          `"private".*but the membership of project p1 still exists and is kept in state`,
      ),
    );
    expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual(["p1"]);
  });

  test("a region given is kept in the outputs and given back by a read as an input", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const inputs = { imageId: image.id, memberId: "p1", region: "RegionOne" };
    const created = await provider.create(inputs);
    expect(created.outs).toMatchObject({ region: "RegionOne" });
    const read = await provider.read(created.id, created.outs!);
    expect(read.props).toMatchObject({ region: "RegionOne" });
    expect(read.inputs).toEqual(inputs);
    expect((await provider.update(created.id, created.outs!, inputs)).outs).toMatchObject({
      region: "RegionOne",
    });
  });

  test("read by id alone (import) finds the member and returns inputs for the diff", async () => {
    const image = fake.cloud.addImage("owner");
    fake.cloud.members.get(image.id)!.push({
      member_id: "p9",
      image_id: image.id,
      status: "accepted",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-02T00:00:00Z",
      schema: "/v2/schemas/member",
    });
    const provider = await configuredProvider(fake.cloud);
    const read = await provider.read(`${image.id}/p9`, {});
    expect(read).toEqual({
      id: `${image.id}/p9`,
      props: {
        imageId: image.id,
        memberId: "p9",
        status: "accepted",
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-02T00:00:00Z",
      },
      inputs: { imageId: image.id, memberId: "p9" },
    });
    await expect(provider.read("not-an-id", {})).rejects.toThrow(
      '"not-an-id" is not an ImageMember id; expected "<imageId>/<memberId>"',
    );
    await expect(provider.delete("not-an-id", {} as never)).rejects.toThrow(
      '"not-an-id" is not an ImageMember id',
    );
  });

  test("one authentication and one Glance request per operation (two per delete: the DELETE and its confirming read), for three members", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const members = ["p1", "p2", "p3"];
    const created = await Promise.all(
      members.map((memberId) => provider.create({ imageId: image.id, memberId })),
    );
    await Promise.all(created.map((c) => provider.read(c.id, c.outs!)));
    await Promise.all(created.map((c) => provider.delete(c.id, c.outs!)));

    expect(fake.cloud.authentications().length).toBe(1);
    const calls = fake.cloud.glanceRequests().map((r) => `${r.method} ${r.status}`);
    expect(calls.filter((c) => c === "POST 200")).toHaveLength(3);
    expect(calls.filter((c) => c === "GET 200")).toHaveLength(3);
    expect(calls.filter((c) => c === "DELETE 204")).toHaveLength(3);
    expect(calls.filter((c) => c === "GET 404")).toHaveLength(3);
    expect(calls).toHaveLength(12);
  });
});
