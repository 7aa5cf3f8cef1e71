/**
 * A TypeScript program's `memberIds` list holding a secret id: the map `check` would make of
 * it is made in the program instead, so the engine stores it secret as a whole (it keeps a
 * secret only under its own property name, and check's `projects` is not `memberIds`).
 */
import * as pulumi from "@pulumi/pulumi";
import { recordingRegistrations } from "../support/recordingMocks";
import { listAsProjects } from "../../provider/resources/imageMembers/projects";

const registered = recordingRegistrations();
// After setMocks: the resource module reads the mocked runtime.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ImageMembers } = require("../../provider") as typeof import("../../provider");

const sig = "4dabf18193072939515e22adb298388d";
const imageId = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";

async function registeredInputs(args: ConstructorParameters<typeof ImageMembers>[1]) {
  registered.length = 0;
  const resource = new ImageMembers("many", args);
  await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
  return registered[0];
}

describe("ImageMembers: a memberIds list holding a secret", () => {
  test("is registered as a projects map, secret as a whole: no plain key", async () => {
    const inputs = await registeredInputs({
      imageId,
      memberIds: [pulumi.secret("p-hidden"), "p-open"],
    });
    expect(inputs.projects).toEqual({
      [sig]: "1b47061264138c4ac30d75fd1eb44270",
      value: { "p-hidden": "p-hidden", "p-open": "p-open" },
    });
    expect(inputs).not.toHaveProperty("memberIds");
  });

  test("a plain list is registered as it is, for check to refuse or convert", async () => {
    const inputs = await registeredInputs({ imageId, memberIds: ["a", "b"] });
    expect(inputs.memberIds).toEqual(["a", "b"]);
    expect(inputs).not.toHaveProperty("projects");
  });

  test("a list check would refuse fails with check's reasons (a map cannot keep a duplicate)", () => {
    expect(() => listAsProjects("many", ["a", "b", "a"])).toThrow(
      'ImageMembers many: memberIds[2]: memberIds lists project "a" more than once; list each project once',
    );
    expect(() => listAsProjects("many", "a")).toThrow(/memberIds must be a list of project ids/);
    expect(listAsProjects("many", ["a", "b"])).toEqual({ a: "a", b: "b" });
  });
});
