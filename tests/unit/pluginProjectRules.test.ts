/**
 * The provider plugin process obeys `imagemembers:*` project rules from the environment the
 * engine starts it with (`PULUMI_CONFIG`), although its server's `Configure` hands it nothing:
 * check refuses, create refuses before any request. (Under the real engine: tests/e2e/guardrails.test.ts.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertFreshBuild } from "../support/buildFreshness";
import { projectRoot } from "../support/childProcess";
import { runAll } from "../support/cleanup";
import { DynamicProviderServer } from "../support/dynamicProviderServer";
import { FakeCloud } from "../support/fakeCloud";
import { openStackEnv } from "../support/providerHarness";

const urn = (type: string, name: string) =>
  `urn:pulumi:dev::yaml-project::imagemembers:index:${type}::${name}`;

beforeAll(() => assertFreshBuild(projectRoot));

describe("the plugin process with PULUMI_CONFIG", () => {
  let cloud: FakeCloud;
  let server: DynamicProviderServer;
  let dir: string;

  beforeAll(async () => {
    cloud = new FakeCloud();
    await cloud.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-plugin-rules-"));
    server = await DynamicProviderServer.start({
      plugin: true,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        ...openStackEnv(cloud, "owner"),
        // As the engine sets it: the stack config of the plugin's namespace, without it.
        PULUMI_CONFIG: JSON.stringify({ allowedProjects: '["p-ok"]', forbiddenProjects: "p-no" }),
      },
    });
  }, 60_000);

  afterAll(() =>
    runAll([
      () => server?.stop(),
      () => cloud?.stop(),
      () => fs.rmSync(dir, { recursive: true, force: true }),
    ]),
  );

  test("check refuses ImageMember and ImageMembers grants off the list; create refuses before any request", async () => {
    const image = cloud.addImage("owner");
    const member = await server.check(
      urn("ImageMember", "stranger"),
      {},
      { imageId: image.id, memberId: "p-evil" },
    );
    expect(member.failures).toEqual([
      {
        property: "memberId",
        reason: expect.stringContaining(
          "project p-evil is not on the allowed list, imagemembers:allowedProjects (stack config)",
        ),
      },
    ]);
    const members = await server.check(
      urn("ImageMembers", "all"),
      {},
      { imageId: image.id, projects: { ops: "p-ok", no: "p-no" } },
    );
    expect(members.failures.map((f) => [f.property, f.reason.includes("forbidden")])).toEqual([
      ["projects.no", true],
    ]);
    await expect(
      server.create(urn("ImageMember", "stranger"), { imageId: image.id, memberId: "p-evil" }),
    ).rejects.toThrow(/project p-evil is not on the allowed list/);
    expect(cloud.log).toEqual([]);

    const allowed = await server.create(urn("ImageMember", "ok"), {
      imageId: image.id,
      memberId: "p-ok",
    });
    expect(allowed.id).toBe(`${image.id}/p-ok`);
  });
});
