/**
 * `ImageMembers` takes its projects as a `projects` map or a `memberIds` list. Which one is in
 * force is decided once (provider/core/projectsForm.ts), for `check`, for the
 * hooks that share, and for the access review: `projects: null` beside a list must neither
 * share with the list behind the review's back nor pass the allow-list gate.
 */
import { ImageMembersProvider } from "../../provider";
import type { ImageMembersInputs } from "../../provider";
import { reviewText } from "../../provider/review";
import { declaredProjects } from "../../provider/core/projectsForm";
import { wantedProjects } from "../../provider/resources/imageMembers/projects";
import { FakeCloud } from "../support/fakeCloud";
import { created, imageA, preview } from "../support/previewSteps";
import { passwordConfig, withoutOpenStackEnv } from "../support/providerHarness";

withoutOpenStackEnv();

const imageId = "576f82a1-65d6-49d0-b644-e4a64cabce39";

/** What the review grants on a create of an ImageMembers with these inputs (gate on "allowed"). */
function reviewed(inputs: Record<string, unknown>) {
  const text = preview([created("ImageMembers", "many", { imageId: imageA, ...inputs })]);
  return reviewText(text, { allowList: "allowed\n" });
}

describe("ImageMembers: which project list is in force", () => {
  const provider = new ImageMembersProvider();

  test.each([
    [{ projects: null, memberIds: ["intruder"] }, "projects", /not both; got projects \(null\)/],
    [{ projects: { ops: "allowed" }, memberIds: null }, "projects", /not both/],
    [{ projects: null }, "projects", /projects is null: give projects/],
    [{ memberIds: null }, "memberIds", /memberIds is null: give projects/],
  ])("check refuses %j before any request", async (given, property, reason) => {
    const result = await provider.check(
      {} as ImageMembersInputs,
      {
        imageId,
        ...given,
      } as unknown as ImageMembersInputs,
    );
    expect(result.failures).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });

  test("projects: null beside a list is shared with nobody, and no request is made", async () => {
    const cloud = new FakeCloud();
    await cloud.start();
    try {
      const image = cloud.addImage("owner");
      const configured = new ImageMembersProvider();
      await configured.configure(passwordConfig(cloud, "owner"));
      const inputs = { imageId: image.id, projects: null, memberIds: ["intruder"] };
      // The engine stops at check's failures; had it not, create must not share either.
      expect(wantedProjects(declaredProjects(inputs))).toEqual(new Map());
      await configured.create(inputs as unknown as ImageMembersInputs).catch(() => undefined);
      expect(cloud.members.get(image.id)).toEqual([]);
    } finally {
      await cloud.stop();
    }
  });

  test("the review fails the gate on projects: null beside a list, rather than passing it", () => {
    const outcome = reviewed({ projects: null, memberIds: ["intruder"] });
    expect(outcome.exitCode).toBe(3);
    expect(outcome.report).not.toContain("Allowed projects: passed");
    expect(outcome.report).toMatch(/the project list is refused by the provider/);
    expect(outcome.messages.join("\n")).toMatch(/a project list the provider refuses/);
  });

  test.each([
    [{ projects: { ops: "allowed" } }, ["allowed"]],
    [{ memberIds: ["allowed", "other"] }, ["allowed", "other"]],
    [{ projects: null, memberIds: ["intruder"] }, undefined],
    [{ projects: { ops: "allowed" }, memberIds: ["intruder"] }, undefined],
    [{ memberIds: null }, undefined],
  ])(
    "the review grants exactly what the provider shares with: %j",
    (given, expected: string[] | undefined) => {
      const shared = [...(wantedProjects(declaredProjects(given))?.keys() ?? [])];
      const outcome = reviewed(given);
      const granted = [
        ...outcome.report.matchAll(/^- `([^`]+)`(?: \(`[^`]*`\))? — ImageMembers/gm),
      ].map((m) => m[1]);
      if (expected === undefined) {
        expect(shared).toEqual([]);
        expect(granted).toEqual([]);
        expect(outcome.exitCode).toBe(3);
      } else {
        expect(shared.sort()).toEqual(expected);
        expect(granted.sort()).toEqual(expected);
      }
    },
  );
});
