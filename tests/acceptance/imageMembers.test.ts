/**
 * ImageMembers against a real Keystone + Glance (scripts/local-cloud.sh, or PIM_CLOUD_JSON):
 * one resource for 30 members, Glance checked after every step, requests counted at the server.
 */
import { ImageMembersProvider } from "../../provider";
import { CountingProxy } from "../support/countingProxy";
import { onRealCloud } from "../support/acceptanceSuite";
import { CloudFile, GlanceDriver } from "../support/realCloud";

const real = onRealCloud();
let cloud: CloudFile;
let owner: GlanceDriver;
beforeAll(() => ({ cloud, owner } = real));

const sorted = (ids: string[]) => [...ids].sort();

test("30 members: create, read, update (+2/-1) and delete, one Glance request per member changed, one list confirming the removals", async () => {
  const glance = new CountingProxy(cloud.glanceUrl);
  await glance.start();
  try {
    const imageId = await owner.createImage();
    const provider = await real.configuredAs(new ImageMembersProvider(), "owner", {
      "openstack:imageEndpoint": glance.url,
    });
    const memberIds = Array.from({ length: 30 }, (_, i) => `bulk-project-${i}`);

    // Create: exactly one POST per member.
    const created = await provider.create({ imageId, memberIds });
    expect(created.id).toBe(imageId);
    expect(created.outs!.members.map((m) => m.memberId)).toEqual(sorted(memberIds));
    expect(created.outs!.members.every((m) => m.status === "pending")).toBe(true);
    expect(await owner.memberIds(imageId)).toEqual(sorted(memberIds));
    expect(glance.requests.map((r) => `${r.method} ${r.status}`)).toEqual(
      memberIds.map(() => "POST 200"),
    );

    // Read: one GET, and it agrees with Glance.
    glance.requests.length = 0;
    const read = await provider.read(created.id, created.outs!);
    expect(read.props).toEqual(created.outs);
    // Inputs as check stores them: the list as projects, each id its own label.
    expect(read.inputs).toEqual({
      imageId,
      projects: Object.fromEntries(sorted(memberIds).map((id) => [id, id])),
    });
    expect(glance.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v2/images/${imageId}/members`,
    ]);

    // Update: +2 / -1 is four requests (the removal read back once); the 29 unchanged cost none.
    glance.requests.length = 0;
    const wanted = [...memberIds.slice(1), "bulk-project-new-a", "bulk-project-new-b"];
    expect(await provider.diff(imageId, read.props!, { imageId, memberIds: wanted })).toMatchObject(
      { changes: true, replaces: [] },
    );
    const updated = await provider.update(imageId, read.props!, { imageId, memberIds: wanted });
    expect(updated.outs!.members.map((m) => m.memberId)).toEqual(sorted(wanted));
    expect(await owner.memberIds(imageId)).toEqual(sorted(wanted));
    // The removal is confirmed by one list of the image's members.
    expect(glance.requests.map((r) => `${r.method} ${r.status}`).sort()).toEqual([
      "DELETE 204",
      "GET 200",
      "POST 200",
      "POST 200",
    ]);
    expect(
      await provider.diff(imageId, updated.outs!, { imageId, memberIds: [...wanted].reverse() }),
    ).toMatchObject({ changes: false });

    // A member removed out of band: the read drops it, and says so in its inputs.
    await owner.deleteMember(imageId, "bulk-project-7");
    const drifted = await provider.read(imageId, updated.outs!);
    expect(drifted.props!.members.map((m) => m.memberId)).toEqual(
      sorted(wanted.filter((m) => m !== "bulk-project-7")),
    );
    const driftedProjects = Object.values(
      (drifted.inputs as unknown as { projects: Record<string, string> }).projects,
    );
    expect(driftedProjects).not.toContain("bulk-project-7");
    expect(driftedProjects).toContain("bulk-project-8");

    // Delete: one DELETE per member in state, and Glance has none left.
    glance.requests.length = 0;
    await provider.delete(imageId, updated.outs!);
    expect(await owner.memberIds(imageId)).toEqual([]);
    expect(glance.count("DELETE")).toBe(wanted.length);
    // bulk-project-7 was already gone: its 404 is success, confirmed by one look at the image;
    // the others' removal by one list of its members.
    expect(glance.requests.filter((r) => r.status === 404)).toHaveLength(1);
    expect(glance.count("GET")).toBe(2);
  } finally {
    await glance.stop();
  }
});

test("a private image: read and delete fail clearly and nothing is dropped", async () => {
  const imageId = await owner.createImage();
  const provider = await real.configuredAs(new ImageMembersProvider(), "owner");
  const created = await provider.create({ imageId, memberIds: ["bulk-a", "bulk-b"] });
  await owner.setVisibility(imageId, "private");

  await expect(provider.read(imageId, created.outs!)).rejects.toThrow(
    new RegExp(`image ${imageId} is now "private".*still exist and are kept in state.*HTTP 403`),
  );
  await expect(provider.delete(imageId, created.outs!)).rejects.toThrow(
    new RegExp(`Cannot stop sharing image ${imageId} with 2 projects.*is now "private"`),
  );
  await owner.setVisibility(imageId, "shared");
  expect(await owner.memberIds(imageId)).toEqual(["bulk-a", "bulk-b"]);
  await provider.delete(imageId, created.outs!);
  expect(await owner.memberIds(imageId)).toEqual([]);
});
