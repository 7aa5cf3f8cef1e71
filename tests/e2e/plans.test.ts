/**
 * Apply exactly what was reviewed: `pulumi preview --save-plan` then `pulumi up --plan` for
 * every resource type (ImageMember, ImageMembers, ImageShare, ImageMemberAcceptance), creates
 * and changes alike, under the real engine against the real local Keystone + Glance; a change
 * made after the review makes `up --plan` refuse, and nothing is applied.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { PulumiProject } from "../support/pulumiEngine";
import { initAs, underTheEngine } from "../support/engineSuite";

const programDir = path.join(projectRoot, "tests/e2e/programs/every-resource");

describe("saved plans for every resource type", () => {
  const real = underTheEngine();
  let ownerStack: PulumiProject;
  let memberStack: PulumiProject;
  let imageId: string;
  const consumer1 = () => real.cloud.identities.consumer1.projectId;

  const initStack = (stack: PulumiProject, who: "owner" | "consumer1", config: object) =>
    initAs(stack, real.cloud.identities[who], { ...config });

  const glanceMembers = () => real.owner.memberIds(imageId);

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    ownerStack = new PulumiProject(programDir, "owner");
    memberStack = new PulumiProject(programDir, "member");
    await initStack(ownerStack, "owner", {
      imageId,
      single: consumer1(),
      many: { ops: "plans-project-many-1", qa: "plans-project-many-2" },
      share: ["plans-project-share-1", "plans-project-share-2"],
    });
    await initStack(memberStack, "consumer1", { acceptImageId: imageId, status: "accepted" });
  });

  real.destroyAfter(() => ownerStack);
  real.destroyAfter(() => memberStack);

  const planFile = (stack: PulumiProject, name: string) => path.join(stack.workDir, `${name}.json`);

  test("creates: the owner's three resource types and the member's acceptance, each from a plan", async () => {
    await ownerStack.savePlan(planFile(ownerStack, "create"));
    await ownerStack.upWithPlan(planFile(ownerStack, "create"));
    expect(await glanceMembers()).toEqual(
      [
        consumer1(),
        "plans-project-many-1",
        "plans-project-many-2",
        "plans-project-share-1",
        "plans-project-share-2",
      ].sort(),
    );
    await memberStack.savePlan(planFile(memberStack, "create"));
    await memberStack.upWithPlan(planFile(memberStack, "create"));
    const outputs = await memberStack.exportState();
    const accept = outputs.deployment.resources!.find((r) =>
      r.type.endsWith(":ImageMemberAcceptance"),
    );
    expect(accept?.outputs?.status).toBe("accepted");
  });

  test("changes: a replacement, an update, a child removed, a status changed, each from a plan", async () => {
    await ownerStack.setConfig("single", "plans-project-single-2");
    await ownerStack.setConfig(
      "many",
      JSON.stringify({ ops: "plans-project-many-1", dev: "plans-project-many-3" }),
    );
    await ownerStack.setConfig("share", JSON.stringify(["plans-project-share-1"]));
    const reviewed = await ownerStack.savePlan(planFile(ownerStack, "change"));
    expect(reviewed.stdout).toMatch(/ImageMember: \(replace\)/);
    expect(reviewed.stdout).toMatch(/ImageMembers: \(update\)/);
    expect(reviewed.stdout).toMatch(/ImageMember: \(delete\)/);
    await ownerStack.upWithPlan(planFile(ownerStack, "change"));
    expect(await glanceMembers()).toEqual(
      [
        "plans-project-many-1",
        "plans-project-many-3",
        "plans-project-share-1",
        "plans-project-single-2",
      ].sort(),
    );

    // consumer1 is no longer a member: share with it again, then reject through a plan.
    await ownerStack.setConfig("single", consumer1());
    await ownerStack.savePlan(planFile(ownerStack, "back"));
    await ownerStack.upWithPlan(planFile(ownerStack, "back"));
    await memberStack.run([
      "refresh",
      "--yes",
      "--skip-preview",
      "--stack",
      "member",
      "--config-file",
      memberStack.configFile,
    ]);
    await memberStack.setConfig("status", "rejected");
    await memberStack.savePlan(planFile(memberStack, "reject"));
    await memberStack.upWithPlan(planFile(memberStack, "reject"));
    const state = await memberStack.exportState();
    const accept = state.deployment.resources!.find((r) =>
      r.type.endsWith(":ImageMemberAcceptance"),
    );
    expect(accept?.outputs?.status).toBe("rejected");
  });

  test("a change after the review: up --plan refuses and Glance is unchanged", async () => {
    const before = await glanceMembers();
    await ownerStack.setConfig("many", JSON.stringify({ ops: "plans-project-many-1" }));
    await ownerStack.savePlan(planFile(ownerStack, "reviewed"));
    // Not reviewed: another project added after the plan was saved.
    await ownerStack.setConfig(
      "many",
      JSON.stringify({ ops: "plans-project-many-1", extra: "plans-project-unreviewed" }),
    );
    const refused = await ownerStack.upWithPlan(planFile(ownerStack, "reviewed"), {
      allowFailure: true,
    });
    console.log(`up --plan after an unreviewed change:\n${refused.stdout}\n${refused.stderr}`);
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/plan/i);
    expect(await glanceMembers()).toEqual(before);
  });
});
