/**
 * The project rules the provider enforces, under the real engine against the real Keystone +
 * Glance: a laptop-style `pulumi up` (preview, then update) of a program granting a project
 * outside `imagemembers:allowedProjects(File)` is refused at preview, and nothing reaches
 * Keystone or Glance (counted by proxies in front of both), for the dynamic `ImageMember`,
 * the dynamic `ImageMembers` and the plugin's `ImageMember` from YAML; the same for a project on
 * `imagemembers:forbiddenProjects` with no allowed list at all. A member id known only after
 * apply is refused before its request; without the setting the same program applies.
 *
 * Each program lives in a folder of its own, as a user's project: the allowed-projects file
 * beside its Pulumi.yaml (read relative to it), the package installed (examples/node_modules).
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { throughKeystone, writeCloudsYaml } from "../support/cloudsYaml";
import { pluginMemberYaml, typescriptProject, underTheEngine } from "../support/engineSuite";
import { PulumiProject } from "../support/pulumiEngine";

const typescriptProgram = `import * as pulumi from "@pulumi/pulumi";
import { ImageMember, ImageMembers } from "pulumi-image-members";

const config = new pulumi.Config();
const imageId = config.require("imageId");
const single = config.get("single");
if (single) new ImageMember("single", { imageId, memberId: single });
const many = config.getObject<Record<string, string>>("many");
if (many) new ImageMembers("many", { imageId, projects: many });
const late = config.get("late");
if (late) {
  const first = new ImageMember("first", { imageId, memberId: config.require("first") });
  // Known only once "first" exists: a preview cannot check it.
  new ImageMember("late", { imageId, memberId: first.status.apply(() => late) });
}
`;

const real = underTheEngine({ proxies: true });

const allowed = () => real.cloud.identities.consumer1.projectId;
const stranger = () => real.cloud.identities.consumer2.projectId;

/**
 * A user's project in a folder of its own, a new image, and a stack acting as the image's owner
 * (through the proxies) whose provider reads allowed-projects.txt beside Pulumi.yaml.
 */
async function laptopProject(
  files: Record<string, string>,
  config: Record<string, string>,
  rules: Record<string, string> = { "imagemembers:allowedProjectsFile": "allowed-projects.txt" },
) {
  const imageId = await real.owner.createImage();
  const dir = real.userProject("pim-guardrails-", files);
  const project = new PulumiProject(dir, "laptop");
  project.env = writeCloudsYaml(
    throughKeystone(real.cloud, real.keystone.url),
    project.workDir,
  )("owner");
  await project.init({ imageId, ...config, ...rules });
  return { project, dir, imageId };
}

/** `pulumi up --yes`, as on a laptop: the preview first, then the update. */
function laptopUp(project: PulumiProject) {
  return project.run(
    ["up", "--yes", "--stack", project.stack, "--config-file", project.configFile],
    { allowFailure: true },
  );
}

describe("the dynamic resources (TypeScript)", () => {
  let project: PulumiProject;
  let dir: string;
  let imageId: string;

  beforeAll(async () => {
    ({ project, dir, imageId } = await laptopProject(
      {
        ...typescriptProject("guardrails", typescriptProgram),
        "allowed-projects.txt": `# who may launch our images\n${allowed()} # ops\n`,
      },
      {},
    ));
  });

  real.destroyAfter(() => project);

  test("ImageMember to a project not in allowed-projects.txt: refused at preview, naming project, resource and file; nothing sent", async () => {
    await project.setConfig("single", stranger());
    const { result: up, sent } = await real.counted(() => laptopUp(project));
    const output = up.stdout + up.stderr;
    console.log(`refused ImageMember:\n${output.slice(-1500)}`);
    expect(up.code).not.toBe(0);
    expect(output).toContain("resource 'single': property memberId value");
    expect(output).toContain(
      `image ${imageId} cannot be shared with project ${stranger()}: project ${stranger()} is not ` +
        `on the allowed list, imagemembers:allowedProjectsFile (${fs.realpathSync(dir)}/allowed-projects.txt)`,
    );
    expect(output).not.toMatch(/Updating \(|Update duration/); // stopped at the preview
    expect(sent).toEqual([]);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
    await project.removeConfig("single");
  });

  test("ImageMembers with a stack-config list: refused at preview under its label; nothing sent", async () => {
    await project.removeConfig("imagemembers:allowedProjectsFile");
    await project.run([
      "config",
      "set",
      "--path",
      "imagemembers:allowedProjects[0]",
      allowed(),
      "--stack",
      project.stack,
      "--config-file",
      project.configFile,
    ]);
    await project.setConfig("many", JSON.stringify({ ops: allowed(), stranger: stranger() }));
    const { result: up, sent } = await real.counted(() => laptopUp(project));
    const output = up.stdout + up.stderr;
    expect(up.code).not.toBe(0);
    expect(output).toContain("resource 'many': property projects.stranger value");
    expect(output).toContain(
      `project ${stranger()} is not on the allowed list, imagemembers:allowedProjects (stack config)`,
    );
    expect(sent).toEqual([]);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
    await project.removeConfig("many");
  });

  test("a memberId known only after apply passes the preview, and is refused before its request", async () => {
    await project.setConfig("first", allowed());
    await project.setConfig("late", stranger());
    const { result: up, sent } = await real.counted(() => laptopUp(project));
    const output = up.stdout + up.stderr;
    console.log(`refused at apply:\n${output.slice(-1500)}`);
    expect(up.code).not.toBe(0);
    expect(output).toContain(`project ${stranger()} is not on the allowed list`);
    expect(output).toMatch(/late/);
    // One member POSTed: "first"'s; none for "late".
    expect(sent.filter((s) => s.startsWith("POST /v2/"))).toEqual([
      `POST /v2/images/${imageId}/members`,
    ]);
    expect(await real.owner.memberIds(imageId)).toEqual([allowed()]);
  });

  test("without the setting, the same program applies: the refusal came from it", async () => {
    await project.removeConfig("imagemembers:allowedProjects");
    const up = await laptopUp(project);
    expect(up.code).toBe(0);
    expect(await real.owner.memberIds(imageId)).toEqual([allowed(), stranger()].sort());
  });
});

describe("the deny-list alone (imagemembers:forbiddenProjects, no allowed list)", () => {
  let project: PulumiProject;
  let imageId: string;

  beforeAll(async () => {
    ({ project, imageId } = await laptopProject(
      typescriptProject("guardrails-deny", typescriptProgram),
      { single: stranger() },
      { "imagemembers:forbiddenProjects": stranger() },
    ));
  });

  real.destroyAfter(() => project);

  test("ImageMember and ImageMembers granting a forbidden project: refused at preview; nothing sent, Glance unchanged", async () => {
    const single = await real.counted(() => laptopUp(project));
    const singleOutput = single.result.stdout + single.result.stderr;
    console.log(`refused by the deny-list:\n${singleOutput.slice(-1500)}`);
    expect(single.result.code).not.toBe(0);
    expect(singleOutput).toContain("resource 'single': property memberId value");
    expect(singleOutput).toContain(
      `image ${imageId} cannot be shared with project ${stranger()}: project ${stranger()} is ` +
        `forbidden by imagemembers:forbiddenProjects (stack config)`,
    );
    expect(singleOutput).not.toMatch(/Updating \(|Update duration/);
    expect(single.sent).toEqual([]);

    await project.removeConfig("single");
    await project.setConfig("many", JSON.stringify({ ops: allowed(), stranger: stranger() }));
    const many = await real.counted(() => laptopUp(project));
    const manyOutput = many.result.stdout + many.result.stderr;
    expect(many.result.code).not.toBe(0);
    expect(manyOutput).toContain("resource 'many': property projects.stranger value");
    expect(manyOutput).toContain(
      `project ${stranger()} is forbidden by imagemembers:forbiddenProjects (stack config)`,
    );
    expect(many.sent).toEqual([]);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });

  test("a project off the deny-list applies: the refusal came from it", async () => {
    await project.setConfig("many", JSON.stringify({ ops: allowed() }));
    const up = await laptopUp(project);
    expect(up.code).toBe(0);
    expect(await real.owner.memberIds(imageId)).toEqual([allowed()]);
  });
});

describe("the plugin from YAML", () => {
  let project: PulumiProject;
  let imageId: string;
  let dir: string;

  beforeAll(async () => {
    ({ project, dir, imageId } = await laptopProject(
      {
        "Pulumi.yaml": pluginMemberYaml(
          "guardrails-yaml",
          path.join(projectRoot, "node_modules", "pulumi-image-members", "bin"),
        ),
        "allowed-projects.txt": `${allowed()}\n`,
      },
      { memberId: stranger() },
    ));
  });

  real.destroyAfter(() => project);

  test("an ImageMember to a project not in allowed-projects.txt: refused at preview (the rules from PULUMI_CONFIG); nothing sent", async () => {
    const { result: up, sent } = await real.counted(() => laptopUp(project));
    const output = up.stdout + up.stderr;
    console.log(`refused plugin ImageMember:\n${output.slice(-1500)}`);
    expect(up.code).not.toBe(0);
    expect(output).toContain(
      "imagemembers:index:ImageMember resource 'share': property memberId value",
    );
    expect(output).toContain(
      `project ${stranger()} is not on the allowed list, imagemembers:allowedProjectsFile (${fs.realpathSync(dir)}/allowed-projects.txt)`,
    );
    expect(sent).toEqual([]);
    expect(await real.owner.memberIds(imageId)).toEqual([]);
  });

  test("the project allowed: the same program applies", async () => {
    await project.setConfig("memberId", allowed());
    const up = await laptopUp(project);
    expect(up.code).toBe(0);
    expect(await real.owner.memberIds(imageId)).toEqual([allowed()]);
  });
});
