/**
 * The provider plugin's secrets, hook by hook (in process, against the fake cloud): every
 * secret reaches the runtime plain (in lists too), and every property that holds or is made
 * from a secret goes back secret, from check, diff, create, read, update, and the properties
 * a failed create or update asks the engine to keep. A refresh must never write a secret
 * project id into state in plain text.
 */
import { loadProjectRules, noRules } from "../../provider/core/allowedProjects";
import { ImageMembersPlugin } from "../../provider/plugin/provider";
import { containsSecret, revealed, withSecretsOf } from "../../provider/plugin/secrets";
import * as runtime from "../../provider/serialization/runtime";
import { FakeCloud } from "../support/fakeCloud";
import { openStackEnv, withoutOpenStackEnv } from "../support/providerHarness";

jest.setTimeout(30_000);

const sig = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [sig]: "1b47061264138c4ac30d75fd1eb44270", value });
const urn = (type: string, name: string) =>
  `urn:pulumi:dev::yaml-project::imagemembers:index:${type}::${name}`;
type Props = Record<string, unknown>;

describe("plugin secrets: the two functions", () => {
  test("revealed unwraps at any depth, lists included", () => {
    expect(
      revealed({ a: secret("x"), list: ["p", secret("q"), { deep: [secret(secret("r"))] }] }),
    ).toEqual({ a: "x", list: ["p", "q", { deep: ["r"] }] });
  });

  test("withSecretsOf: a namesake that held a secret anywhere makes the value secret", () => {
    const ins = { memberIds: ["a", secret("b")], projects: { ops: secret("p"), qa: "q" } };
    const outs = withSecretsOf({ memberIds: ["a", "b"], projects: { ops: "p", qa: "q" } }, ins);
    expect(outs).toEqual({
      memberIds: secret(["a", "b"]),
      projects: { ops: secret("p"), qa: "q" },
    });
  });

  test("withSecretsOf: ImageMembers' properties made from one that held a secret are secret", () => {
    const fromList = withSecretsOf(
      { projects: { b: "b" }, members: [{ memberId: "b" }], imageId: "i" },
      { memberIds: [secret("b")], imageId: "i" },
      "ImageMembers",
    );
    expect(fromList).toEqual({
      projects: secret({ b: "b" }),
      members: secret([{ memberId: "b" }]),
      imageId: "i",
    });
    expect(containsSecret(fromList.imageId)).toBe(false);
  });

  test("null, missing and non-object values pass through: nothing secret, nothing thrown", () => {
    // Pulumi properties may be null, and a resource's hook may answer none at all.
    expect(containsSecret({ a: null, list: [null, 1, "x"] })).toBe(false);
    expect(containsSecret(null)).toBe(false);
    expect(revealed({ a: null, b: [null, secret(null)] })).toEqual({ a: null, b: [null, null] });
    expect(withSecretsOf({ a: null, b: "x" }, { a: null, b: null })).toEqual({ a: null, b: "x" });
    expect(withSecretsOf(undefined, { memberIds: [secret("b")] })).toBeUndefined();
    expect(withSecretsOf({ memberIds: ["b"] }, undefined, "ImageMembers")).toEqual({
      memberIds: ["b"],
    });
    expect(withSecretsOf(["b"], { memberIds: [secret("b")] })).toEqual(["b"]);
    // A plain list: what is made from it stays plain (every source looked at, none secret).
    expect(
      withSecretsOf(
        { projects: { b: "b" }, members: [{ memberId: "b" }] },
        { memberIds: ["b"] },
        "ImageMembers",
      ),
    ).toEqual({ projects: { b: "b" }, members: [{ memberId: "b" }] });
  });
});

describe("plugin secrets: each hook", () => {
  let cloud: FakeCloud;
  const plugin = new ImageMembersPlugin("0.0.0", "{}");

  beforeAll(async () => {
    cloud = new FakeCloud();
    await cloud.start();
    withoutOpenStackEnv();
    Object.assign(process.env, openStackEnv(cloud, "owner"));
  });
  afterAll(async () => {
    withoutOpenStackEnv();
    await cloud.stop();
  });

  /** Every string `value` holds outside a secret. */
  function plainStrings(value: unknown): string[] {
    if (containsSecret(value) && typeof value === "object" && value !== null && sig in value) {
      return [];
    }
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(plainStrings);
    if (typeof value === "object" && value !== null) {
      return Object.entries(value).flatMap(([k, v]) => [k, ...plainStrings(v)]);
    }
    return [];
  }

  test("ImageMembers: a secret memberIds entry stays secret through check, create, read and update", async () => {
    const image = cloud.addImage("owner");
    const type = urn("ImageMembers", "many");
    const hidden = "p-hidden-project";

    const checked = await plugin.check(
      type,
      {},
      { imageId: image.id, memberIds: [secret(hidden), "p-open"] },
    );
    expect(checked.failures).toEqual([]);
    // The list becomes a map keyed by the ids: the whole map is secret, no plain key.
    expect(checked.inputs.projects).toEqual(secret({ [hidden]: hidden, "p-open": "p-open" }));
    expect(plainStrings(checked.inputs)).not.toContain(hidden);

    const created = await plugin.create(type, checked.inputs);
    expect(
      cloud.members
        .get(image.id)!
        .map((m) => m.member_id)
        .sort(),
    ).toEqual([hidden, "p-open"]);
    expect(created.outs!.members).toEqual(secret(expect.any(Array)));
    expect(plainStrings(created.outs)).not.toContain(hidden);

    // A refresh: the state's outputs in, outputs and inputs out, none with the id in plain.
    const read = await plugin.read(image.id, type, created.outs as Props);
    expect(read.props!.members).toEqual(secret(expect.any(Array)));
    expect(read.inputs!.projects).toEqual(secret({ [hidden]: hidden, "p-open": "p-open" }));
    expect(plainStrings(read)).not.toContain(hidden);

    const news = { imageId: image.id, projects: { ops: secret(hidden) } };
    const updated = await plugin.update(image.id, type, read.props as Props, news);
    expect(updated.outs!.members).toEqual(secret([expect.objectContaining({ memberId: hidden })]));
    expect(plainStrings(updated.outs)).not.toContain(hidden);
  });

  test("ImageMembers: what a failed update asks the engine to keep is secret too", async () => {
    const image = cloud.addImage("owner");
    const type = urn("ImageMembers", "partial");
    const created = await plugin.create(type, { imageId: image.id, projects: { a: "p-a" } });
    cloud.faults.push({
      match: (m, p) => m === "POST" && p.endsWith("/members"),
      status: 403,
      times: 10,
    });
    const error = (await plugin
      .update(image.id, type, created.outs as Props, {
        imageId: image.id,
        projects: { a: "p-a", vip: secret("p-vip") },
      })
      .catch((e) => e)) as { properties?: Props };
    cloud.faults.length = 0;
    expect(error.properties?.members).toEqual(secret(expect.any(Array)));
  });

  test("ImageMember: diff compares the plain values; read and update keep memberId secret", async () => {
    const image = cloud.addImage("owner");
    const type = urn("ImageMember", "one");
    const inputs = { imageId: image.id, memberId: secret("p-one") };
    const checked = await plugin.check(type, {}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await plugin.create(type, checked.inputs);
    expect(created.outs!.memberId).toEqual(secret("p-one"));

    // The same secret value on both sides: no change, no replacement.
    const diff = await plugin.diff(created.id, type, created.outs as Props, checked.inputs);
    expect(diff.changes).toBe(false);
    expect(diff.replaces ?? []).toEqual([]);

    const read = await plugin.read(created.id, type, created.outs as Props);
    expect(read.props!.memberId).toEqual(secret("p-one"));
    expect(read.inputs!.memberId).toEqual(secret("p-one"));

    const updated = await plugin.update(created.id, type, read.props as Props, checked.inputs);
    expect(updated.outs!.memberId).toEqual(secret("p-one"));
  });

  test("a secret project id the allowed projects refuse is named by its place, never by its value; a plain one by its value", async () => {
    const image = cloud.addImage("owner");
    const [hidden, open, allowed] = ["p-hidden-one", "p-open-one", "p-allowed"];
    const rules = loadProjectRules(
      (key) => (key === "imagemembers:allowedProjects" ? allowed : undefined),
      () => "/",
    );
    runtime.imageMember.useProjectRules(rules);
    runtime.imageMembers.useProjectRules(rules);
    try {
      const member = urn("ImageMember", "hidden");
      const checked = await plugin.check(
        member,
        {},
        { imageId: image.id, memberId: secret(hidden) },
      );
      expect(checked.failures!.map((f) => [f.property, f.reason.split(": ")[1]])).toEqual([
        [
          "memberId",
          "a secret project id (memberId) is not on the allowed list, imagemembers:allowedProjects (stack config); remove the grant from the program, or have the list changed (a reviewed change of the stack configuration). Nothing was sent.",
        ],
      ]);
      expect(JSON.stringify(checked.failures)).not.toContain(hidden);
      expect(checked.inputs.memberId).toEqual(secret(hidden));
      // The names of the secret inputs are the plugin's word to the resource, not an input.
      expect(checked.inputs).not.toHaveProperty("secretInputs");
      const refused = await plugin
        .create(member, { imageId: image.id, memberId: secret(hidden) })
        .catch((e: Error) => e);
      expect(String(refused)).toContain(
        `Cannot share image ${image.id}: a secret project id (memberId) is not on the allowed list`,
      );
      expect(String(refused)).not.toContain(hidden);

      const plain = await plugin.check(member, {}, { imageId: image.id, memberId: open });
      expect(plain.failures!.map((f) => f.reason.split(": ")[1])).toEqual([
        expect.stringMatching(new RegExp(`^project ${open} is not on the allowed list`)),
      ]);
      expect(plain.inputs).not.toHaveProperty("secretInputs");

      const list = await plugin.check(
        urn("ImageMembers", "list"),
        {},
        {
          imageId: image.id,
          memberIds: [allowed, secret(hidden)],
        },
      );
      expect(
        list.failures!.map((f) => [f.property, f.reason.split(": ")[1]!.split(" is ")[0]]),
      ).toEqual([["memberIds", "a secret project id (#2 of memberIds)"]]);
      expect(JSON.stringify(list.failures)).not.toContain(hidden);
      expect(cloud.members.get(image.id)).toEqual([]);
    } finally {
      runtime.imageMember.useProjectRules(noRules);
      runtime.imageMembers.useProjectRules(noRules);
    }
  });
});
