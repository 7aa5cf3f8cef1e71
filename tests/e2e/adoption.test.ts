/**
 * Adopting a membership that exists already, under the real engine: Pulumi's `import`
 * option fails for dynamic resources (the exact failure is shown), `adoptExisting` works.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { PulumiProject } from "../support/pulumiEngine";
import { CloudFile, GlanceDriver, loadCloudFile } from "../support/realCloud";

jest.setTimeout(600_000);

describe("adopting an existing membership (examples/adopt-existing)", () => {
  let cloud: CloudFile;
  let owner: GlanceDriver;
  let project: PulumiProject;
  let imageId: string;
  let memberId: string;

  beforeAll(async () => {
    cloud = loadCloudFile();
    owner = new GlanceDriver(cloud, cloud.identities.owner);
    imageId = await owner.createImage();
    memberId = cloud.identities.consumer1.projectId;
    await owner.addMember(imageId, memberId);
    await new GlanceDriver(cloud, cloud.identities.consumer1).setMemberStatus(
      imageId,
      memberId,
      "accepted",
    );
    const o = cloud.identities.owner;
    project = new PulumiProject(path.join(projectRoot, "examples/adopt-existing"), "adopt");
    await project.init(
      {
        "openstack:authUrl": o.authUrl,
        "openstack:userName": o.username,
        "openstack:tenantName": o.projectName,
        imageId,
        memberId,
      },
      { "openstack:password": o.password },
    );
  });

  afterAll(async () => {
    await project?.destroy({ allowFailure: true });
    project?.cleanUp();
    await owner?.cleanUp();
  });

  test("the import resource option fails in the engine, as pulumi/pulumi#3550 says, and changes nothing", async () => {
    await project.setConfig("mode", "import");
    const result = await project.up({ allowFailure: true });
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("code must be a string, not undefined");
    expect(await owner.memberIds(imageId)).toEqual([memberId]);
  });

  test("adoptExisting brings it under management without a 409, and destroy removes it", async () => {
    await project.setConfig("mode", "adopt");
    const up = await project.up();
    expect(up.stdout).toMatch(/pulumi-nodejs:dynamic\/images:ImageMember: \(create\)/);
    expect(await owner.memberIds(imageId)).toEqual([memberId]);
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
    expect(await owner.memberIds(imageId)).toEqual([]);
  });
});
