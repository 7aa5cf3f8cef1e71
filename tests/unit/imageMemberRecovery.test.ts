/**
 * ImageMember's recovery paths: what is kept in state when a create fails half-way, and what
 * the errors say. Each test here failed before the fix it covers (see issue 15).
 */
import { ImageMembersProvider } from "../../provider";
import { configuredProvider, onFakeCloud, passwordConfig } from "../support/providerHarness";

type CreateError = Error & {
  id?: string;
  properties?: Record<string, unknown>;
  reasons?: string[];
};

const isPost = (m: string, p: string) => m === "POST" && p.endsWith("/members");

describe("ImageMember: recovery after a create that failed half-way", () => {
  const fake = onFakeCloud();

  test("the managing project survives a lost POST answer and the update that finishes the member", async () => {
    const image = fake.cloud.addImage("owner");
    const ownerId = fake.cloud.project("owner").id;
    fake.cloud.faults.push({ match: isPost, dropResponse: true, times: 1 });
    fake.cloud.faults.push({ match: (_m, p) => p.startsWith("/v2"), status: 503, times: 100 });
    const owner = await configuredProvider(fake.cloud);

    const error = (await owner
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e) => e)) as CreateError;
    expect(error.id).toBe(`${image.id}/p1`);
    expect(error.properties?.managingProjectId).toBe(ownerId);
    expect(error.message).toMatch(
      /The membership may exist: it is kept in state with status "unknown", and the next pulumi up reads it \(or creates it if it is absent\)\.$/,
    );

    // The next up finishes it through update, from the properties the engine stored.
    fake.cloud.faults.length = 0;
    const finished = await owner.update(error.id!, error.properties as never, {
      imageId: image.id,
      memberId: "p1",
    });
    expect(finished.outs).toMatchObject({ status: "pending", managingProjectId: ownerId });

    // So another project's 404 cannot drop it from state while it exists in Glance.
    const stranger = await configuredProvider(fake.cloud, "consumer2");
    await expect(stranger.read(error.id!, finished.outs as never)).rejects.toThrow(
      /these credentials are for project .* nothing was changed in state/,
    );
    expect(fake.cloud.members.get(image.id)?.map((m) => m.member_id)).toEqual(["p1"]);
  }, 30_000);

  test("a 409 after a lost POST answer whose adopting GET fails keeps the member, and the next up settles it", async () => {
    const image = fake.cloud.addImage("owner");
    const ownerId = fake.cloud.project("owner").id;
    fake.cloud.faults.push({ match: isPost, dropResponse: true, times: 1 });
    fake.cloud.faults.push({ match: (m) => m === "GET", status: 503, times: 100 });
    const provider = await configuredProvider(fake.cloud);

    const error = (await provider
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e) => e)) as CreateError;
    expect(fake.cloud.glanceRequests().map((r) => `${r.method} ${r.status}`)).toEqual([
      "POST 200",
      "POST 409",
      ...Array(5).fill("GET 503"),
    ]);
    expect(error.id).toBe(`${image.id}/p1`);
    expect(error.properties).toMatchObject({
      imageId: image.id,
      memberId: "p1",
      status: "unknown",
      managingProjectId: ownerId,
    });
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot share image ${image.id} with project p1: project p1 is already a member of image ` +
          `${image.id} \\(a retried POST met 409.*\\), but reading it failed: the image service ` +
          `failed \\(503\\) and kept failing after retries.*HTTP 503.*The membership is kept in ` +
          `state with status "unknown"; run pulumi up again to read it \\(pulumi destroy removes it\\)\\.$`,
      ),
    );
    // A 409 said the member exists: not a "may exist".
    expect(error.message).not.toMatch(/may exist/);

    // The next up (update, the resource having failed to initialise) reads it: no new POST.
    fake.cloud.faults.length = 0;
    const settled = await provider.update(error.id!, error.properties as never, {
      imageId: image.id,
      memberId: "p1",
    });
    expect(settled.outs).toMatchObject({ status: "pending", managingProjectId: ownerId });
    expect(fake.cloud.glanceRequests().filter((r) => r.method === "POST")).toHaveLength(2);
    expect(fake.cloud.members.get(image.id)).toHaveLength(1);
  }, 30_000);

  test("adoptExisting: a 409 whose adopting GET fails also keeps the member in state", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    await provider.create({ imageId: image.id, memberId: "p1" });
    fake.cloud.faults.push({ match: (m) => m === "GET", status: 403, times: 1 });

    const error = (await provider
      .create({ imageId: image.id, memberId: "p1", adoptExisting: true })
      .catch((e) => e)) as CreateError;
    expect(error.id).toBe(`${image.id}/p1`);
    expect(error.message).toMatch(
      /adoptExisting asks to take it over\), but reading it failed: the credentials are not allowed/,
    );
  });

  test.each([502, 504])(
    "a %i answer to a POST may come after Glance made the member: the 409 that follows is adopted",
    async (status) => {
      const image = fake.cloud.addImage("owner");
      // A gateway passed the POST on, Glance made the member, the gateway answered the error.
      fake.cloud.faults.push({ match: isPost, status, served: true, times: 1 });
      const provider = await configuredProvider(fake.cloud);

      const created = await provider.create({ imageId: image.id, memberId: "p1" });
      expect(created.outs).toMatchObject({ memberId: "p1", status: "pending" });
      expect(fake.cloud.glanceRequests().map((r) => `${r.method} ${r.status}`)).toEqual([
        `POST ${status}`,
        "POST 409",
        "GET 200",
      ]);
    },
  );

  test("a 500 says it was one request, not retried, and names the image and member", async () => {
    const image = fake.cloud.addImage("owner");
    fake.cloud.faults.push({ match: isPost, status: 500, times: 1 });
    const provider = await configuredProvider(fake.cloud);

    const error = (await provider
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e) => e)) as CreateError;
    expect(fake.cloud.glanceRequests().map((r) => `${r.method} ${r.status}`)).toEqual(["POST 500"]);
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot share image ${image.id} with project p1: the image service failed \\(500\\) on ` +
          `the one request made, and a 500 is not retried.*Try again.*HTTP 500`,
      ),
    );
    expect(error.message).not.toMatch(/after retries/);
    expect(error.id).toBeUndefined(); // one request, answered: nothing was made

    // A 503 retried to the end says so, with the count.
    fake.cloud.faults.push({ match: isPost, status: 503, times: 100 });
    await expect(provider.create({ imageId: image.id, memberId: "p1" })).rejects.toThrow(
      /failed \(503\) and kept failing after retries; .*\(5 requests made\)/,
    );
  }, 30_000);

  test("a member status outside pending/accepted/rejected is a clear error naming image and member", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configuredProvider(fake.cloud);
    const created = await provider.create({ imageId: image.id, memberId: "p1" });
    (fake.cloud.members.get(image.id)![0] as { status: string }).status = "weird";

    const expected = new RegExp(
      `^Cannot read the membership of project p1 in image ${image.id}: the image service gave ` +
        `the membership of project p1 in image ${image.id} the status "weird", which is none of ` +
        `"pending", "accepted", "rejected"`,
    );
    await expect(provider.read(created.id, created.outs!)).rejects.toThrow(expected);

    // On a create, the POST was served: the member exists and is kept in state.
    fake.cloud.faults.push({
      match: isPost,
      rewriteBody: (body) => ({ ...(body as object), status: "shared" }),
      times: 1,
    });
    const error = (await provider
      .create({ imageId: image.id, memberId: "p2" })
      .catch((e) => e)) as CreateError;
    expect(error.message).toMatch(/the status "shared", which is none of/);
    expect(error.id).toBe(`${image.id}/p2`);
    expect(error.properties).toMatchObject({ memberId: "p2", status: "unknown" });
  });

  test("ImageMembers keeps a member whose POST answer had an unusable status", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = new ImageMembersProvider();
    await provider.configure(passwordConfig(fake.cloud));
    fake.cloud.faults.push({
      match: isPost,
      rewriteBody: (body) => ({ ...(body as object), status: 42 }),
      times: 1,
    });
    const error = (await provider
      .create({ imageId: image.id, memberIds: ["p1"] })
      .catch((e) => e)) as CreateError;
    expect(error.message).toMatch(/the status 42, which is none of/);
    expect(error.id).toBe(image.id);
    expect(error.properties).toMatchObject({ members: [{ memberId: "p1", status: "unknown" }] });
  });
});

describe("ImageMember: a lost answer from Keystone is not a member that may exist", () => {
  const fake = onFakeCloud();

  test("every token request's answer lost: an ordinary failed create, no id, no member request", async () => {
    const image = fake.cloud.addImage("owner");
    fake.cloud.faults.push({
      match: (m, p) => m === "POST" && p === "/v3/auth/tokens",
      dropResponse: true,
      times: 100,
    });
    const provider = await configuredProvider(fake.cloud);
    const error = (await provider
      .create({ imageId: image.id, memberId: "p1" })
      .catch((e) => e)) as CreateError;
    expect(error.message).toMatch(
      new RegExp(`^Cannot share image ${image.id} with project p1: the cloud could not be reached`),
    );
    expect(error.message).not.toMatch(/may exist/);
    expect(error.id).toBeUndefined();
    expect(fake.cloud.glanceRequests()).toEqual([]);
  }, 30_000);
});
