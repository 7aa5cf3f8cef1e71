import { ImageMemberProvider } from "../../provider";
import { unknownValue } from "../../provider/core/validation";

const image = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const provider = new ImageMemberProvider();

async function failuresOf(inputs: Record<string, unknown>) {
  const result = await provider.check({} as never, inputs as never);
  return result.failures ?? [];
}

describe("ImageMember check refuses, before any request, what Glance would reject or could not manage", () => {
  test("valid inputs pass, unchanged", async () => {
    const inputs = {
      imageId: image,
      memberId: "edc89b490d7d4392898e19b2deb34797",
      region: "RegionOne",
    };
    expect(await provider.check({} as never, inputs)).toEqual({ inputs, failures: [] });
  });

  test.each([
    [
      "imageId",
      { imageId: "not-a-uuid", memberId: "p" },
      'imageId must be the UUID of an image, like "d164b5df-1bc3-4c3f-893e-3e471fd16e64"; got "not-a-uuid"',
    ],
    ["imageId", { imageId: "", memberId: "p" }, 'got ""'],
    ["imageId", { imageId: 42, memberId: "p" }, "got a number"],
    ["imageId", { memberId: "p" }, "got nothing"],
    ["imageId", { imageId: `${image} `, memberId: "p" }, "must be the UUID of an image"],
    [
      "memberId",
      { imageId: image, memberId: "" },
      "memberId must be the id of a project (it is empty)",
    ],
    [
      "memberId",
      { imageId: image, memberId: "a".repeat(256) },
      "at most 255 characters; it has 256",
    ],
    [
      "memberId",
      { imageId: image, memberId: "a/b" },
      'it contains "/", which the image service accepts but can never read or delete again',
    ],
    ["memberId", { imageId: image, memberId: " abc" }, "it contains white space"],
    ["memberId", { imageId: image, memberId: "ab\tc" }, "it contains white space"],
    ["memberId", { imageId: image, memberId: "ab\u0000c" }, "it contains control characters"],
    ["memberId", { imageId: image, memberId: ".." }, "it is only dots"],
    [
      "memberId",
      { imageId: image, memberId: "proj\u{1F600}" },
      "outside the Basic Multilingual Plane",
    ],
    [
      "memberId",
      { imageId: image, memberId: "abc\u202Efed" },
      "it contains the invisible formatting character U+202E (a bidirectional control: what follows it prints in another order, as another id)",
    ],
    ["memberId", { imageId: image, memberId: "p\u2066q" }, "character U+2066 (a bidirectional"],
    ["memberId", { imageId: image, memberId: "p\u200Bq" }, "formatting character U+200B;"],
    [
      "memberId",
      { imageId: image, memberId: ["p"] },
      "memberId must be the id of a project (a string)",
    ],
    [
      "region",
      { imageId: image, memberId: "p", region: "" },
      'region, when set, must be a region name without spaces, like "RegionOne"; got ""',
    ],
    ["region", { imageId: image, memberId: "p", region: "Region One" }, "without spaces"],
  ])("%s: %j", async (property, inputs, reason) => {
    const failures = await failuresOf(inputs);
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe(property);
    expect(failures[0].reason).toContain(reason);
  });

  test("every problem is reported at once", async () => {
    const failures = await failuresOf({ imageId: "x", memberId: "a/b", region: " " });
    expect(failures.map((f) => f.property)).toEqual(["imageId", "memberId", "region"]);
  });

  test("values not known yet during a preview are left for later", async () => {
    expect(
      await failuresOf({ imageId: unknownValue, memberId: unknownValue, region: unknownValue }),
    ).toEqual([]);
  });

  test("a 255-character id and ids with dots or unicode of the BMP are accepted", async () => {
    expect(await failuresOf({ imageId: image, memberId: "a".repeat(255) })).toEqual([]);
    expect(await failuresOf({ imageId: image, memberId: "proj.ect-1_é" })).toEqual([]);
  });
});
