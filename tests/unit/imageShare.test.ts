import * as pulumi from "@pulumi/pulumi";

const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return {
        id: `${args.inputs.imageId}/${args.inputs.memberId}`,
        state: { ...args.inputs, status: "pending" },
      };
    },
    call: () => ({}),
  },
  "project",
  "stack",
);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ImageShare, ImageMembers } = require("../../provider") as typeof import("../../provider");

const imageId = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";

describe("ImageShare", () => {
  test("one ImageMember child per project, named after it, and the members as output", async () => {
    const share = new ImageShare("img", { imageId, memberIds: ["p1", "p2", "p3"] });
    const members = await new Promise((resolve) => share.members.apply(resolve));
    expect(members).toEqual([
      { memberId: "p1", status: "pending" },
      { memberId: "p2", status: "pending" },
      { memberId: "p3", status: "pending" },
    ]);
    const children = registered.filter(
      (r) => r.type === "pulumi-nodejs:dynamic/images:ImageMember",
    );
    expect(children.map((c) => c.name)).toEqual(["img-p1", "img-p2", "img-p3"]);
  });

  test("a project listed twice, or an unusable id, fails at construction with a clear message", () => {
    expect(() => new ImageShare("dup", { imageId, memberIds: ["p1", "p2", "p1"] })).toThrow(
      'ImageShare dup: memberIds lists project "p1" more than once; list each project once',
    );
    expect(() => new ImageShare("bad", { imageId, memberIds: ["a/b"] })).toThrow(
      /ImageShare bad: memberIds\[0\] must be the id of a project/,
    );
  });
});

/** The value of an output once the mocked engine has answered. */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("accept: the member's half in the same stack", () => {
  test("ImageShare: one ImageMemberAcceptance per accepted project, with that project's cloud", async () => {
    registered.length = 0;
    const share = new ImageShare("acc", {
      imageId,
      memberIds: ["p1", "p2", "p3"],
      cloud: "owner",
      accept: { p1: { cloud: "ops" }, p3: { cloud: "dev", status: "rejected" } },
    });
    expect(Object.keys(share.acceptances)).toEqual(["p1", "p3"]);
    await new Promise((resolve) => share.members.apply(resolve));
    await Promise.all(Object.values(share.acceptances).map((a) => settled(a.urn)));
    const accepts = registered.filter(
      (r) => r.type === "pulumi-nodejs:dynamic/images:ImageMemberAcceptance",
    );
    expect(
      accepts.map((a) => [a.name, a.inputs.memberId, a.inputs.cloud, a.inputs.status]),
    ).toEqual([
      ["acc-p1-accept", "p1", "ops", "accepted"],
      ["acc-p3-accept", "p3", "dev", "rejected"],
    ]);
    const members = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/images:ImageMember");
    expect(members.every((m) => m.inputs.cloud === "owner")).toBe(true);
  });

  test("ImageShare: accepting a project it does not share with, or an accept without a cloud, fails at construction", () => {
    expect(
      () => new ImageShare("x", { imageId, memberIds: ["p1"], accept: { p2: { cloud: "ops" } } }),
    ).toThrow(
      "ImageShare x: accept names project p2, which memberIds does not share the image with; add it to memberIds, or remove it from accept",
    );
    expect(
      () =>
        new ImageShare("y", {
          imageId,
          memberIds: ["p1"],
          accept: { p1: {} as unknown as { cloud: string } },
        }),
    ).toThrow(
      `ImageShare y: accept["p1"] must give the clouds.yaml entry of that member project's credentials`,
    );
    expect(
      () =>
        new ImageShare("z", {
          imageId,
          memberIds: ["p1"],
          accept: { p1: { cloud: "ops", status: "yes" as "accepted" } },
        }),
    ).toThrow(
      `ImageShare z: accept["p1"].status must be "accepted", "rejected" or "pending"; got "yes"`,
    );
  });

  test("ImageMembers: keyed by label (or id), the acceptance gets the project id", async () => {
    registered.length = 0;
    const members = new ImageMembers("many", {
      imageId,
      projects: { ops: "p-ops", dev: "p-dev" },
      accept: { ops: { cloud: "ops-cloud" }, "p-dev": { cloud: "dev-cloud" } },
    });
    const ids = await Promise.all(
      Object.values(members.acceptances).map((a) => settled(a.memberId)),
    );
    await Promise.all(Object.values(members.acceptances).map((a) => settled(a.urn)));
    expect(ids).toEqual(["p-ops", "p-dev"]);
    const accepts = registered.filter(
      (r) => r.type === "pulumi-nodejs:dynamic/images:ImageMemberAcceptance",
    );
    expect(accepts.map((a) => [a.name, a.inputs.memberId, a.inputs.cloud])).toEqual([
      ["many-ops-accept", "p-ops", "ops-cloud"],
      ["many-p-dev-accept", "p-dev", "dev-cloud"],
    ]);
  });

  test("ImageMembers: an accept key that is neither a label nor a project id fails at construction, naming the keys, before it is registered", async () => {
    expect(
      () =>
        new ImageMembers("bad", {
          imageId,
          projects: { ops: "p-ops" },
          accept: { opps: { cloud: "ops-cloud" } },
        }),
    ).toThrow(
      `ImageMembers bad: accept["opps"] names no project this resource shares the image with; its keys are the labels of projects (or project ids): "ops", "p-ops". Share with that project first, or remove it from accept.`,
    );
    // Registered, `pulumi up` would share the image before the program's error stops it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(registered.filter((r) => r.name === "bad")).toEqual([]);
  });
});
