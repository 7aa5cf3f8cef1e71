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
const { ImageShare } = require("../../provider") as typeof import("../../provider");

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
      "ImageShare dup: project p1 is listed twice in memberIds; list each project once",
    );
    expect(() => new ImageShare("bad", { imageId, memberIds: ["a/b"] })).toThrow(
      /ImageShare bad: memberIds\[\] must be the id of a project/,
    );
  });
});
