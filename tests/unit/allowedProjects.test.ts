/**
 * The project rules the provider itself enforces (`imagemembers:allowedProjects`,
 * `imagemembers:allowedProjectsFile`, `imagemembers:forbiddenProjects`): read from the stack
 * config as `configure` gets it, refused in `check` under the property that grants, and again
 * in `create` / `update` before any request, for values `check` could not see.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  checkGrants,
  enforceGrants,
  loadProjectRules,
  pulumiProjectDir,
  strictProjectIds,
} from "../../provider/core/allowedProjects";
import { unknownValue } from "../../provider/core/validation";
import { projectRulesFromEngine } from "../../provider/plugin/config";
import {
  configuredMembersProvider,
  configuredProvider,
  onFakeCloud,
} from "../support/providerHarness";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-rules-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fromConfig = (values: Record<string, unknown>, projectDir = () => dir) =>
  loadProjectRules((key) => values[key], projectDir);

describe("reading the rules", () => {
  test("nothing configured: no rule at all", () => {
    expect(fromConfig({})).toEqual({ rules: {} });
  });

  test("allowedProjects as a JSON list (a YAML list in the stack file), a parsed list, or ids separated by commas", () => {
    for (const value of ['["p-a", "p-b"]', ["p-a", "p-b"], "p-a, p-b", "p-a p-b"]) {
      const loaded = fromConfig({ "imagemembers:allowedProjects": value });
      expect(loaded).toEqual({
        rules: {
          allowed: {
            ids: new Set(["p-a", "p-b"]),
            source: "imagemembers:allowedProjects (stack config)",
          },
        },
      });
    }
  });

  test("allowedProjectsFile: the review's format, relative to the Pulumi project's folder", () => {
    fs.writeFileSync(
      path.join(dir, "allowed.txt"),
      "# who may launch our images\np-a # ops\n\n  p-b\r\n#p-c\n",
    );
    const loaded = fromConfig({ "imagemembers:allowedProjectsFile": "allowed.txt" });
    expect(loaded).toEqual({
      rules: {
        allowed: {
          ids: new Set(["p-a", "p-b"]),
          source: `imagemembers:allowedProjectsFile (${path.join(dir, "allowed.txt")})`,
        },
      },
    });
  });

  test("the project's folder is the nearest one holding Pulumi.yaml above the program's", () => {
    const project = path.join(dir, "project");
    fs.mkdirSync(path.join(project, "src", "deep"), { recursive: true });
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: src/\n");
    expect(pulumiProjectDir(path.join(project, "src", "deep"))).toBe(project);
    expect(pulumiProjectDir(project)).toBe(project);
  });

  test("an unreadable file, both lists at once, or a malformed list: broken, never 'allow all'", () => {
    const missing = fromConfig({ "imagemembers:allowedProjectsFile": "nope.txt" });
    expect(missing).toEqual({
      broken: expect.stringContaining(
        `imagemembers:allowedProjectsFile names ${path.join(dir, "nope.txt")}, which cannot be read (ENOENT)`,
      ),
    });
    expect(
      fromConfig({
        "imagemembers:allowedProjects": "p-a",
        "imagemembers:allowedProjectsFile": "allowed.txt",
      }),
    ).toEqual({ broken: expect.stringContaining("set one of them") });
    expect(fromConfig({ "imagemembers:allowedProjects": "[p-a" })).toEqual({
      broken: expect.stringContaining("not a valid JSON list"),
    });
    expect(fromConfig({ "imagemembers:forbiddenProjects": "[1, 2]" })).toEqual({
      broken: "imagemembers:forbiddenProjects must be a list of project ids (strings)",
    });
    expect(fromConfig({ "imagemembers:allowedProjects": " " })).toEqual({
      broken: expect.stringContaining("imagemembers:allowedProjects is empty"),
    });
    const noProject = fromConfig({ "imagemembers:allowedProjectsFile": "allowed.txt" }, () =>
      pulumiProjectDir(os.tmpdir()),
    );
    expect(noProject).toEqual({ broken: expect.stringContaining("no Pulumi.yaml in") });
  });

  test("ids are trimmed, a list may start after white space, and a null setting is no setting", () => {
    const allowed = (value: unknown) =>
      fromConfig({ "imagemembers:allowedProjects": value }) as {
        rules: { allowed?: { ids: Set<string> } };
      };
    expect(allowed('  ["p-a", "p-b"]').rules.allowed!.ids).toEqual(new Set(["p-a", "p-b"]));
    expect(allowed([" p-a ", "p-b\t"]).rules.allowed!.ids).toEqual(new Set(["p-a", "p-b"]));
    expect(allowed('[" p-a"]').rules.allowed!.ids).toEqual(new Set(["p-a"]));
    expect(fromConfig({ "imagemembers:allowedProjects": null })).toEqual({ rules: {} });
    expect(fromConfig({ "imagemembers:forbiddenProjects": null })).toEqual({ rules: {} });
  });

  test("a list holding anything but non-blank strings is broken, whole", () => {
    for (const value of [["p-a", 1], ["p-a", " "], '["p-a", ""]', ["p-a", null]]) {
      expect(fromConfig({ "imagemembers:allowedProjects": value })).toEqual({
        broken: "imagemembers:allowedProjects must be a list of project ids (strings)",
      });
    }
  });

  test("malformed JSON is quoted, cut at 80 characters", () => {
    const text = `[${"p-".repeat(50)}`;
    expect(fromConfig({ "imagemembers:allowedProjects": text })).toEqual({
      broken: `imagemembers:allowedProjects is not a valid JSON list of project ids: ${text.slice(0, 80)}`,
    });
  });

  test("allowedProjectsFile: a blank or non-string value, and an unreadable file's exact message", () => {
    for (const value of [" ", 42, ""]) {
      expect(fromConfig({ "imagemembers:allowedProjectsFile": value })).toEqual({
        broken: "imagemembers:allowedProjectsFile must be the path of a file of project ids",
      });
    }
    const absolute = path.join(dir, "absent.txt");
    expect(fromConfig({ "imagemembers:allowedProjectsFile": absolute })).toEqual({
      broken:
        `imagemembers:allowedProjectsFile names ${absolute}, which cannot be read (ENOENT); ` +
        `fix the path or remove the setting`,
    });
    expect(fromConfig({ "imagemembers:allowedProjectsFile": "absent.txt" })).toEqual({
      broken:
        `imagemembers:allowedProjectsFile names ${absolute}, which cannot be read (ENOENT); ` +
        `fix the path (relative to the Pulumi project's folder ${dir}) or remove the setting`,
    });
  });

  test("an error that is not about the settings is not passed off as one", () => {
    const failing = () =>
      loadProjectRules(
        () => {
          throw new TypeError("a bug, not a setting");
        },
        () => dir,
      );
    expect(failing).toThrow(new TypeError("a bug, not a setting"));
  });

  test("strictProjectIds: true as YAML or as the text the plugin gets; false, unset or null is not strict; anything else breaks the rules", () => {
    const strict = (value: unknown) =>
      fromConfig({ "imagemembers:strictProjectIds": value, "imagemembers:allowedProjects": "p-a" });
    for (const value of [true, "true"]) {
      expect(strict(value)).toEqual({
        rules: { allowed: expect.anything(), strictProjectIds: true },
      });
      expect(strictProjectIds(strict(value))).toBe(true);
    }
    for (const value of [false, "false", undefined, null]) {
      expect(strict(value)).toEqual({ rules: { allowed: expect.anything() } });
      expect(strictProjectIds(strict(value))).toBe(false);
    }
    for (const [value, shown] of [
      ["yes", '"yes"'],
      [1, "1"],
      ["TRUE", '"TRUE"'],
    ] as const) {
      expect(strict(value)).toEqual({
        broken: `imagemembers:strictProjectIds must be true or false; got ${shown}`,
      });
      // Rules that cannot be read refuse every grant; the shape of an id only warns then.
      expect(strictProjectIds(strict(value))).toBe(false);
    }
  });

  test("the plugin reads the same settings from the engine's PULUMI_CONFIG (namespace dropped, values as strings)", () => {
    const env = {
      PULUMI_CONFIG: JSON.stringify({
        allowedProjects: '["p-a"]',
        forbiddenProjects: "p-x",
        unrelated: "1",
      }),
    };
    expect(projectRulesFromEngine(env)).toEqual({
      rules: {
        allowed: { ids: new Set(["p-a"]), source: "imagemembers:allowedProjects (stack config)" },
        forbidden: {
          ids: new Set(["p-x"]),
          source: "imagemembers:forbiddenProjects (stack config)",
        },
      },
    });
    expect(projectRulesFromEngine({})).toEqual({ rules: {} });
    expect(projectRulesFromEngine({ PULUMI_CONFIG: "{}" })).toEqual({ rules: {} });
    expect(projectRulesFromEngine({ PULUMI_CONFIG: "[oops" })).toEqual({
      broken: expect.stringContaining("PULUMI_CONFIG is not a JSON object"),
    });
  });
});

describe("the providers obey them", () => {
  const fake = onFakeCloud();

  const member = (extra: Record<string, string>) => configuredProvider(fake.cloud, "owner", extra);
  const members = (extra: Record<string, string>) =>
    configuredMembersProvider(fake.cloud, "owner", extra);

  test("no list configured: nothing refused", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await member({});
    const checked = await provider.check({} as never, { imageId: image.id, memberId: "p-any" });
    expect(checked.failures).toEqual([]);
    await provider.create({ imageId: image.id, memberId: "p-any" });
    expect(fake.cloud.members.get(image.id)!.map((m) => m.member_id)).toEqual(["p-any"]);
  });

  test("ImageMember: check refuses a project off the list, naming it, the image and the list; no request", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await member({ "imagemembers:allowedProjects": '["p-ok"]' });
    expect(
      (await provider.check({} as never, { imageId: image.id, memberId: "p-ok" })).failures,
    ).toEqual([]);
    const checked = await provider.check({} as never, { imageId: image.id, memberId: "p-evil" });
    expect(checked.failures).toEqual([
      {
        property: "memberId",
        reason:
          `image ${image.id} cannot be shared with project p-evil: project p-evil is not on the ` +
          `allowed list, imagemembers:allowedProjects (stack config); remove the grant from the ` +
          `program, or have the list changed (a reviewed change of the stack configuration). ` +
          `Nothing was sent.`,
      },
    ]);
    expect(fake.cloud.log).toEqual([]);
  });

  test("forbiddenProjects refuses even a project the allowed list has", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await member({
      "imagemembers:allowedProjects": "p-ok,p-bad",
      "imagemembers:forbiddenProjects": '["p-bad"]',
    });
    const checked = await provider.check({} as never, { imageId: image.id, memberId: "p-bad" });
    expect(checked.failures![0]!.reason).toContain(
      "project p-bad is forbidden by imagemembers:forbiddenProjects (stack config)",
    );
    const onlyForbidden = await member({ "imagemembers:forbiddenProjects": "p-bad" });
    expect(
      (await onlyForbidden.check({} as never, { imageId: image.id, memberId: "p-else" })).failures,
    ).toEqual([]);
  });

  test("forbiddenProjects alone (no allowed list): ImageMember refused in check and again in create, before any request", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await member({ "imagemembers:forbiddenProjects": "p-bad" });
    const checked = await provider.check({} as never, { imageId: image.id, memberId: "p-bad" });
    expect(checked.failures).toEqual([
      {
        property: "memberId",
        reason:
          `image ${image.id} cannot be shared with project p-bad: project p-bad is forbidden by ` +
          `imagemembers:forbiddenProjects (stack config); remove the grant from the program, or ` +
          `have the list changed (a reviewed change of the stack configuration). Nothing was sent.`,
      },
    ]);
    expect(fake.cloud.log).toEqual([]); // configure and check ask nothing
    await expect(provider.create({ imageId: image.id, memberId: "p-bad" })).rejects.toThrow(
      `Cannot share image ${image.id}: project p-bad is forbidden by imagemembers:forbiddenProjects (stack config). Nothing was sent`,
    );
    expect(fake.cloud.glanceRequests()).toEqual([]);
    expect(fake.cloud.members.get(image.id) ?? []).toEqual([]);
  });

  test("forbiddenProjects alone (no allowed list): ImageMembers refused in check, create and update, before any request", async () => {
    const image = fake.cloud.addImage("owner");
    const created = await (
      await members({})
    ).create({
      imageId: image.id,
      projects: { ops: "p-ok" },
    });
    const provider = await members({ "imagemembers:forbiddenProjects": '["p-bad"]' });
    const byLabel = await provider.check({} as never, {
      imageId: image.id,
      projects: { ops: "p-ok", bad: "p-bad" },
    });
    expect(byLabel.failures).toEqual([
      {
        property: "projects.bad",
        reason: expect.stringContaining(
          `image ${image.id} cannot be shared with project p-bad: project p-bad is forbidden by imagemembers:forbiddenProjects (stack config)`,
        ),
      },
    ]);
    const byList = await provider.check({} as never, {
      imageId: image.id,
      memberIds: ["p-ok", "p-bad"],
    });
    expect(byList.failures!.map((f) => f.property)).toEqual(["memberIds[1]"]);

    const sent = fake.cloud.glanceRequests().length;
    const refused =
      /project p-bad is forbidden by imagemembers:forbiddenProjects \(stack config\)\. Nothing was sent/;
    await expect(
      provider.create({ imageId: image.id, projects: { ops: "p-ok", bad: "p-bad" } }),
    ).rejects.toThrow(refused);
    await expect(
      provider.update(image.id, created.outs!, {
        imageId: image.id,
        projects: { ops: "p-ok", bad: "p-bad" },
      }),
    ).rejects.toThrow(refused);
    expect(fake.cloud.glanceRequests()).toHaveLength(sent);
    expect(fake.cloud.members.get(image.id)!.map((m) => m.member_id)).toEqual(["p-ok"]);
  });

  test("a list that cannot be read refuses every grant, in check and in create; removals still go through", async () => {
    const image = fake.cloud.addImage("owner");
    const broken = { "imagemembers:allowedProjectsFile": path.join(dir, "gone.txt") };
    const plain = await member({});
    const created = await plain.create({ imageId: image.id, memberId: "p-old" });

    const provider = await member(broken);
    const checked = await provider.check({} as never, { imageId: image.id, memberId: "p-new" });
    expect(checked.failures![0]!.reason).toContain(
      `the allowed projects cannot be checked: imagemembers:allowedProjectsFile names ${path.join(dir, "gone.txt")}, which cannot be read (ENOENT)`,
    );
    const before = fake.cloud.glanceRequests().length;
    await expect(provider.create({ imageId: image.id, memberId: "p-new" })).rejects.toThrow(
      /No project can be granted access until they can be/,
    );
    expect(fake.cloud.glanceRequests()).toHaveLength(before);

    await provider.delete(created.id, created.outs!);
    expect(fake.cloud.members.get(image.id)).toEqual([]);
  });

  test("a memberId unknown at check passes, and is refused by create before any request", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await member({ "imagemembers:allowedProjects": "p-ok" });
    const preview = await provider.check({} as never, {
      imageId: image.id,
      memberId: unknownValue,
    });
    expect(preview.failures).toEqual([]);
    const sent = fake.cloud.log.length;
    await expect(provider.create({ imageId: image.id, memberId: "p-late" })).rejects.toThrow(
      `Cannot share image ${image.id}: project p-late is not on the allowed list, imagemembers:allowedProjects (stack config). Nothing was sent`,
    );
    expect(fake.cloud.log).toHaveLength(sent);
  });

  test("check: an image id not known yet (or not a string) is left out of the reason; a member id that is not a string is check's other rules' business", () => {
    const rules = fromConfig({ "imagemembers:allowedProjects": "p-ok" });
    const reason = (imageId: unknown) =>
      checkGrants(rules, imageId, [{ property: "memberId", memberId: "p-evil" }]).map(
        (f) => f.reason.split(":")[0],
      );
    expect(reason(unknownValue)).toEqual(["image cannot be shared with project p-evil"]);
    expect(reason(undefined)).toEqual(["image cannot be shared with project p-evil"]);
    expect(reason("img-1")).toEqual(["image img-1 cannot be shared with project p-evil"]);
    expect(
      checkGrants(rules, "img-1", [
        { property: "memberId", memberId: 42 },
        { property: "memberIds[0]", memberId: undefined },
        { property: "memberIds[1]", memberId: unknownValue },
      ]),
    ).toEqual([]);
  });

  test("create: every refused project in one message, in order, with what to do", () => {
    const rules = fromConfig({
      "imagemembers:allowedProjects": "p-ok",
      "imagemembers:forbiddenProjects": "p-bad",
    });
    expect(() => enforceGrants(rules, "img-1", ["p-ok"])).not.toThrow();
    expect(() => enforceGrants(rules, "img-1", ["p-bad", "p-ok", "p-evil"])).toThrow(
      "Cannot share image img-1: project p-bad is forbidden by imagemembers:forbiddenProjects " +
        "(stack config); project p-evil is not on the allowed list, imagemembers:allowedProjects " +
        "(stack config). Nothing was sent (no project of this resource was granted access); " +
        "remove the grant from the program, or have the list changed (a reviewed change of the " +
        "stack configuration).",
    );
  });

  test("ImageMembers: check names each refused project by its label (or its place in memberIds)", async () => {
    const image = fake.cloud.addImage("owner");
    const provider = await members({ "imagemembers:allowedProjects": "p-ok" });
    const byLabel = await provider.check({} as never, {
      imageId: image.id,
      projects: { ops: "p-ok", stranger: "p-evil", later: unknownValue },
    });
    expect(byLabel.failures!.map((f) => [f.property, f.reason.split(":")[0]])).toEqual([
      ["projects.stranger", `image ${image.id} cannot be shared with project p-evil`],
    ]);
    const byList = await provider.check({} as never, {
      imageId: image.id,
      memberIds: ["p-ok", "p-evil"],
    });
    expect(byList.failures!.map((f) => f.property)).toEqual(["memberIds[1]"]);
    expect(fake.cloud.log).toEqual([]);
  });

  test("ImageMembers: create and update refuse before any request; an update that only removes goes through", async () => {
    const image = fake.cloud.addImage("owner");
    const plain = await members({});
    const created = await plain.create({
      imageId: image.id,
      projects: { ops: "p-ok", old: "p-old" },
    });
    const provider = await members({ "imagemembers:allowedProjects": "p-ok" });
    const sent = fake.cloud.glanceRequests().length;
    await expect(
      provider.create({ imageId: image.id, projects: { ops: "p-ok", evil: "p-evil" } }),
    ).rejects.toThrow(/project p-evil is not on the allowed list/);
    await expect(
      provider.update(image.id, created.outs!, {
        imageId: image.id,
        projects: { ops: "p-ok", evil: "p-evil" },
      }),
    ).rejects.toThrow(/project p-evil is not on the allowed list/);
    expect(fake.cloud.glanceRequests()).toHaveLength(sent);

    const updated = await provider.update(image.id, created.outs!, {
      imageId: image.id,
      projects: { ops: "p-ok" },
    });
    expect(updated.outs!.members.map((m) => m.memberId)).toEqual(["p-ok"]);
    expect(fake.cloud.members.get(image.id)!.map((m) => m.member_id)).toEqual(["p-ok"]);
  });
});
