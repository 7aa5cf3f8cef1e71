/**
 * The words of the project-id shape rule, in full, and where its warnings go: what a user
 * reads at `pulumi preview` when a member id cannot be a project id. (The rule inside each
 * provider's `check`, and the warnings reaching the engine: tests/unit/projectIdShape.test.ts.)
 */
import {
  checkProjectIdShapes,
  findProjectIdCommand,
  projectIdShapeMistake,
} from "../../provider/core/projectIdShape";
import { unknownValue } from "../../provider/core/validation";
import { engineAddressOf, forResource, useWarningSink, warn } from "../../provider/core/warnings";

const image = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const valid = "edc89b490d7d4392898e19b2deb34797";

describe("the likely mistake, word for word", () => {
  test.each([
    [
      "a UUID with dashes",
      image,
      "it is a UUID with dashes (an image, user or domain id?), and a project id has no " +
        "dashes: 32 lowercase hexadecimal characters",
    ],
    [
      "one character lost, some upper case",
      valid.slice(1).toUpperCase(),
      "it has 31 hexadecimal characters (some upper case), 1 fewer than the 32 of a project id: " +
        "probably a character lost in copying",
    ],
    [
      "cut short",
      valid.slice(0, 20),
      "it has 20 hexadecimal characters, 12 fewer than the 32 of a project id: " +
        "probably cut short in copying, or a project name",
    ],
    [
      "characters added",
      `${valid}abcdef12`,
      "it has 40 hexadecimal characters, 8 more than the 32 of a project id: " +
        "probably characters added in copying",
    ],
    [
      "a single hexadecimal character",
      "a",
      "it has 1 hexadecimal character, 31 fewer than the 32 of a project id: " +
        "probably cut short in copying, or a project name",
    ],
    [
      "a name ending in hexadecimal letters",
      "project-abc",
      "it has 11 characters, not 32 lowercase hexadecimal ones: probably a project name where " +
        "its id belongs",
    ],
  ])("%s", (_what, id, words) => {
    expect(projectIdShapeMistake(id)).toBe(words);
  });
});

describe("checkProjectIdShapes", () => {
  const grant = (imageId: unknown, memberId: unknown, strict = false) =>
    checkProjectIdShapes({
      resource: "ImageMember",
      imageId,
      uses: [{ property: "memberId", memberId }],
      strict,
    });

  test("the whole warning: resource, property, image, mistake, consequence, command, setting", () => {
    expect(grant(image, "consumer")).toEqual({
      failures: [],
      warnings: [
        `ImageMember: memberId, the project image ${image} would be shared with, cannot be a ` +
          "project id: it has 8 characters, not 32 lowercase hexadecimal ones: probably a " +
          "project name where its id belongs. Glance would store it anyway, as a member no " +
          "project can see or accept: it would stay pending and the intended project would " +
          `never get image ${image}. Put the project's id there: \`${findProjectIdCommand}\` ` +
          "prints it. (Set imagemembers:strictProjectIds to true in the stack config to make " +
          "this an error.)",
      ],
    });
  });

  test.each([
    ["not known yet", unknownValue],
    ["not a string", 42],
    ["refused by its own check", "not an image id"],
  ])('an image id %s is called "the image", not quoted', (_what, imageId) => {
    const { warnings } = grant(imageId, "consumer");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("the project the image would be shared with");
    expect(warnings[0]).toContain("would never get the image.");
  });

  test("a member id not known yet, not a string, or refused by its own check is not judged here", () => {
    for (const memberId of [unknownValue, 42, "has a space", "a/b"]) {
      expect(grant(image, memberId, true)).toEqual({ failures: [], warnings: [] });
    }
  });
});

describe("warnings", () => {
  afterEach(() => useWarningSink(undefined));

  test("the engine's address is the first argument after the logging and tracing flags", () => {
    expect(engineAddressOf(["127.0.0.1:4321"])).toBe("127.0.0.1:4321");
    expect(engineAddressOf(["--logtostderr", "-v=9", "--tracing", "x:1", "localhost:99"])).toBe(
      "localhost:99",
    );
    expect(engineAddressOf(["[::1]:5000"])).toBe("[::1]:5000");
    expect(engineAddressOf(["x[::1]:5000"])).toBeUndefined();
    expect(engineAddressOf(["[::1]:5000/x"])).toBeUndefined();
    expect(engineAddressOf(["not-an-address"])).toBeUndefined();
    expect(engineAddressOf(["/path/host:1"])).toBeUndefined();
    expect(engineAddressOf(["host:1x"])).toBeUndefined();
    expect(engineAddressOf([])).toBeUndefined();
  });

  test("a warning goes under the resource it is given for, and each time unless once per process", async () => {
    const seen: [string, string][] = [];
    useWarningSink(async (message, urn) => void seen.push([message, urn]));
    await forResource("urn:a", () => warn("twice"));
    await warn("twice");
    await warn("once", { oncePerProcess: true });
    await forResource("urn:b", () => warn("once", { oncePerProcess: true }));
    expect(seen).toEqual([
      ["twice", "urn:a"],
      ["twice", ""],
      ["once", ""],
    ]);
    // A new sink starts afresh: the once-per-process messages are given again.
    useWarningSink(async (message, urn) => void seen.push([message, urn]));
    await warn("once", { oncePerProcess: true });
    expect(seen).toHaveLength(4);
  });

  test("when the sink fails, the warning goes to standard error instead; warn never throws", async () => {
    const stderr = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      useWarningSink(async () => {
        throw new Error("engine gone");
      });
      await expect(warn("look out")).resolves.toBeUndefined();
      expect(stderr).toHaveBeenCalledWith("warning: look out");
    } finally {
      stderr.mockRestore();
    }
  });
});
