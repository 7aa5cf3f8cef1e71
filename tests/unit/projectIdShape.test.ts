/**
 * A member id that cannot be a project id (a name, a character lost or added, upper case) is
 * not shared silently: `check` warns, naming the likely mistake and the command that finds
 * the id, or fails with `imagemembers:strictProjectIds: true`, before any request; for every
 * resource that takes project ids, in the dynamic provider (its methods, and the real
 * dynamic-provider server) and in the plugin process alike. The id itself is never quoted: it
 * may be a secret. (Under the real engine: tests/e2e/projectIdShape.test.ts.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ImageMemberAcceptanceProvider,
  ImageMemberProvider,
  ImageMembersProvider,
} from "../../provider";
import { loadProjectRules } from "../../provider/core/allowedProjects";
import { findProjectIdCommand, projectIdShapeMistake } from "../../provider/core/projectIdShape";
import { useWarningSink } from "../../provider/core/warnings";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot, runTypeScript } from "../support/childProcess";
import { runAll } from "../support/cleanup";
import { DynamicProviderServer } from "../support/dynamicProviderServer";
import { FakeCloud } from "../support/fakeCloud";
import { FakeEngine } from "../support/fakeEngine";
import { PluginProcess, pluginUrn, startPluginProcess } from "../support/pluginProcess";
import { openStackEnv } from "../support/providerHarness";

const image = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
const valid = "edc89b490d7d4392898e19b2deb34797";

describe("the shape of a project id", () => {
  test.each([
    [
      "a project name",
      "consumer",
      /8 characters, not 32 .*: probably a project name where its id belongs/,
    ],
    [
      "31 characters",
      valid.slice(1),
      /31 hexadecimal characters, 1 fewer .*: probably a character lost in copying/,
    ],
    [
      "33 characters",
      `${valid}a`,
      /33 hexadecimal characters, 1 more than .*: probably a character added/,
    ],
    ["upper case", valid.toUpperCase(), /upper-case letters, and project ids are lower case/],
    ["a UUID with dashes", image, /a UUID with dashes/],
    ["a name of 32 characters", "consumer-project-of-the-ops-team", /a project name/],
  ])("%s is named as the likely mistake", (_what, id, mistake) => {
    expect(projectIdShapeMistake(id)).toMatch(mistake);
  });

  test("a project id passes", () => {
    expect(projectIdShapeMistake(valid)).toBeUndefined();
    expect(projectIdShapeMistake("0123456789abcdef0123456789abcdef")).toBeUndefined();
  });
});

describe("check of the dynamic providers", () => {
  const warnings: string[] = [];
  beforeAll(() => useWarningSink(async (message) => void warnings.push(message)));
  afterAll(() => useWarningSink(undefined));
  beforeEach(() => {
    warnings.length = 0;
    useWarningSink(async (message) => void warnings.push(message));
  });

  function providers(strict: boolean) {
    const rules = loadProjectRules(
      (key) => (strict && key === "imagemembers:strictProjectIds" ? "true" : undefined),
      () => "/nowhere",
    );
    const member = new ImageMemberProvider();
    const members = new ImageMembersProvider();
    const acceptance = new ImageMemberAcceptanceProvider();
    for (const p of [member, members, acceptance]) p.useProjectRules(rules);
    return { member, members, acceptance };
  }

  test("by default: each resource passes check and warns, naming the mistake and the command, never the id", async () => {
    const { member, members, acceptance } = providers(false);
    const one = await member.check({} as never, { imageId: image, memberId: "consumer" });
    const many = await members.check({} as never, {
      imageId: image,
      projects: { ops: valid, dev: valid.slice(1) },
    });
    const accept = await acceptance.check({} as never, {
      imageId: image,
      memberId: valid.toUpperCase(),
      status: "accepted",
    });
    expect([one.failures, many.failures, accept.failures]).toEqual([[], [], []]);
    expect(warnings).toHaveLength(3);
    // Another resource earning the same words is warned about too: the id is not quoted, so
    // two typos may read alike, and each must be seen.
    await member.check({} as never, { imageId: image, memberId: "consumer" });
    expect(warnings).toHaveLength(4);
    expect(warnings[3]).toBe(warnings[0]);
    warnings.pop();
    expect(warnings[0]).toMatch(
      new RegExp(
        `^ImageMember: memberId, the project image ${image} would be shared with, cannot be a project id: .*a project name where its id belongs\\.`,
      ),
    );
    expect(warnings[1]).toMatch(/^ImageMembers: projects\.dev, .*31 hexadecimal characters/);
    expect(warnings[2]).toMatch(
      /^ImageMemberAcceptance: memberId, the project accepting .*upper-case/,
    );
    expect(warnings[2]).toContain(
      `The image service would answer that image ${image} has no such member.`,
    );
    for (const warning of warnings) {
      expect(warning).toContain(findProjectIdCommand);
      expect(warning).toContain("imagemembers:strictProjectIds");
      for (const id of ["consumer", valid.slice(1), valid.toUpperCase()]) {
        expect(warning).not.toContain(id);
      }
    }
  });

  test("with strictProjectIds: the same findings fail check, and nothing is warned", async () => {
    const { member, members, acceptance } = providers(true);
    const one = await member.check({} as never, { imageId: image, memberId: "consumer" });
    expect(one.failures).toEqual([
      {
        property: "memberId",
        reason: expect.stringMatching(
          /a project name where its id belongs\..*imagemembers:strictProjectIds is true, so this is an error; nothing was sent\.$/,
        ),
      },
    ]);
    const many = await members.check({} as never, {
      imageId: image,
      memberIds: [valid, `${valid}0`],
    });
    expect(many.failures?.map((f) => f.property)).toEqual(["memberIds[1]"]);
    const accept = await acceptance.check({} as never, {
      imageId: image,
      memberId: "consumer",
      status: "accepted",
    });
    expect(accept.failures?.map((f) => f.property)).toEqual(["memberId"]);
    expect(warnings).toEqual([]);
  });

  test("valid ids, unknown values and an acceptance without memberId pass without a word, strict or not", async () => {
    for (const strict of [false, true]) {
      const { member, members, acceptance } = providers(strict);
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      const results = [
        await member.check({} as never, { imageId: image, memberId: valid }),
        await member.check({} as never, { imageId: image, memberId: unknown }),
        await members.check({} as never, { imageId: image, projects: { ops: valid } }),
        await acceptance.check({} as never, { imageId: image, status: "accepted" }),
      ];
      expect(results.map((r) => r.failures)).toEqual([[], [], [], []]);
    }
    expect(warnings).toEqual([]);
  });

  test("a secret list (a projects map keyed by the ids) is named without its label", async () => {
    const { members } = providers(true);
    const result = await members.check({} as never, {
      imageId: image,
      projects: { consumer: "consumer" },
    });
    expect(result.failures).toEqual([
      { property: "projects", reason: expect.stringContaining("an entry of projects") },
    ]);
    expect(result.failures?.[0]?.reason).not.toContain("consumer");
  });

  test("a value other than true or false refuses every grant, naming the setting", async () => {
    const rules = loadProjectRules(
      (key) => (key === "imagemembers:strictProjectIds" ? "yes" : undefined),
      () => "/nowhere",
    );
    expect(rules).toEqual({
      broken: 'imagemembers:strictProjectIds must be true or false; got "yes"',
    });
  });
});

describe("over gRPC, as the engine drives them: warnings reach the engine's log", () => {
  let engine: FakeEngine;
  const stops: (() => unknown)[] = [];
  beforeAll(async () => {
    assertFreshBuild(projectRoot);
    engine = await FakeEngine.start();
    stops.push(() => engine.stop());
  });
  afterAll(() => runAll(stops));

  async function pluginWith(config: Record<string, string>): Promise<PluginProcess> {
    const plugin = await startPluginProcess(
      "pim-shape-",
      () => ({ PULUMI_CONFIG: JSON.stringify(config) }),
      engine.address,
    );
    stops.push(() => plugin.stop());
    return plugin;
  }

  test("the plugin: a warning under the resource's URN; strict, a check failure and no request", async () => {
    const lenient = await pluginWith({});
    const img = lenient.cloud.addImage("owner");
    const urn = pluginUrn("ImageMember", "typo");
    const checked = await lenient.server.check(urn, {}, { imageId: img.id, memberId: "consumer" });
    expect(checked.failures).toEqual([]);
    const members = pluginUrn("ImageMembers", "all");
    await lenient.server.check(members, {}, { imageId: img.id, memberIds: [valid.slice(1)] });
    expect(engine.warnings()).toEqual([
      { severity: "warning", urn, message: expect.stringContaining("a project name") },
      { severity: "warning", urn: members, message: expect.stringContaining("memberIds[0]") },
    ]);

    const strict = await pluginWith({ strictProjectIds: "true" });
    const img2 = strict.cloud.addImage("owner");
    const refused = await strict.server.check(
      pluginUrn("ImageMemberAcceptance", "mine"),
      {},
      { imageId: img2.id, memberId: valid.toUpperCase(), status: "accepted" },
    );
    expect(refused.failures.map((f) => f.property)).toEqual(["memberId"]);
    expect(refused.failures[0]!.reason).toContain("imagemembers:strictProjectIds is true");
    expect(strict.cloud.log).toEqual([]);
    expect(engine.warnings()).toHaveLength(2);
  }, 60_000);

  test("the dynamic-provider server: a warning of the run; strict from the stack config", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-shape-"));
    stops.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    await runTypeScript("tests/support/serializeProvider.ts", [path.join(dir, "provider.js")]);
    const providerText = fs.readFileSync(path.join(dir, "provider.js"), "utf8");
    const cloud = new FakeCloud();
    await cloud.start();
    stops.push(() => cloud.stop());
    const env = { PATH: process.env.PATH, HOME: dir, ...openStackEnv(cloud, "owner") };
    const urn = "urn:pulumi:dev::test-project::pulumi-nodejs:dynamic:Resource::share";
    const img = cloud.addImage("owner");
    const news = { imageId: img.id, memberId: `${valid}ab`, __provider: providerText };
    const before = engine.warnings().length;

    const lenient = await DynamicProviderServer.start({ env, engineAddress: engine.address });
    stops.push(() => lenient.stop());
    await lenient.configure({});
    expect((await lenient.check(urn, {}, news)).failures).toEqual([]);
    expect(engine.warnings().slice(before)).toEqual([
      {
        severity: "warning",
        urn: "", // the dynamic provider's hooks are not told the URN
        message: expect.stringMatching(/^ImageMember: .*34 hexadecimal characters, 2 more/),
      },
    ]);

    const strict = await DynamicProviderServer.start({ env, engineAddress: engine.address });
    stops.push(() => strict.stop());
    await strict.configure({ "imagemembers:strictProjectIds": "true" });
    const refused = await strict.check(urn, {}, news);
    expect(refused.failures.map((f) => f.property)).toEqual(["memberId"]);
    expect(cloud.log).toEqual([]);
    expect(engine.warnings().slice(before)).toHaveLength(1);
  }, 60_000);
});
