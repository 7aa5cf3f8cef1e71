/**
 * What a reviewer reads in `pulumi preview --diff`, under the real engine against the real
 * local Keystone + Glance: ImageMembers compares its projects key by key (one line per project
 * gaining or losing access, none for the others, nothing for a reorder), state written by the
 * older list form upgrades without a replacement, and ImageMember's replacement shows the
 * project that changes.
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { PulumiProject } from "../support/pulumiEngine";
import { initAs, underTheEngine } from "../support/engineSuite";

const programDir = path.join(projectRoot, "tests/e2e/programs/image-members");

/** The lines of the engine's --diff output that say something is added, removed or changed. */
function changeLines(output: string): string[] {
  return output
    .split("Resources:")[0]
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^[-+~]\s/.test(line) || /^[-+~]{2}\s/.test(line));
}

describe("what pulumi preview --diff shows a reviewer", () => {
  const real = underTheEngine();
  let project: PulumiProject;
  let imageId: string;
  // Glance does not check that a member is a real project: c, d and e need not exist.
  const ids = () => ({
    a: real.cloud.identities.consumer1.projectId,
    b: real.cloud.identities.consumer2.projectId,
    c: "reviewer-diff-project-c",
    d: "reviewer-diff-project-d",
    e: "reviewer-diff-project-e",
  });

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    project = new PulumiProject(programDir, "reviewer");
    await initAs(project, real.cloud.identities.owner, { imageId });
  });
  real.destroyAfter(() => project);

  const setProjects = (value: unknown) => project.setConfig("projects", JSON.stringify(value));

  test("state written by the list form upgrades to projects without a replacement or a request", async () => {
    const { a, b, c, d } = ids();
    await setProjects([a, b, c, d]);
    await project.up();
    expect(await real.owner.memberIds(imageId)).toEqual([a, b, c, d].sort());

    // Rewrite the resource's inputs to what versions before `projects` stored: a list.
    const exported = await project.exportState();
    const resource = exported.deployment.resources!.find((r) => r.type.endsWith(":ImageMembers"))!;
    expect(resource.inputs?.projects).toEqual({ [a]: a, [b]: b, [c]: c, [d]: d });
    const legacy = JSON.parse(exported.text);
    const legacyResource = legacy.deployment.resources.find((r: { urn: string }) =>
      r.urn.endsWith("::golden"),
    );
    delete legacyResource.inputs.projects;
    legacyResource.inputs.memberIds = [a, b, c, d];
    await project.importState(JSON.stringify(legacy));

    const preview = await project.preview();
    expect(preview.stdout).not.toMatch(/ImageMembers: \((update|replace)\)/);
    expect(changeLines(preview.stdout)).toEqual([]);
    const up = await project.up();
    expect(up.stdout).not.toMatch(/ImageMembers: \((update|replace)\)/);
    const upgraded = await project.exportState();
    const after = upgraded.deployment.resources!.find((r) => r.type.endsWith(":ImageMembers"))!;
    expect(after.inputs?.projects).toEqual({ [a]: a, [b]: b, [c]: c, [d]: d });
    expect(after.inputs).not.toHaveProperty("memberIds");
    expect(await real.owner.memberIds(imageId)).toEqual([a, b, c, d].sort());
  });

  test("a reordered list shows no change", async () => {
    const { a, b, c, d } = ids();
    await setProjects([d, c, b, a]);
    const preview = await project.preview();
    expect(preview.stdout).not.toMatch(/ImageMembers: \((update|replace)\)/);
    expect(changeLines(preview.stdout)).toEqual([]);
  });

  test("remove b, add e: one line for b leaving, one for e arriving, nothing for a, c, d", async () => {
    const { a, b, c, d, e } = ids();
    await setProjects([a, c, d, e]);
    const preview = await project.preview();
    console.log(`preview --diff, remove b and add e (list form):\n${preview.stdout}`);
    const lines = changeLines(preview.stdout).filter((l) => !/ImageMembers: \(update\)/.test(l));
    expect(preview.stdout).toMatch(/ImageMembers: \(update\)/);
    expect(lines.filter((l) => l.startsWith("- "))).toEqual([expect.stringContaining(b)]);
    expect(lines.filter((l) => l.startsWith("+ "))).toEqual([expect.stringContaining(e)]);
    for (const kept of [a, c, d]) {
      expect(lines.filter((l) => l.includes(kept))).toEqual([]);
    }
    await project.up();
    expect(await real.owner.memberIds(imageId)).toEqual([a, c, d, e].sort());
  });

  test("labels: the map form shows the label a reviewer reads; a swap is one line", async () => {
    const { a, c, d, e } = ids();
    // Same projects under labels: an update that costs no request, shown as renames.
    await setProjects({ ops: a, [c]: c, [d]: d, partner: e });
    await project.up();
    await setProjects({ ops: a, [c]: c, [d]: d, partner: ids().b });
    const preview = await project.preview();
    console.log(`preview --diff, partner swapped from e to b:\n${preview.stdout}`);
    const lines = changeLines(preview.stdout).filter((l) => !/ImageMembers: \(update\)/.test(l));
    expect(lines).toEqual(["~ projects: {", expect.stringMatching(/^~ partner\s*: ".*" => ".*"$/)]);
    expect(lines[1]).toContain(e);
    expect(lines[1]).toContain(ids().b);
    await project.up();
    expect(await real.owner.memberIds(imageId)).toEqual([a, ids().b, c, d].sort());
  });

  test("ImageMember swapped for another project: the replacement names memberId", async () => {
    await setProjects({ ops: ids().a }); // the test may run alone (-t)
    await project.setConfig("single", "reviewer-diff-single-1");
    await project.up();
    await project.setConfig("single", "reviewer-diff-single-2");
    const preview = await project.preview();
    console.log(`preview --diff, ImageMember swapped:\n${preview.stdout}`);
    const lines = changeLines(preview.stdout);
    expect(preview.stdout).toMatch(/\+-pulumi-nodejs:dynamic\/images:ImageMember: \(replace\)/);
    // What Glance recorded about the old membership is hidden, not listed as removed values;
    // its schema path is not recorded at all (issue 30).
    for (const recorded of ["createdAt", "updatedAt", "managingProjectId"]) {
      expect(lines).toContain(`~ ${recorded} (hidden)`);
      expect(lines.filter((l) => l.startsWith(`- ${recorded}`))).toEqual([]);
    }
    expect(lines.filter((l) => l.includes("schema"))).toEqual([]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^~ memberId\s*: "reviewer-diff-single-1" => "reviewer-diff-single-2"$/,
      ),
    );
  });
});
