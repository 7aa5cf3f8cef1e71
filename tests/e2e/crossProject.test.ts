/**
 * examples/cross-project under the real engine: the owner's stack shares one image with
 * three projects through ImageShare, a consumer's stack accepts it through a StackReference.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { PulumiProject } from "../support/pulumiEngine";
import { initAs, underTheEngine } from "../support/engineSuite";

function memberLines(output: string, op: string): string[] {
  return output.split("\n").filter((line) => line.includes(`dynamic/images:ImageMember: (${op})`));
}

describe("owner and consumer stacks (examples/cross-project)", () => {
  const real = underTheEngine();
  let ownerStack: PulumiProject;
  let consumerStack: PulumiProject;
  let imageId: string;
  let backend: string;
  let projects: string[];

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    projects = [
      real.cloud.identities.consumer1.projectId,
      real.cloud.identities.consumer2.projectId,
      real.cloud.identities.admin.projectId,
    ];
    backend = real.folder("pim-cross-");
    ownerStack = new PulumiProject(
      path.join(projectRoot, "examples/cross-project/owner"),
      "prod",
      backend,
    );
    consumerStack = new PulumiProject(
      path.join(projectRoot, "examples/cross-project/consumer"),
      "prod",
      backend,
    );
    await initAs(ownerStack, real.cloud.identities.owner, { imageId, projects });
    await initAs(consumerStack, real.cloud.identities.consumer1, {
      ownerStack: "organization/image-members-cross-project-owner/prod",
    });
  });
  real.destroyAfter(() => ownerStack);
  real.destroyAfter(() => consumerStack);

  test("the owner shares with three projects; the consumer accepts through a StackReference", async () => {
    await ownerStack.up();
    expect(await real.owner.memberIds(imageId)).toEqual([...projects].sort());

    await consumerStack.up();
    const outputs = await consumerStack.outputs();
    expect(outputs).toEqual({
      status: "accepted",
      memberId: real.cloud.identities.consumer1.projectId,
    });

    // Refresh reads every member from Glance (stack outputs change only on the next up).
    await ownerStack.refresh();
    const state = await ownerStack.exportState();
    const consumer1 = real.cloud.identities.consumer1.projectId;
    expect(
      state.deployment.resources?.find((r) => r.id === `${imageId}/${consumer1}`)?.outputs?.status,
    ).toBe("accepted");
  });

  test("naming the consumer's region (unset, then the same region) replaces the acceptance deleting first: Glance stays accepted", async () => {
    const consumer1 = real.cloud.identities.consumer1.projectId;
    await consumerStack.setConfig("region", real.cloud.identities.consumer1.region);
    const up = await consumerStack.up();
    expect(up.stdout).toMatch(/1 replaced/);
    // Created first, the new resource's PUT "accepted" would be undone by the old one's
    // delete (PUT "rejected") on the same membership.
    expect(await real.owner.memberStatus(imageId, consumer1)).toBe("accepted");
    expect(await consumerStack.outputs()).toEqual({ status: "accepted", memberId: consumer1 });
    const preview = await consumerStack.preview();
    expect(preview.stdout).not.toMatch(/to replace|to update|to create|to delete/);
  });

  test("preview --diff of adding a project to the ImageShare shows exactly one create", async () => {
    await ownerStack.setConfig("projects", JSON.stringify([...projects, "new-project-id"]));
    const preview = await ownerStack.preview();
    expect(memberLines(preview.stdout, "create")).toHaveLength(1);
    expect(preview.stdout).toMatch(/golden-image-new-project-id/);
    expect(preview.stdout).not.toMatch(/to replace|to update|to delete/);
    expect(preview.stdout).toMatch(/1 to create/);
  });

  test("removing one project of three touches only that member; the other two are untouched", async () => {
    const before = await ownerStack.exportState();
    const createdAt = (id: string, state: typeof before) =>
      state.deployment.resources?.find((r) => r.id === `${imageId}/${id}`)?.outputs?.createdAt;
    await ownerStack.setConfig("projects", JSON.stringify(projects.slice(0, 2)));
    const up = await ownerStack.up();
    expect(memberLines(up.stdout, "delete")).toHaveLength(1);
    expect(memberLines(up.stdout, "create")).toHaveLength(0);
    expect(await real.owner.memberIds(imageId)).toEqual(projects.slice(0, 2).sort());
    const after = await ownerStack.exportState();
    for (const kept of projects.slice(0, 2)) {
      expect(createdAt(kept, after)).toBe(createdAt(kept, before));
    }
  });

  test("destroying the consumer's stack sets the membership back to rejected", async () => {
    await consumerStack.destroy();
    // Refresh reads every member from Glance (stack outputs change only on the next up).
    await ownerStack.refresh();
    const state = await ownerStack.exportState();
    const consumer1 = real.cloud.identities.consumer1.projectId;
    expect(
      state.deployment.resources?.find((r) => r.id === `${imageId}/${consumer1}`)?.outputs?.status,
    ).toBe("rejected");
  });
});
