/**
 * The root quickstart under the real Pulumi engine against the real local Keystone + Glance:
 * up, no-op up, preview --diff, replacement, refresh after drift, destroy. Assertions are
 * made on Glance itself, and writes are counted by a proxy in front of Glance.
 */
import * as fs from "fs";
import * as path from "path";
import { CountingProxy } from "../support/countingProxy";
import { projectRoot } from "../support/childProcess";
import { PulumiProject } from "../support/pulumiEngine";
import { initAs, underTheEngine } from "../support/engineSuite";

/** How many ImageMember lines of the engine's --diff output show this operation. */
function memberOps(
  output: string,
  op: "create" | "replace" | "delete" | "update" | "same",
): number {
  return output
    .split("\n")
    .filter((line) => line.includes(`pulumi-nodejs:dynamic/images:ImageMember: (${op})`)).length;
}

describe("root quickstart under the real engine", () => {
  const real = underTheEngine();
  let glance: CountingProxy;
  let project: PulumiProject;
  let imageId: string;
  const members = () => ({
    a: real.cloud.identities.consumer1.projectId,
    b: real.cloud.identities.consumer2.projectId,
  });

  beforeAll(async () => {
    glance = new CountingProxy(real.cloud.glanceUrl);
    await glance.start();
    real.afterBlock(() => glance.stop());
    imageId = await real.owner.createImage();
    project = new PulumiProject(projectRoot, "quickstart");
    await initAs(project, real.cloud.identities.owner, {
      "openstack:imageEndpoint": glance.url,
      imageId,
    });
    await project.setConfig("members", JSON.stringify(members()));
  });

  real.destroyAfter(() => project);

  test("1. pulumi up creates the declared members; Glance lists exactly them", async () => {
    const result = await project.up();
    expect(memberOps(result.stdout, "create")).toBe(2);
    expect(await real.owner.memberIds(imageId)).toEqual(Object.values(members()).sort());
    const outputs = await project.outputs();
    expect(outputs.shared).toEqual({
      a: { memberId: members().a, status: "pending" },
      b: { memberId: members().b, status: "pending" },
    });
    expect(glance.count("POST")).toBe(2);

    // The example imports the package as users install it: what Pulumi stores per resource
    // for the provider is a require() of it, not code.
    const state = await project.exportState();
    const shares = (state.deployment.resources ?? []).filter(
      (r) => r.type === "pulumi-nodejs:dynamic/images:ImageMember",
    );
    expect(shares).toHaveLength(2);
    for (const share of shares) {
      expect(String(share.inputs?.__provider)).toContain(
        `require("pulumi-image-members/serialized/imageMember")`,
      );
    }
    // What the engine records of the program's stack: the example's own line (made in an
    // arrow function) and its frames only, not the package's constructor in node_modules nor
    // the module loader below (issue 22: about 1.1 KB of state per member).
    const program = "examples/quickstart/index.ts";
    const line =
      fs
        .readFileSync(path.join(projectRoot, program), "utf8")
        .split("\n")
        .findIndex((text) => text.includes("new ImageMember(")) + 1;
    for (const share of shares as { sourcePosition?: string; stackTrace?: unknown }[]) {
      expect(share.sourcePosition).toMatch(new RegExp(`^project:///${program}#${line},\\d+$`));
      const frames = share.stackTrace as { sourcePosition?: string }[];
      expect(frames.length).toBeGreaterThan(0);
      for (const frame of frames) expect(frame.sourcePosition).toContain(`project:///${program}#`);
    }
    const perMember = Math.round(
      shares.reduce((sum, r) => sum + JSON.stringify(r).length, 0) / shares.length,
    );
    console.log(
      `quickstart state: ${perMember} bytes per member resource, ${state.text.length} bytes in all (pulumi stack export)`,
    );
  });

  test("2. a second pulumi up reports no changes and sends Glance nothing", async () => {
    const before = glance.requests.length;
    const result = await project.up();
    expect(result.stdout).toMatch(/3 unchanged/); // the stack and its two members
    expect(result.stdout).not.toMatch(/created|updated|replaced|deleted/);
    expect(glance.requests.length).toBe(before);
  });

  test("3. preview --diff of a changed memberId shows a replacement naming memberId; credentials alone show none", async () => {
    const before = glance.requests.length;
    // The same identity, now from OS_* variables instead of the stack config: not a change.
    const viaEnv = await project.preview({
      env: {
        OS_PASSWORD: real.cloud.identities.owner.password,
        OS_USERNAME: real.cloud.identities.owner.username,
      },
    });
    expect(viaEnv.stdout).toMatch(/3 unchanged/);
    expect(viaEnv.stdout).not.toMatch(/to create|to replace|to update|to delete/);

    await project.setConfig(
      "members",
      JSON.stringify({ ...members(), b: real.cloud.identities.admin.projectId }),
    );
    const preview = await project.preview();
    expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/images:ImageMember: \(replace\)/);
    expect(preview.stdout).toMatch(/\[urn=[^\]]*share-with-b\]/);
    expect(preview.stdout).toMatch(/~ memberId\s*:\s*"[0-9a-f]+" => "[0-9a-f]+"/);
    expect(preview.stdout).toMatch(/1 to replace/);
    expect(preview.stdout).toMatch(/2 unchanged/);
    expect(glance.requests.length).toBe(before);
  });

  test("4. pulumi up replaces exactly that member and leaves the other untouched", async () => {
    const state = await project.exportState();
    const createdA = state.deployment.resources?.find((r) => r.id === `${imageId}/${members().a}`)
      ?.outputs?.createdAt;
    expect(createdA).toBeDefined();

    const result = await project.up();
    expect(result.stdout).toMatch(/1 replaced/);
    expect(memberOps(result.stdout, "replace")).toBe(1);
    expect(await real.owner.memberIds(imageId)).toEqual(
      [members().a, real.cloud.identities.admin.projectId].sort(),
    );
    const after = await project.exportState();
    expect(
      after.deployment.resources?.find((r) => r.id === `${imageId}/${members().a}`)?.outputs
        ?.createdAt,
    ).toBe(createdA);
  });

  test("5. a member deleted out of band leaves state on refresh; the next up recreates it", async () => {
    await real.owner.deleteMember(imageId, members().a);
    const refresh = await project.refresh();
    expect(refresh.stdout).toMatch(/1 deleted/);
    const state = await project.exportState();
    expect(state.deployment.resources?.some((r) => r.id === `${imageId}/${members().a}`)).toBe(
      false,
    );

    const up = await project.up();
    expect(memberOps(up.stdout, "create")).toBe(1);
    expect(await real.owner.memberIds(imageId)).toContain(members().a);
  });

  test("7. pulumi destroy removes every member from Glance", async () => {
    const result = await project.destroy();
    expect(result.stdout).toMatch(/3 deleted/);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});
