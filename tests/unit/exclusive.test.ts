/**
 * `exclusive: true` on `ImageMembers`: the refresh reads the image's whole member list, so a
 * member granted outside Pulumi is seen (in state, in the review report as "granted outside
 * Pulumi") and the next update removes it. Without `exclusive`, nothing changes: such members
 * are left alone.
 */
import type { ImageMembersOutputs } from "../../provider";
import { reviewText } from "../../provider/review";
import { imageA, membersOutput, refreshPreview, state, urnOf } from "../support/previewSteps";
import { configuredMembersProvider, onFakeCloud } from "../support/providerHarness";

describe("ImageMembers exclusive against the fake cloud", () => {
  const fake = onFakeCloud();

  const configured = () => configuredMembersProvider(fake.cloud);
  const byHand = (imageId: string, memberId: string) => {
    const rows = fake.cloud.members.get(imageId)!;
    rows.push({ ...rows[0]!, member_id: memberId, status: "accepted" });
  };
  const glanceIds = (imageId: string) =>
    (fake.cloud.members.get(imageId) ?? []).map((m) => m.member_id).sort();

  test("exclusive: refresh reads a member granted by hand, diff shows a change, update removes only it", async () => {
    const image = fake.cloud.addImage("owner");
    const other = fake.cloud.addImage("owner");
    const provider = await configured();
    const inputs = { imageId: image.id, projects: { ops: "p-ops" }, exclusive: true };
    const checked = await provider.check({} as never, inputs);
    expect(checked.failures).toEqual([]);
    const created = await provider.create(checked.inputs!);
    expect(created.outs).toMatchObject({ exclusive: true });
    await provider.create({ imageId: other.id, projects: { ops: "p-ops" } });
    byHand(image.id, "p-stranger");
    byHand(other.id, "p-stranger");

    const refreshed = await provider.read(image.id, created.outs!);
    expect(refreshed.props!.members.map((m) => [m.memberId, m.name])).toEqual([
      ["p-ops", "ops"],
      ["p-stranger", undefined],
    ]);
    expect(refreshed.inputs).toEqual({
      imageId: image.id,
      projects: { ops: "p-ops", "p-stranger": "p-stranger" },
      exclusive: true,
    });
    const olds = refreshed.props as ImageMembersOutputs;
    expect((await provider.diff(image.id, olds, inputs)).changes).toBe(true);

    const sent = fake.cloud.glanceRequests().length;
    const updated = await provider.update(image.id, olds, inputs);
    expect(updated.outs!.members.map((m) => m.memberId)).toEqual(["p-ops"]);
    expect(
      fake.cloud
        .glanceRequests()
        .slice(sent)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([
      `DELETE /v2/images/${image.id}/members/p-stranger`,
      `GET /v2/images/${image.id}/members`,
    ]);
    expect(glanceIds(image.id)).toEqual(["p-ops"]);
    expect(glanceIds(other.id)).toEqual(["p-ops", "p-stranger"]);
  });

  test("without exclusive, the refresh keeps to the members in state (nothing changes)", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured();
    const inputs = { imageId: image.id, projects: { ops: "p-ops" } };
    const created = await provider.create(inputs);
    expect(created.outs).not.toHaveProperty("exclusive");
    byHand(image.id, "p-stranger");
    const refreshed = await provider.read(image.id, created.outs!);
    expect(refreshed.props!.members.map((m) => m.memberId)).toEqual(["p-ops"]);
    expect(refreshed.inputs).toEqual({ imageId: image.id, projects: { ops: "p-ops" } });
    expect(
      (await provider.diff(image.id, refreshed.props as ImageMembersOutputs, inputs)).changes,
    ).toBe(false);
  });

  test("turning exclusive on or off is a change of state only (no request); a non-boolean is refused", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured();
    const created = await provider.create({ imageId: image.id, projects: { ops: "p-ops" } });
    const on = { imageId: image.id, projects: { ops: "p-ops" }, exclusive: true };
    expect((await provider.diff(image.id, created.outs!, on)).changes).toBe(true);
    const sent = fake.cloud.glanceRequests().length;
    const updated = await provider.update(image.id, created.outs!, on);
    expect(updated.outs).toMatchObject({ exclusive: true });
    expect(fake.cloud.glanceRequests()).toHaveLength(sent);
    const bad = await provider.check({} as never, { ...on, exclusive: "yes" as never });
    expect(bad.failures).toEqual([
      { property: "exclusive", reason: 'exclusive, when set, must be true or false; got "yes"' },
    ]);
  });
});

describe("review: a member granted outside Pulumi on an exclusive resource", () => {
  test("the refresh's extra member is drift, 'granted outside Pulumi', and the plan's removal a loss", () => {
    const urn = urnOf("ImageMembers", "golden");
    const inputs = { imageId: imageA, projects: { ops: "p-ops" }, exclusive: true };
    const before = state("ImageMembers", inputs, {
      imageId: imageA,
      exclusive: true,
      members: membersOutput({ "p-ops": "accepted" }),
    });
    const refreshed = state(
      "ImageMembers",
      { ...inputs, projects: { ops: "p-ops", "p-stranger": "p-stranger" } },
      {
        imageId: imageA,
        exclusive: true,
        members: membersOutput({ "p-ops": "accepted", "p-stranger": "pending" }),
      },
    );
    const { report, exitCode } = reviewText(
      refreshPreview(
        [{ op: "refresh", urn, oldState: before, newState: before }],
        [{ op: "update", urn, oldState: refreshed, newState: state("ImageMembers", inputs, {}) }],
      ),
    );
    expect(exitCode).toBe(0);
    expect(report).toContain("the refresh found 1 change made outside Pulumi");
    expect(report).toContain(
      "- `p-stranger`: **granted outside Pulumi** (status pending; the resource is exclusive: an update after a refresh removes it) — ImageMembers `golden`",
    );
    expect(report).toContain(
      "- `p-stranger` — pending: had not accepted it yet — ImageMembers `golden`",
    );
  });
});
