/**
 * Adopting a membership that exists already, under the real engine: Pulumi's `import`
 * option fails for dynamic resources (the exact failure is shown), `adoptExisting` works.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { PulumiProject } from "../support/pulumiEngine";
import { initAs, underTheEngine } from "../support/engineSuite";
import { GlanceDriver } from "../support/realCloud";

describe("adopting an existing membership (examples/adopt-existing)", () => {
  const real = underTheEngine();
  let project: PulumiProject;
  let imageId: string;
  let memberId: string;

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    memberId = real.cloud.identities.consumer1.projectId;
    await real.owner.addMember(imageId, memberId);
    await new GlanceDriver(real.cloud, real.cloud.identities.consumer1).setMemberStatus(
      imageId,
      memberId,
      "accepted",
    );
    project = new PulumiProject(path.join(projectRoot, "examples/adopt-existing"), "adopt");
    await initAs(project, real.cloud.identities.owner, { imageId, memberId });
  });
  real.destroyAfter(() => project);

  test("the import resource option fails in the engine, as pulumi/pulumi#3550 says, and changes nothing", async () => {
    await project.setConfig("mode", "import");
    const result = await project.up({ allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("code must be a string, not undefined");
    expect(await real.owner.memberIds(imageId)).toEqual([memberId]);
  });

  test("adoptExisting brings it under management without a 409, and destroy removes it", async () => {
    await project.setConfig("mode", "adopt");
    const up = await project.up();
    expect(up.stdout).toMatch(/pulumi-nodejs:dynamic\/images:ImageMember: \(create\)/);
    expect(await real.owner.memberIds(imageId)).toEqual([memberId]);
    const state = await project.exportState();
    expect(
      state.deployment.resources?.find((r) => r.id === `${imageId}/${memberId}`)?.outputs,
    ).toMatchObject({
      memberId,
      status: "accepted",
    });

    const again = await project.up();
    expect(again.stdout).toMatch(/2 unchanged/);

    await project.destroy();
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});
