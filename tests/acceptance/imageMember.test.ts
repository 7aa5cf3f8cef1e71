/**
 * ImageMember against a real Keystone + Glance (scripts/local-cloud.sh, or PIM_CLOUD_JSON):
 * the server's real answers, every error row of the facts sheet that can be provoked.
 */
import { randomUUID } from "crypto";
import { ImageMemberProvider } from "../../provider";
import { onRealCloud } from "../support/acceptanceSuite";
import { CountingProxy } from "../support/countingProxy";
import { CloudFile, configureRequest, extraGlance, GlanceDriver } from "../support/realCloud";

const real = onRealCloud();
let cloud: CloudFile;
let owner: GlanceDriver;
let consumer1Id: string;
let consumer2Id: string;
beforeAll(() => {
  ({ cloud, owner } = real);
  consumer1Id = cloud.identities.consumer1.projectId;
  consumer2Id = cloud.identities.consumer2.projectId;
});

const providerAs = (identity: "owner" | "consumer1" | "consumer2", extra = {}) =>
  real.configuredAs(new ImageMemberProvider(), identity, extra);

test("create, read, diff and delete with the server's real answers", async () => {
  const imageId = await owner.createImage();
  const provider = await providerAs("owner");

  const created = await provider.create({ imageId, memberId: consumer1Id });
  expect(created.id).toBe(`${imageId}/${consumer1Id}`);
  expect(created.outs).toMatchObject({
    imageId,
    memberId: consumer1Id,
    status: "pending",
  });
  // Glance's schema path, the same for every member, is not kept (issue 30).
  expect(created.outs).not.toHaveProperty("schema");
  expect(created.outs!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);

  const consumer = new GlanceDriver(cloud, cloud.identities.consumer1);
  await consumer.setMemberStatus(imageId, consumer1Id, "accepted");
  const read = await provider.read(created.id, created.outs!);
  expect(read.props).toMatchObject({ status: "accepted" });

  expect(
    await provider.diff(created.id, read.props!, { imageId, memberId: consumer1Id }),
  ).toMatchObject({ changes: false });
  expect(
    await provider.diff(created.id, read.props!, { imageId, memberId: consumer2Id }),
  ).toMatchObject({
    changes: true,
    replaces: ["memberId"],
  });
  const updated = await provider.update(created.id, read.props!, {
    imageId,
    memberId: consumer1Id,
  });
  expect(updated.outs).toMatchObject({ status: "accepted", createdAt: created.outs!.createdAt });

  await provider.delete(created.id, read.props!);
  expect(await owner.memberIds(imageId)).toEqual([]);
  // Deleting again (already gone) is not an error.
  await provider.delete(created.id, read.props!);
});

test("409: a membership made outside the stack is refused with the way to adopt it, and adopting works", async () => {
  const imageId = await owner.createImage();
  await owner.addMember(imageId, consumer1Id);
  const provider = await providerAs("owner");

  await expect(provider.create({ imageId, memberId: consumer1Id })).rejects.toThrow(
    new RegExp(
      `project ${consumer1Id} is already a member of image ${imageId}, outside this stack.*set adoptExisting: true.*` +
        `HTTP 409, "Member ${consumer1Id} is duplicated for image ${imageId}", request id req-`,
    ),
  );
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);

  const adopted = await provider.create({ imageId, memberId: consumer1Id, adoptExisting: true });
  expect(adopted).toMatchObject({ id: `${imageId}/${consumer1Id}`, outs: { status: "pending" } });
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
});

test("403: a private image is explained by its visibility, and nothing is left behind", async () => {
  const imageId = await owner.createImage("private");
  const provider = await providerAs("owner");
  await expect(provider.create({ imageId, memberId: consumer1Id })).rejects.toThrow(
    new RegExp(
      `Cannot share image ${imageId} with project ${consumer1Id}: image ${imageId} has visibility "private"; only images ` +
        `with visibility "shared" can have members.*HTTP 403, "Not allowed to create members for image ${imageId}\\."`,
    ),
  );
  await owner.setVisibility(imageId, "shared");
  expect(await owner.memberIds(imageId)).toEqual([]);
});

test("404: a missing image, or one a project cannot see; 403 for a member project trying to add members", async () => {
  const provider = await providerAs("owner");
  const missing = randomUUID();
  await expect(provider.create({ imageId: missing, memberId: consumer1Id })).rejects.toThrow(
    new RegExp(
      `image ${missing} does not exist or is not visible to project ${cloud.identities.owner.projectId}.*HTTP 404, "Image ${missing} not found\\."`,
    ),
  );

  const imageId = await owner.createImage();
  await owner.addMember(imageId, consumer1Id);
  // consumer2 is not a member: Glance hides the image from it.
  const stranger = await providerAs("consumer2");
  await expect(stranger.create({ imageId, memberId: consumer2Id })).rejects.toThrow(
    new RegExp(
      `image ${imageId} does not exist or is not visible to project ${consumer2Id}.*HTTP 404, "Image ${imageId} not found\\."`,
    ),
  );
  // consumer1 is a member and sees the image: Glance answers 403, which the image's owner explains.
  const member = await providerAs("consumer1");
  await expect(member.create({ imageId, memberId: consumer2Id })).rejects.toThrow(
    new RegExp(
      `image ${imageId} belongs to project ${cloud.identities.owner.projectId}, but the credentials are scoped to ` +
        `project ${consumer1Id}; only the owner project can add members.*HTTP 403`,
    ),
  );
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
});

test("413: a full member quota is explained (second glance-api with image_member_quota=2)", async () => {
  const quotaGlance = extraGlance("quota", "19293", ["image_member_quota=2"]);
  const imageId = await owner.createImage();
  const provider = await providerAs("owner", { "openstack:imageEndpoint": quotaGlance });
  await provider.create({ imageId, memberId: consumer1Id });
  await provider.create({ imageId, memberId: consumer2Id });
  await expect(provider.create({ imageId, memberId: "third-project" })).rejects.toThrow(
    new RegExp(
      `image ${imageId} already has as many members as the cloud allows \\(image_member_quota\\).*HTTP 413, "Image member limit exceeded`,
    ),
  );
  expect(await owner.memberIds(imageId)).toEqual([consumer1Id, consumer2Id].sort());
});

test("401: bad credentials and a bad token fail clearly, before any Glance request, with no secret shown", async () => {
  const glance = new CountingProxy(cloud.glanceUrl);
  await glance.start();
  try {
    const imageId = await owner.createImage();
    const badPassword = await providerAs("owner", {
      "openstack:password": "wrong-password-4711",
      "openstack:imageEndpoint": glance.url,
    });
    const error = await badPassword
      .create({ imageId, memberId: consumer1Id })
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/Keystone rejected the credentials.*HTTP 401/);
    expect(String(error)).not.toContain("wrong-password-4711");

    const badToken = new ImageMemberProvider();
    await badToken.configure(
      configureRequest({
        "openstack:authUrl": cloud.authUrl,
        "openstack:token": "gAAAAA-not-a-real-token-0815",
        "openstack:tenantId": cloud.identities.owner.projectId,
        "openstack:imageEndpoint": glance.url,
      }),
    );
    const tokenError = await badToken
      .create({ imageId, memberId: consumer1Id })
      .catch((e: Error) => e);
    expect(String(tokenError)).toMatch(
      /Keystone does not recognise the token \(expired, revoked or malformed\).*HTTP 404, "Could not recognize Fernet token"/,
    );
    expect(String(tokenError)).not.toContain("gAAAAA-not-a-real-token-0815");
    expect(glance.requests).toEqual([]);
    expect(await owner.memberIds(imageId)).toEqual([]);
  } finally {
    await glance.stop();
  }
});

test("drift: a member deleted out of band is gone for read; a member hidden by a private image is not", async () => {
  const imageId = await owner.createImage();
  const provider = await providerAs("owner");
  const first = await provider.create({ imageId, memberId: consumer1Id });
  const second = await provider.create({ imageId, memberId: consumer2Id });

  await owner.deleteMember(imageId, consumer1Id);
  expect(await provider.read(first.id, first.outs!)).toEqual({});

  await owner.setVisibility(imageId, "private");
  await expect(provider.read(second.id, second.outs!)).rejects.toThrow(
    new RegExp(
      `image ${imageId} is now "private", so the image service hides its members, but the membership of project ${consumer2Id} still exists`,
    ),
  );
  await expect(provider.delete(second.id, second.outs!)).rejects.toThrow(/is now "private"/);

  await owner.setVisibility(imageId, "shared");
  expect(await owner.memberIds(imageId)).toEqual([consumer2Id]);
  expect((await provider.read(second.id, second.outs!)).props).toMatchObject({
    memberId: consumer2Id,
  });
});

// Glance hides the members of any image that is not "shared", not only of a private one. An
// owner may make its image "community"; "public" takes an admin (Glance's publicize_image).
test.each(["community", "public"] as const)(
  "a member hidden by a %s image is kept by read (refresh) and delete",
  async (visibility) => {
    const imageId = await owner.createImage();
    const provider = await providerAs("owner");
    const created = await provider.create({ imageId, memberId: consumer1Id });
    const setter =
      visibility === "public" ? new GlanceDriver(cloud, cloud.identities.admin) : owner;
    await setter.setVisibility(imageId, visibility);
    try {
      await expect(provider.read(created.id, created.outs!)).rejects.toThrow(
        new RegExp(
          `image ${imageId} is now "${visibility}", so the image service hides its members, but ` +
            `the membership of project ${consumer1Id} still exists and is kept in state`,
        ),
      );
      await expect(provider.delete(created.id, created.outs!)).rejects.toThrow(
        `is now "${visibility}"`,
      );
    } finally {
      await setter.setVisibility(imageId, "shared");
    }
    expect(await owner.memberIds(imageId)).toEqual([consumer1Id]);
    expect((await provider.read(created.id, created.outs!)).props).toMatchObject({
      memberId: consumer1Id,
    });
  },
);

test("another project's credentials: Glance's 404 neither drops the member on read nor passes for a delete", async () => {
  const ownerId = cloud.identities.owner.projectId;
  const hidden = await owner.createImage(); // shared with consumer1 only: consumer2 cannot see it
  const both = await owner.createImage(); // shared with both: consumer2 sees it, not consumer1's row
  const provider = await providerAs("owner");
  const onHidden = await provider.create({ imageId: hidden, memberId: consumer1Id });
  const onBoth = await provider.create({ imageId: both, memberId: consumer1Id });
  await provider.create({ imageId: both, memberId: consumer2Id });
  expect(onHidden.outs!.managingProjectId).toBe(ownerId);

  const stranger = await providerAs("consumer2");
  const foreign = (imageId: string) =>
    new RegExp(
      `reports the membership of project ${consumer1Id} in image ${imageId} as not found, but ` +
        `these credentials are for project ${consumer2Id}, and the membership was made with the ` +
        `credentials of project ${ownerId} \\(recorded in state\\).*nothing was changed in state.*HTTP 404`,
    );
  await expect(stranger.read(onHidden.id, onHidden.outs!)).rejects.toThrow(foreign(hidden));
  await expect(stranger.delete(onHidden.id, onHidden.outs!)).rejects.toThrow(foreign(hidden));
  await expect(stranger.read(onBoth.id, onBoth.outs!)).rejects.toThrow(foreign(both));
  // A member project's delete is refused outright (403): an error, nothing dropped either.
  await expect(stranger.delete(onBoth.id, onBoth.outs!)).rejects.toThrow(/HTTP 403/);

  expect(await owner.memberIds(hidden)).toEqual([consumer1Id]);
  expect((await owner.memberIds(both)).sort()).toEqual([consumer1Id, consumer2Id].sort());
});

test("one Keystone authentication per provider process, one Glance request per operation, two per delete (counted at the servers)", async () => {
  const keystone = new CountingProxy(cloud.keystoneUrl);
  const glance = new CountingProxy(cloud.glanceUrl);
  await Promise.all([keystone.start(), glance.start()]);
  try {
    const imageId = await owner.createImage();
    const provider = await providerAs("owner", {
      "openstack:authUrl": `${keystone.url}/v3`,
      "openstack:imageEndpoint": glance.url,
    });
    const members = Array.from({ length: 5 }, (_, i) => `acceptance-project-${i}`);
    const created = await Promise.all(
      members.map((memberId) => provider.create({ imageId, memberId })),
    );
    await Promise.all(created.map((c) => provider.read(c.id, c.outs!)));
    await Promise.all(created.map((c) => provider.delete(c.id, c.outs!)));

    expect(keystone.count("POST", /\/v3\/auth\/tokens$/)).toBe(1);
    expect(keystone.requests).toHaveLength(1);
    expect(glance.count("POST")).toBe(5);
    // The reads, then the confirming read of each delete (a 404: gone).
    expect(glance.count("GET")).toBe(10);
    expect(glance.requests.filter((r) => r.method === "GET" && r.status === 404)).toHaveLength(5);
    expect(glance.count("DELETE")).toBe(5);
    expect(glance.requests).toHaveLength(20);
    expect(await owner.memberIds(imageId)).toEqual([]);
  } finally {
    await Promise.all([keystone.stop(), glance.stop()]);
  }
});
