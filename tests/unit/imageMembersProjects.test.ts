/**
 * ImageMembers' `projects` input (label to project id): what check stores, what diff answers
 * for each kind of change a pull request makes, labels kept in state and given back by read,
 * and state written by the list form (`memberIds`) upgrading without a replacement.
 */
import { ImageMembersProvider } from "../../provider";
import type { ImageMembersInputs, ImageMembersOutputs } from "../../provider";
import { onFakeCloud, passwordConfig } from "../support/providerHarness";

const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const member = (memberId: string, name?: string) => ({
  memberId,
  status: "pending" as const,
  createdAt: "2026-12-01T00:00:00Z",
  updatedAt: "2026-12-01T00:00:00Z",
  ...(name ? { name } : {}),
});

describe("ImageMembers projects: check", () => {
  const provider = new ImageMembersProvider();
  const imageId = "576f82a1-65d6-49d0-b644-e4a64cabce39";

  test("the list form is stored as projects, each id its own label; projects is kept as given", async () => {
    const list = await provider.check(
      {} as ImageMembersInputs,
      {
        imageId,
        memberIds: ["b", "a"],
        __provider: "p",
      } as ImageMembersInputs,
    );
    expect(list.failures).toEqual([]);
    expect(list.inputs).toEqual({ imageId, projects: { b: "b", a: "a" }, __provider: "p" });

    const named = await provider.check({} as ImageMembersInputs, {
      imageId,
      projects: { ops: "a", qa: "b" },
    });
    expect(named.failures).toEqual([]);
    expect(named.inputs).toEqual({ imageId, projects: { ops: "a", qa: "b" } });
  });

  test("a list with values not known yet is kept until they are known", async () => {
    const result = await provider.check({} as ImageMembersInputs, {
      imageId,
      memberIds: ["a", unknown],
    });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ imageId, memberIds: ["a", unknown] });
  });

  test.each([
    [{ projects: { a: "x" }, memberIds: ["x"] }, "projects", /either projects .* or memberIds/],
    [{}, "projects", /projects must map a label to each project .*; got nothing/],
    [{ projects: ["x"] }, "projects", /got a list/],
    [{ projects: "x" }, "projects", /got a string/],
    [{ projects: { ops: "a/b" } }, "projects.ops", /must be the id of a project .*"\/"/],
    [{ projects: { ops: "a", qa: "a" } }, "projects.qa", /project "a" twice \(as "ops" and "qa"\)/],
    [{ projects: { " ": "a" } }, "projects", /a label must be 1 to 128 printable characters/],
    [{ memberIds: ["a", "a"] }, "memberIds[1]", /more than once/],
  ])("refused before any request: %j", async (given, property, reason) => {
    const result = await provider.check(
      {} as ImageMembersInputs,
      {
        imageId,
        ...given,
      } as ImageMembersInputs,
    );
    expect(result.failures).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });
});

describe("ImageMembers projects: diff", () => {
  const provider = new ImageMembersProvider();
  const olds: ImageMembersOutputs = {
    imageId: "i",
    members: [member("a", "ops"), member("b", "qa"), member("c")],
  };
  const diff = (projects: Record<string, string>) =>
    provider.diff("i", olds, { imageId: "i", projects });

  test("the same projects and labels in any order: no change", async () => {
    expect((await diff({ c: "c", qa: "b", ops: "a" })).changes).toBe(false);
  });

  test("a project added, removed or swapped under its label: an update, never a replacement", async () => {
    for (const projects of <Record<string, string>[]>[
      { ops: "a", qa: "b", c: "c", dev: "e" },
      { ops: "a", c: "c" },
      { ops: "a", qa: "e", c: "c" },
    ]) {
      expect(await diff(projects)).toEqual({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    }
  });

  test("a new label for the same project is a change (recorded without a request)", async () => {
    expect((await diff({ operations: "a", qa: "b", c: "c" })).changes).toBe(true);
  });

  test("state written by the list form (no labels) and the same ids as a list: no change", async () => {
    const legacy: ImageMembersOutputs = { imageId: "i", members: [member("a"), member("b")] };
    const news = { imageId: "i", memberIds: ["b", "a"] };
    expect((await provider.diff("i", legacy, news)).changes).toBe(false);
    const checked = await provider.check({} as ImageMembersInputs, news);
    expect((await provider.diff("i", legacy, checked.inputs!)).changes).toBe(false);
  });

  test("values not known yet: a change, settled when applied", async () => {
    expect((await diff({ ops: unknown })).changes).toBe(true);
    expect(
      (await provider.diff("i", olds, { imageId: "i", projects: unknown as never })).changes,
    ).toBe(true);
  });
});

describe("ImageMembers projects against the fake cloud", () => {
  const fake = onFakeCloud();

  async function configured() {
    const provider = new ImageMembersProvider();
    await provider.configure(passwordConfig(fake.cloud, "owner"));
    return provider;
  }

  test("labels travel into state and back out of read; a rename costs no request", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured();
    const created = await provider.create({ imageId: image.id, projects: { ops: "p1", p2: "p2" } });
    expect(created.outs?.members.map((m) => [m.memberId, m.name])).toEqual([
      ["p1", "ops"],
      ["p2", undefined],
    ]);
    expect(created.outs?.members[1]).not.toHaveProperty("name");

    const read = await provider.read(created.id, created.outs!);
    expect(read.inputs).toEqual({ imageId: image.id, projects: { ops: "p1", p2: "p2" } });

    const before = fake.cloud.glanceRequests().length;
    const renamed = await provider.update(created.id, created.outs!, {
      imageId: image.id,
      projects: { operations: "p1", test: "p2" },
    });
    expect(fake.cloud.glanceRequests().length).toBe(before);
    expect(renamed.outs?.members.map((m) => m.name)).toEqual(["operations", "test"]);
  });

  test("remove one, add one: exactly one DELETE and one POST, labels as given", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await configured();
    const created = await provider.create({
      imageId: image.id,
      projects: { a: "pa", b: "pb", c: "pc", d: "pd" },
    });
    const before = fake.cloud.glanceRequests().length;
    const updated = await provider.update(created.id, created.outs!, {
      imageId: image.id,
      projects: { a: "pa", c: "pc", d: "pd", e: "pe" },
    });
    expect(
      fake.cloud
        .glanceRequests()
        .slice(before)
        .map((r) => `${r.method} ${r.path.split("/").pop()}`)
        .sort(),
    ).toEqual(["DELETE pb", "GET members", "POST members"]);
    expect(updated.outs?.members.map((m) => `${m.name}=${m.memberId}`)).toEqual([
      "a=pa",
      "c=pc",
      "d=pd",
      "e=pe",
    ]);
    expect(
      fake.cloud.members
        .get(image.id)
        ?.map((m) => m.member_id)
        .sort(),
    ).toEqual(["pa", "pc", "pd", "pe"]);
  });
});
