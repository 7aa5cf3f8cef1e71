/**
 * The provider plugin process obeys `imagemembers:*` project rules from the environment the
 * engine starts it with (`PULUMI_CONFIG`), although its server's `Configure` hands it nothing:
 * check refuses, create refuses before any request. (Under the real engine: tests/e2e/guardrails.test.ts.)
 */
import { onPluginProcess, pluginUrn as urn } from "../support/pluginProcess";

describe("the plugin process with PULUMI_CONFIG", () => {
  const plugin = onPluginProcess("pim-plugin-rules-", () => ({
    // As the engine sets it: the stack config of the plugin's namespace, without it.
    PULUMI_CONFIG: JSON.stringify({ allowedProjects: '["p-ok"]', forbiddenProjects: "p-no" }),
  }));

  test("check refuses ImageMember and ImageMembers grants off the list; create refuses before any request", async () => {
    const { cloud, server } = plugin();
    const image = cloud.addImage("owner");
    const member = await server.check(
      urn("ImageMember", "stranger"),
      {},
      { imageId: image.id, memberId: "p-evil" },
    );
    expect(member.failures).toEqual([
      {
        property: "memberId",
        reason: expect.stringContaining(
          "project p-evil is not on the allowed list, imagemembers:allowedProjects (stack config)",
        ),
      },
    ]);
    const members = await server.check(
      urn("ImageMembers", "all"),
      {},
      { imageId: image.id, projects: { ops: "p-ok", no: "p-no" } },
    );
    expect(members.failures.map((f) => [f.property, f.reason.includes("forbidden")])).toEqual([
      ["projects.no", true],
    ]);
    await expect(
      server.create(urn("ImageMember", "stranger"), { imageId: image.id, memberId: "p-evil" }),
    ).rejects.toThrow(/project p-evil is not on the allowed list/);
    expect(cloud.log).toEqual([]);

    const allowed = await server.create(urn("ImageMember", "ok"), {
      imageId: image.id,
      memberId: "p-ok",
    });
    expect(allowed.id).toBe(`${image.id}/p-ok`);
  });
});

describe("the plugin process with only imagemembers:forbiddenProjects (no allowed list)", () => {
  const plugin = onPluginProcess("pim-plugin-deny-", () => ({
    PULUMI_CONFIG: JSON.stringify({ forbiddenProjects: '["p-no"]' }),
  }));

  test("the deny-list alone refuses in check, and again in create and update before any request", async () => {
    const { cloud, server } = plugin();
    const image = cloud.addImage("owner");
    const forbidden = "project p-no is forbidden by imagemembers:forbiddenProjects (stack config)";
    const member = await server.check(
      urn("ImageMember", "denied"),
      {},
      { imageId: image.id, memberId: "p-no" },
    );
    expect(member.failures).toEqual([
      { property: "memberId", reason: expect.stringContaining(forbidden) },
    ]);
    const members = await server.check(
      urn("ImageMembers", "all"),
      {},
      { imageId: image.id, projects: { ops: "p-ok", no: "p-no" } },
    );
    expect(members.failures).toEqual([
      { property: "projects.no", reason: expect.stringContaining(forbidden) },
    ]);
    expect(cloud.log).toEqual([]);

    // A project off the deny-list is granted: nothing else refuses.
    const created = await server.create(urn("ImageMembers", "all"), {
      imageId: image.id,
      projects: { ops: "p-ok" },
    });
    const sent = cloud.glanceRequests().length;
    await expect(
      server.create(urn("ImageMember", "denied"), { imageId: image.id, memberId: "p-no" }),
    ).rejects.toThrow(forbidden);
    await expect(
      server.update(urn("ImageMembers", "all"), created.id, created.properties, {
        imageId: image.id,
        projects: { ops: "p-ok", no: "p-no" },
      }),
    ).rejects.toThrow(forbidden);
    expect(cloud.glanceRequests()).toHaveLength(sent);
    expect(cloud.members.get(image.id)!.map((m) => m.member_id)).toEqual(["p-ok"]);
  });
});
