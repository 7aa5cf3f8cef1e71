/**
 * A pipeline that runs refresh or destroy with the wrong project's credentials: the stack's
 * credentials come from OS_* (clouds.yaml via OS_CLOUD), which Pulumi does not keep in state,
 * so the next run may use another project's. Glance then answers 404 for members that still
 * exist; the provider must not take them out of state, and nothing may change in Glance.
 * The clouds.yaml is written from the cloud file's identities into the test's own folder.
 */
import { projectRoot } from "../support/childProcess";
import { writeCloudsYaml } from "../support/cloudsYaml";
import { underTheEngine } from "../support/engineSuite";
import { PulumiProject } from "../support/pulumiEngine";

describe("refresh and destroy with another project's credentials", () => {
  const real = underTheEngine();
  let project: PulumiProject;
  let imageId: string;
  let as: (identity: string) => Record<string, string>;

  beforeAll(async () => {
    as = writeCloudsYaml(real.cloud, real.folder("pim-wrong-project-"));
    imageId = await real.owner.createImage();
    project = new PulumiProject(projectRoot, "wrong-project");
    await project.init({ imageId });
    await project.setConfig(
      "members",
      JSON.stringify({ a: real.cloud.identities.consumer1.projectId }),
    );
  });

  real.destroyAfter(
    () => project,
    () => as("owner"),
  );

  test("a 404 seen as another project fails refresh and destroy; state and Glance keep the member", async () => {
    const member = real.cloud.identities.consumer1.projectId;
    const ownerId = real.cloud.identities.owner.projectId;
    const strangerId = real.cloud.identities.consumer2.projectId;
    await project.up({ env: as("owner") });
    expect(await real.owner.memberIds(imageId)).toEqual([member]);
    const memberIdsInState = async () =>
      ((await project.exportState()).deployment.resources ?? [])
        .filter((r) => r.type.endsWith("ImageMember"))
        .map((r) => r.outputs?.memberId);
    const recorded = ((await project.exportState()).deployment.resources ?? []).find((r) =>
      r.type.endsWith("ImageMember"),
    )?.outputs?.managingProjectId;
    expect(recorded).toBe(ownerId);

    const foreign = new RegExp(
      `reports the membership of project ${member} in image ${imageId} as not found, but these ` +
        `credentials are for project ${strangerId}, and the membership was made with the ` +
        `credentials of project ${ownerId}`,
    );
    const refresh = await project.refresh({ allowFailure: true, env: as("consumer2") });
    expect(refresh.code).not.toBe(0);
    expect(`${refresh.stdout}\n${refresh.stderr}`).toMatch(foreign);
    expect(await memberIdsInState()).toEqual([member]);

    const destroy = await project.destroy({ allowFailure: true, env: as("consumer2") });
    expect(destroy.code).not.toBe(0);
    expect(`${destroy.stdout}\n${destroy.stderr}`).toMatch(foreign);
    expect(await memberIdsInState()).toEqual([member]);
    expect(await real.owner.memberIds(imageId)).toEqual([member]);

    // With the owner's credentials again, both work.
    const ownRefresh = await project.refresh({ env: as("owner") });
    expect(ownRefresh.code).toBe(0);
    await project.destroy({ env: as("owner") });
    expect(await real.owner.memberIds(imageId)).toEqual([]);
    expect(await memberIdsInState()).toEqual([]);
  });
});
