/**
 * The input checks every resource's `check` is made of (provider/resources/common/), each
 * rule at its edges and with the words a user reads: what is accepted as it is, and what is
 * refused, with the value quoted (cut at 60 characters) or described.
 */
import {
  checkImageId,
  checkOneOf,
  checkOptionalBoolean,
  checkOptionalText,
  checkProjectId,
  checkRegion,
  failures,
  invisibleCharacter,
  unknownValue,
} from "../../provider/core/validation";
import { projectsInForce } from "../../provider/core/projectsForm";
import { memberRefOf, resourceId } from "../../provider/core/memberRef";
import { keptInState } from "../../provider/resources/common/partialFailure";

const reasonOf = (failure: { reason: string } | undefined) => failure?.reason;

describe("image ids", () => {
  test.each([
    unknownValue,
    "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
    "D164B5DF-1BC3-4C3F-893E-3E471FD16E64",
    "d164b5df1bc34c3f893e3e471fd16e64",
  ])("%s passes", (id) => {
    expect(checkImageId(id)).toBeUndefined();
  });

  test.each([
    ["cirros", '"cirros"'],
    ["xd164b5df-1bc3-4c3f-893e-3e471fd16e64", '"xd164b5df-1bc3-4c3f-893e-3e471fd16e64"'],
    ["d164b5df-1bc3-4c3f-893e-3e471fd16e64x", '"d164b5df-1bc3-4c3f-893e-3e471fd16e64x"'],
    [42, "a number"],
    [undefined, "nothing"],
    [null, "a object"],
    [["d164b5df-1bc3-4c3f-893e-3e471fd16e64"], "a object"],
  ])("%p is refused, quoted or described as %s", (id, shown) => {
    expect(checkImageId(id)).toEqual({
      property: "imageId",
      reason: `imageId must be the UUID of an image, like "d164b5df-1bc3-4c3f-893e-3e471fd16e64"; got ${shown}`,
    });
  });

  test("under the property given; a long value is cut at 60 characters", () => {
    const long = "x".repeat(61);
    expect(checkImageId(long, "image")).toEqual({
      property: "image",
      reason: expect.stringMatching(/^image must be the UUID .*; got "x{60}…"$/),
    });
    expect(reasonOf(checkImageId("y".repeat(60)))).toMatch(/got "y{60}"$/);
  });
});

describe("project ids", () => {
  test.each([
    unknownValue,
    "0123456789abcdef0123456789abcdef",
    "a.b",
    "..a",
    "a..",
    "p".repeat(255),
  ])("%s passes", (id) => {
    expect(checkProjectId(id)).toBeUndefined();
  });

  test.each([
    [42, "a string"],
    ["", "it is empty"],
    ["p".repeat(256), "at most 255 characters; it has 256"],
    ["a b", "it contains white space; copy the id without spaces or line breaks"],
    ["a\u0001b", "it contains control characters"],
    ["a\u007fb", "it contains control characters"],
    [
      "a\u200bb",
      "it contains the invisible formatting character U+200B; copy the id again without it",
    ],
    ["a/b", 'it contains "/", which the image service accepts but can never read or delete again'],
    [".", "it is only dots"],
    ["..", "it is only dots"],
    [
      "a\u{1F600}",
      "it contains characters outside the Basic Multilingual Plane, which the image service cannot store",
    ],
  ])("%p is refused: %s", (id, problem) => {
    expect(reasonOf(checkProjectId(id))).toMatch(
      new RegExp(`^memberId must be the id of a project \\(${escape(problem)}\\); got `),
    );
  });

  test("under the property given, with the value quoted", () => {
    expect(checkProjectId("a/b", "projects.ops")).toEqual({
      property: "projects.ops",
      reason:
        'projects.ops must be the id of a project (it contains "/", which the image service ' +
        'accepts but can never read or delete again); got "a/b"',
    });
  });
});

describe("invisible characters", () => {
  test.each([
    ["abc", undefined],
    ["a\u00adb", "U+00AD"],
    ["a\u200bb", "U+200B"],
    [
      "\u061c",
      "U+061C (a bidirectional control: what follows it prints in another order, as another id)",
    ],
    [
      "\u200e",
      "U+200E (a bidirectional control: what follows it prints in another order, as another id)",
    ],
    [
      "\u202a",
      "U+202A (a bidirectional control: what follows it prints in another order, as another id)",
    ],
    [
      "\u202e",
      "U+202E (a bidirectional control: what follows it prints in another order, as another id)",
    ],
    [
      "\u2066",
      "U+2066 (a bidirectional control: what follows it prints in another order, as another id)",
    ],
    [
      "\u2069",
      "U+2069 (a bidirectional control: what follows it prints in another order, as another id)",
    ],
    ["\u206a", "U+206A"],
  ])("%p: %p", (text, found) => {
    expect(invisibleCharacter(text)).toBe(found);
  });
});

describe("regions, booleans, words and optional text", () => {
  test("a region: absent or a name without spaces, at most 255 characters", () => {
    for (const ok of [undefined, null, unknownValue, "RegionOne", "r".repeat(255)]) {
      expect(checkRegion(ok)).toBeUndefined();
    }
    for (const [bad, shown] of [
      ["", '""'],
      ["  ", '"  "'],
      ["Region One", '"Region One"'],
      ["r".repeat(256), `"${"r".repeat(60)}…"`],
      [7, "a number"],
    ] as const) {
      expect(checkRegion(bad, "where")).toEqual({
        property: "where",
        reason: `where, when set, must be a region name without spaces, like "RegionOne"; got ${shown}`,
      });
    }
  });

  test("an optional boolean: true, false or absent", () => {
    for (const ok of [undefined, null, unknownValue, true, false]) {
      expect(checkOptionalBoolean(ok, "exclusive")).toBeUndefined();
    }
    expect(checkOptionalBoolean("true", "exclusive")).toEqual({
      property: "exclusive",
      reason: 'exclusive, when set, must be true or false; got "true"',
    });
  });

  test("one of a set of words", () => {
    const words = ["accepted", "rejected"];
    expect(checkOneOf("accepted", "status", words)).toBeUndefined();
    expect(checkOneOf(unknownValue, "status", words)).toBeUndefined();
    expect(checkOneOf("pending", "status", words)).toEqual({
      property: "status",
      reason: 'status must be one of "accepted", "rejected"; got "pending"',
    });
    expect(reasonOf(checkOneOf(1, "status", words))).toMatch(/; got a number$/);
  });

  test("optional text: absent, or non-empty without surrounding spaces, at most 255 characters", () => {
    for (const ok of [undefined, null, unknownValue, "id", "a b", "t".repeat(255)]) {
      expect(checkOptionalText(ok, "cloud")).toBeUndefined();
    }
    for (const bad of ["", " ", " id", "id ", "t".repeat(256), 3]) {
      expect(checkOptionalText(bad, "cloud")).toEqual({
        property: "cloud",
        reason: expect.stringMatching(
          /^cloud, when set, must be a non-empty id without surrounding spaces; got /,
        ),
      });
    }
  });

  test("failures keeps the failures, in order, and drops the passes", () => {
    const a = { property: "a", reason: "x" };
    const b = { property: "b", reason: "y" };
    expect(failures(undefined, a, undefined, b)).toEqual([a, b]);
    expect(failures()).toEqual([]);
  });
});

describe("the form of an ImageMembers' projects", () => {
  test("one form given: that one; none: none", () => {
    expect(projectsInForce({ projects: { a: "p" } })).toEqual({
      form: "projects",
      value: { a: "p" },
    });
    expect(projectsInForce({ memberIds: ["p"] })).toEqual({ form: "memberIds", value: ["p"] });
    expect(projectsInForce({})).toEqual({ form: "none" });
  });

  test("both given, even one as null: refused, naming what each was", () => {
    expect(projectsInForce({ projects: null, memberIds: ["p"] })).toEqual({
      form: "refused",
      property: "projects",
      reason:
        "give either projects (a map from a label to a project id) or memberIds (a list of " +
        "project ids), not both; got projects (null) and memberIds (a list). Leave the other " +
        "one out of the arguments rather than setting it to null",
    });
    expect(projectsInForce({ projects: { a: "p" }, memberIds: "p" })).toMatchObject({
      reason: expect.stringContaining("got projects (a object) and memberIds (a string)"),
    });
  });

  test.each(["projects", "memberIds"])("%s alone as null: refused under it", (property) => {
    expect(projectsInForce({ [property]: null })).toEqual({
      form: "refused",
      property,
      reason:
        `${property} is null: give projects (a map from a label to a project id, like ` +
        '{ ops: "<project id>" }) or memberIds (a list of project ids), and leave the other out',
    });
  });
});

describe("a membership's reference", () => {
  test("the resource id is <imageId>/<memberId>, and reads back", () => {
    expect(resourceId({ imageId: "img", memberId: "p1" })).toBe("img/p1");
    expect(memberRefOf("img/p1", {}, "ImageMember")).toEqual({ imageId: "img", memberId: "p1" });
  });

  test("the properties win over the id when both are there", () => {
    expect(memberRefOf("x/y", { imageId: "img", memberId: "p1" }, "ImageMember")).toEqual({
      imageId: "img",
      memberId: "p1",
    });
    expect(memberRefOf("img/p2", { imageId: "img" }, "ImageMember")).toEqual({
      imageId: "img",
      memberId: "p2",
    });
  });

  test.each(["img", "/p1", "img/", ""])("%p is not an id", (id) => {
    expect(() => memberRefOf(id, {}, "ImageMemberAcceptance")).toThrow(
      `"${id}" is not an ImageMemberAcceptance id; expected "<imageId>/<memberId>"`,
    );
  });
});

describe("what a failed hook keeps in state", () => {
  type Kept = Error & { properties: object; reasons: string[] };
  test("the outputs, the id and the reasons, with the inputs' serialized provider", () => {
    const error = keptInState(
      new Error("boom"),
      "img",
      { a: 1 },
      { __provider: "prov", b: 2 },
    ) as Kept;
    expect(error).toMatchObject({
      message: "boom",
      id: "img",
      properties: { a: 1, __provider: "prov" },
      reasons: ["boom"],
    });
    expect(error.properties).not.toHaveProperty("b");
  });

  test("no serialized provider in the inputs: none added; reasons as given", () => {
    const error = keptInState(new Error("boom"), "img", { a: 1 }, {}, ["one", "two"]) as Kept;
    expect(error.properties).toStrictEqual({ a: 1 });
    expect(error.reasons).toEqual(["one", "two"]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
