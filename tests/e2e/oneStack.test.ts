/**
 * One stack shares an image and accepts it for each member project (issue 12, part 2), under
 * the real engine against the real Keystone + Glance: the owner's and each member's credentials
 * are clouds.yaml entries (secure.yaml holding the passwords), named by the resources' `cloud`
 * inputs; what the members see is read back with each member's own token. Also the consumer's
 * look-up by name (examples/shared-with-me) and a bad `accept` key.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { projectRoot } from "../support/childProcess";
import { runAll } from "../support/cleanup";
import { writeCloudsYaml } from "../support/cloudsYaml";
import { initAs, underTheEngine } from "../support/engineSuite";
import { PulumiProject } from "../support/pulumiEngine";
import { CloudFile, GlanceDriver, IdentityFile } from "../support/realCloud";

type Kind = "ImageMember" | "ImageMembers" | "ImageMemberAcceptance";

/** The engine's step lines for one resource type and operation, as `--diff` prints them. */
function steps(output: string, kind: Kind, op: string): string[] {
  return output.split("\n").filter((line) => line.includes(`dynamic/images:${kind}: (${op})`));
}

/** Every step line of the package's resources: what a run did, or a preview would do. */
function allSteps(output: string): string[] {
  return output.split("\n").filter((line) => /dynamic\/images:\w+: \(/.test(line));
}

function expectNoChanges(output: string): void {
  expect(allSteps(output)).toEqual([]);
  expect(output).not.toMatch(/to create|to update|to delete|to replace/);
  expect(output).not.toMatch(/\d+ (created|updated|deleted|replaced)/);
  expect(output).toMatch(/\d+ unchanged/);
}

/** The clouds.yaml + secure.yaml variables (no OS_CLOUD: every resource names its cloud). */
function cloudFiles(cloud: CloudFile, dir: string): Record<string, string> {
  const { OS_CLIENT_CONFIG_FILE, OS_CLIENT_SECURE_FILE } = writeCloudsYaml(cloud, dir)("owner");
  return {
    OS_CLIENT_CONFIG_FILE: OS_CLIENT_CONFIG_FILE!,
    OS_CLIENT_SECURE_FILE: OS_CLIENT_SECURE_FILE!,
  };
}

/** The same two files in `dir` with the entry `from` renamed `to` (the old name gone). */
function renamedCloudFiles(
  files: Record<string, string>,
  dir: string,
  from: string,
  to: string,
): Record<string, string> {
  const renamed: Record<string, string> = {};
  for (const [variable, file] of Object.entries(files)) {
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { clouds: Record<string, unknown> };
    doc.clouds[to] = doc.clouds[from];
    delete doc.clouds[from];
    renamed[variable] = path.join(dir, path.basename(file));
    fs.writeFileSync(renamed[variable], yaml.dump(doc), { mode: 0o600 });
  }
  return renamed;
}

/** Adds to both files an entry `alias` with the settings of `entry`; returns the same files. */
function aliasedCloudFiles(
  files: Record<string, string>,
  entry: string,
  alias: string,
): Record<string, string> {
  for (const file of Object.values(files)) {
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { clouds: Record<string, unknown> };
    doc.clouds[alias] = doc.clouds[entry];
    fs.writeFileSync(file, yaml.dump(doc), { mode: 0o600 });
  }
  return files;
}

interface EngineEvent {
  phase: "start" | "done";
  op: string;
  urn: string;
}

/** The engine's events as `--json` streams them (up and destroy): its steps, in order, and the totals. */
function engineEvents(stdout: string): { steps: EngineEvent[]; changes: Record<string, number> } {
  const steps: EngineEvent[] = [];
  let changes: Record<string, number> = {};
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as {
      resourcePreEvent?: { metadata: { op: string; urn: string } };
      resOutputsEvent?: { metadata: { op: string; urn: string } };
      summaryEvent?: { resourceChanges?: Record<string, number> };
    };
    if (event.resourcePreEvent) {
      const { op, urn } = event.resourcePreEvent.metadata;
      steps.push({ phase: "start", op, urn });
    } else if (event.resOutputsEvent) {
      const { op, urn } = event.resOutputsEvent.metadata;
      steps.push({ phase: "done", op, urn });
    } else if (event.summaryEvent) {
      changes = event.summaryEvent.resourceChanges ?? {};
    }
  }
  return { steps, changes };
}

/** Where in `steps` the step `op` of the resource named `name` started or finished. */
function indexOf(steps: EngineEvent[], phase: EngineEvent["phase"], op: string, name: string) {
  const index = steps.findIndex(
    (e) => e.phase === phase && e.op === op && e.urn.endsWith(`::${name}`),
  );
  if (index < 0) {
    throw new Error(
      `no ${phase} of ${op} ${name} among the engine's events: ${JSON.stringify(steps)}`,
    );
  }
  return index;
}

/** The steps that changed something, as "op name" in the engine's order. */
function changed(steps: EngineEvent[]): string[] {
  return steps
    .filter((e) => e.phase === "start" && e.op !== "same" && e.urn.includes("dynamic/images:"))
    .map((e) => `${e.op} ${e.urn.split("::").pop()}`);
}

/** `pulumi up` or `pulumi destroy` with the engine's events as JSON lines. */
async function runWithEvents(stack: PulumiProject, command: "up" | "destroy") {
  const result = await stack.run([
    command,
    "--yes",
    "--skip-preview",
    "--json",
    "--stack",
    stack.stack,
    "--config-file",
    stack.configFile,
  ]);
  return engineEvents(result.stdout);
}

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await run();
  } finally {
    console.log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function passwordsOf(cloud: CloudFile): string[] {
  return Object.values(cloud.identities).map((identity: IdentityFile) => identity.password);
}

describe("one stack shares with two projects and accepts both (examples/one-stack, ImageMembers)", () => {
  const real = underTheEngine();
  let asConsumer1: GlanceDriver;
  let asConsumer2: GlanceDriver;
  let dir: string;
  let files: Record<string, string>;
  let stack: PulumiProject;
  let imageId: string;
  let imageName: string;
  let c1: string;
  let c2: string;

  const members = (entries: Record<string, { projectId: string; cloud: string }>) =>
    JSON.stringify(entries);

  beforeAll(async () => {
    asConsumer1 = new GlanceDriver(real.cloud, real.cloud.identities.consumer1);
    asConsumer2 = new GlanceDriver(real.cloud, real.cloud.identities.consumer2);
    c1 = real.cloud.identities.consumer1.projectId;
    c2 = real.cloud.identities.consumer2.projectId;
    // A name no other test gives an image: the look-up must find this one by name alone.
    imageName = `pim-golden-${randomUUID().slice(0, 8)}`;
    imageId = await real.owner.createImage("shared", imageName);
    dir = real.folder("pim-one-stack-");
    files = cloudFiles(real.cloud, dir);
    stack = new PulumiProject(path.join(projectRoot, "examples/one-stack"), "e2e");
    stack.env = files;
    await stack.init({
      imageId,
      ownerCloud: "pim-owner",
      members: members({
        first: { projectId: c1, cloud: "pim-consumer1" },
        second: { projectId: c2, cloud: "pim-consumer2" },
      }),
    });
  });

  real.destroyAfter(() => stack);

  test("pulumi up leaves both members accepted, as each member's own token reads it", async () => {
    const up = await timed("one-stack: first up (1 ImageMembers, 2 acceptances)", () => stack.up());
    expect(steps(up.stdout, "ImageMembers", "create")).toHaveLength(1);
    expect(steps(up.stdout, "ImageMemberAcceptance", "create")).toHaveLength(2);
    expect(await real.owner.memberIds(imageId)).toEqual([c1, c2].sort());
    // Each member project's own credentials, not the owner's: what that project sees.
    expect(await asConsumer1.memberStatus(imageId, c1)).toBe("accepted");
    expect(await asConsumer2.memberStatus(imageId, c2)).toBe("accepted");
    expect(await stack.outputs()).toEqual({
      statuses: { first: "accepted", second: "accepted" },
    });
  });

  test("state keeps the clouds.yaml entry names and none of the passwords", async () => {
    const state = await stack.exportState();
    const resources = state.deployment.resources ?? [];
    const byName = (name: string) =>
      resources.find((r) => (r as { urn?: string }).urn?.endsWith(`::${name}`));
    expect(byName("golden")?.outputs?.cloud).toBe("pim-owner");
    expect(byName("golden")?.inputs?.cloud).toBe("pim-owner");
    expect(byName("golden-first-accept")?.outputs).toMatchObject({
      cloud: "pim-consumer1",
      memberId: c1,
      status: "accepted",
      managingProjectId: c1,
    });
    expect(byName("golden-second-accept")?.outputs).toMatchObject({
      cloud: "pim-consumer2",
      memberId: c2,
      status: "accepted",
      managingProjectId: c2,
    });
    const everything = state.text + stack.stateFilesText();
    for (const password of passwordsOf(real.cloud)) {
      expect(password.length).toBeGreaterThan(0);
      expect(everything.includes(password)).toBe(false);
    }
    console.log(
      `one-stack: exported state ${state.text.length} bytes (1 ImageMembers, 2 acceptances)`,
    );
  });

  test("a second run changes nothing: preview --diff and up show no step", async () => {
    const preview = await timed("one-stack: no-op preview", () => stack.preview());
    expectNoChanges(preview.stdout);
    const up = await timed("one-stack: no-op up", () => stack.up());
    expectNoChanges(up.stdout);
  });

  test("the consumer finds the image shared with it by name, without a stack reference (examples/shared-with-me)", async () => {
    const consumer = new PulumiProject(path.join(projectRoot, "examples/shared-with-me"), "e2e");
    consumer.env = files;
    try {
      await consumer.init({ imageName, cloud: "pim-consumer1" });
      await timed("shared-with-me: up", () => consumer.up());
      expect(await consumer.outputs()).toEqual({
        imageId,
        ownerProjectId: real.cloud.identities.owner.projectId,
      });
    } finally {
      await runAll([() => consumer.destroy({ allowFailure: true }), () => consumer.cleanUp()]);
    }
  });

  test("a member's clouds.yaml entry renamed (same project) shows no change; state keeps the old name, which refresh asks back; another project's entry stops the preview", async () => {
    const renamedDir = fs.mkdtempSync(path.join(dir, "renamed-"));
    const renamed = renamedCloudFiles(files, renamedDir, "pim-consumer1", "pim-consumer1-renamed");
    stack.env = renamed;
    await stack.setConfig(
      "members",
      members({
        first: { projectId: c1, cloud: "pim-consumer1-renamed" },
        second: { projectId: c2, cloud: "pim-consumer2" },
      }),
    );
    expectNoChanges((await stack.preview()).stdout);
    expectNoChanges((await stack.up()).stdout);
    // No change, so the engine keeps the outputs, and refresh and destroy act with the name in
    // them: with the old entry gone, refresh fails saying so, and changes nothing.
    const refresh = await stack.refresh({ allowFailure: true });
    expect(refresh.code).not.toBe(0);
    expect(refresh.stdout + refresh.stderr).toContain(
      'State records this resource with cloud "pim-consumer1": a cloud renamed in the program ' +
        "to another entry of the same project is not a change",
    );
    expect(await asConsumer1.memberStatus(imageId, c1)).toBe("accepted");
    // Both names in clouds.yaml (the old one an alias): refresh works and still changes nothing.
    files = aliasedCloudFiles(files, "pim-consumer1", "pim-consumer1-renamed");
    stack.env = files;
    await stack.refresh();
    expectNoChanges((await stack.preview()).stdout);
    expect(await asConsumer1.memberStatus(imageId, c1)).toBe("accepted");

    // consumer2's entry for consumer1's acceptance: another project, refused at preview.
    await stack.setConfig(
      "members",
      members({
        first: { projectId: c1, cloud: "pim-consumer2" },
        second: { projectId: c2, cloud: "pim-consumer2" },
      }),
    );
    const refused = await stack.preview({ allowFailure: true });
    expect(refused.code).not.toBe(0);
    const said = refused.stdout + refused.stderr;
    console.log(`one-stack: preview of another project's entry:\n${said}`);
    expect(said).toContain(
      `Cannot change the cloud of the acceptance of image ${imageId} by project ${c1}`,
    );
    expect(said).toContain(`cloud "pim-consumer2" (clouds.yaml) would act for project ${c2}`);
    expect(await asConsumer1.memberStatus(imageId, c1)).toBe("accepted");
    await stack.setConfig(
      "members",
      members({
        first: { projectId: c1, cloud: "pim-consumer1-renamed" },
        second: { projectId: c2, cloud: "pim-consumer2" },
      }),
    );
  });

  test("removing one member removes only its share and its acceptance; the other stays accepted", async () => {
    await stack.setConfig(
      "members",
      members({ first: { projectId: c1, cloud: "pim-consumer1-renamed" } }),
    );
    const preview = await stack.preview();
    console.log(`one-stack: preview of removing one member:\n${preview.stdout}`);
    expect(steps(preview.stdout, "ImageMembers", "update")).toHaveLength(1);
    expect(steps(preview.stdout, "ImageMemberAcceptance", "delete")).toHaveLength(1);
    expect(allSteps(preview.stdout)).toHaveLength(2);
    expect(preview.stdout).toMatch(/- second\s*: "[0-9a-f]+"/);
    expect(preview.stdout).toContain("::golden-second-accept]");

    const up = await timed("one-stack: up removing one member", () => runWithEvents(stack, "up"));
    console.log(
      `one-stack: steps of removing one member, in order: ${changed(up.steps).join(", ")}`,
    );
    expect(changed(up.steps).sort()).toEqual(["delete golden-second-accept", "update golden"]);
    expect(up.changes).toMatchObject({ update: 1, delete: 1 });
    expect(await real.owner.memberIds(imageId)).toEqual([c1]);
    expect(await asConsumer1.memberStatus(imageId, c1)).toBe("accepted");
    expect(await stack.outputs()).toEqual({ statuses: { first: "accepted" } });

    // Nothing is shared with consumer2 any more: its own token no longer finds the membership.
    await expect(asConsumer2.memberStatus(imageId, c2)).rejects.toMatchObject({ status: 404 });
  });

  test("pulumi destroy resets the acceptance before the share goes, and leaves no member", async () => {
    const destroy = await timed("one-stack: destroy", () => runWithEvents(stack, "destroy"));
    console.log(`one-stack: steps of destroy, in order: ${changed(destroy.steps).join(", ")}`);
    expect(changed(destroy.steps).sort()).toEqual(["delete golden", "delete golden-first-accept"]);
    const acceptanceReset = indexOf(destroy.steps, "done", "delete", "golden-first-accept");
    const shareRemoved = indexOf(destroy.steps, "start", "delete", "golden");
    expect(acceptanceReset).toBeLessThan(shareRemoved);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});

describe("one stack with ImageShare + accept: the owner's credentials from the stack config", () => {
  const real = underTheEngine();
  let stack: PulumiProject;
  let imageId: string;
  let c1: string;
  let c2: string;

  beforeAll(async () => {
    c1 = real.cloud.identities.consumer1.projectId;
    c2 = real.cloud.identities.consumer2.projectId;
    imageId = await real.owner.createImage("shared");
    stack = new PulumiProject(path.join(projectRoot, "tests/e2e/programs/one-stack"), "share");
    stack.env = cloudFiles(real.cloud, real.folder("pim-one-stack-share-"));
    await initAs(stack, real.cloud.identities.owner, {
      imageId,
      kind: "share",
      memberIds: [c1, c2],
      accept: { [c1]: { cloud: "pim-consumer1" }, [c2]: { cloud: "pim-consumer2" } },
    });
  });

  real.destroyAfter(() => stack);

  test("up accepts both, removing one deletes its acceptance then its member, destroy leaves none", async () => {
    await timed("one-stack ImageShare: first up (2 members, 2 acceptances)", () => stack.up());
    expect(
      await new GlanceDriver(real.cloud, real.cloud.identities.consumer1).memberStatus(imageId, c1),
    ).toBe("accepted");
    expect(
      await new GlanceDriver(real.cloud, real.cloud.identities.consumer2).memberStatus(imageId, c2),
    ).toBe("accepted");
    expect(await stack.outputs()).toEqual({ statuses: { [c1]: "accepted", [c2]: "accepted" } });
    const state = await stack.exportState();
    for (const password of passwordsOf(real.cloud)) {
      expect((state.text + stack.stateFilesText()).includes(password)).toBe(false);
    }

    await stack.setConfig("memberIds", JSON.stringify([c1]));
    await stack.setConfig("accept", JSON.stringify({ [c1]: { cloud: "pim-consumer1" } }));
    const preview = await stack.preview();
    console.log(`one-stack ImageShare: preview of removing one member:\n${preview.stdout}`);
    expect(allSteps(preview.stdout)).toHaveLength(2);
    expect(steps(preview.stdout, "ImageMember", "delete")).toHaveLength(1);
    expect(steps(preview.stdout, "ImageMemberAcceptance", "delete")).toHaveLength(1);
    const up = await runWithEvents(stack, "up");
    expect(changed(up.steps).sort()).toEqual([`delete golden-${c2}`, `delete golden-${c2}-accept`]);
    expect(indexOf(up.steps, "done", "delete", `golden-${c2}-accept`)).toBeLessThan(
      indexOf(up.steps, "start", "delete", `golden-${c2}`),
    );
    expect(await real.owner.memberIds(imageId)).toEqual([c1]);
    expect(
      await new GlanceDriver(real.cloud, real.cloud.identities.consumer1).memberStatus(imageId, c1),
    ).toBe("accepted");

    const destroy = await runWithEvents(stack, "destroy");
    expect(indexOf(destroy.steps, "done", "delete", `golden-${c1}-accept`)).toBeLessThan(
      indexOf(destroy.steps, "start", "delete", `golden-${c1}`),
    );
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});

describe("an accept key naming no member", () => {
  const real = underTheEngine();
  let dir: string;

  beforeAll(async () => {
    dir = real.folder("pim-one-stack-bad-");
  });

  /** The test program on an image of its own, so each case's Glance check sees only itself. */
  async function programWith(
    stackName: string,
    config: Record<string, string>,
  ): Promise<{ stack: PulumiProject; imageId: string }> {
    const imageId = await real.owner.createImage("shared");
    const program = path.join(projectRoot, "tests/e2e/programs/one-stack");
    const stack = new PulumiProject(program, stackName);
    real.destroyAfter(() => stack);
    stack.env = cloudFiles(real.cloud, dir);
    await stack.init({ imageId, ownerCloud: "pim-owner", ...config });
    return { stack, imageId };
  }

  test("ImageMembers: a label not in projects fails preview and up naming it; nothing is shared", async () => {
    const c1 = real.cloud.identities.consumer1.projectId;
    const { stack, imageId } = await programWith("bad-members", {
      kind: "members",
      projects: JSON.stringify({ first: c1 }),
      accept: JSON.stringify({
        first: { cloud: "pim-consumer1" },
        frist: { cloud: "pim-consumer1" },
      }),
    });
    const expected =
      'ImageMembers golden: accept["frist"] names no project this resource shares the image ' +
      'with; its keys are the labels of projects (or project ids): "first", ' +
      `"${c1}". Share with that project first, or remove it from accept.`;
    const preview = await timed("bad accept key: preview", () =>
      stack.preview({ allowFailure: true }),
    );
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(expected);
    const up = await timed("bad accept key: up", () => stack.up({ allowFailure: true }));
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain(expected);
    expect(allSteps(up.stdout)).toEqual([]);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });

  test("ImageShare: a project id not in memberIds fails preview naming it; nothing is shared", async () => {
    const [c1, c2] = [
      real.cloud.identities.consumer1.projectId,
      real.cloud.identities.consumer2.projectId,
    ];
    const { stack, imageId } = await programWith("bad-share", {
      kind: "share",
      memberIds: JSON.stringify([c1]),
      accept: JSON.stringify({ [c2]: { cloud: "pim-consumer2" } }),
    });
    const preview = await stack.preview({ allowFailure: true });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(
      `ImageShare golden: accept names project ${c2}, which memberIds does not share the image ` +
        `with; add it to memberIds, or remove it from accept`,
    );
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });
});
