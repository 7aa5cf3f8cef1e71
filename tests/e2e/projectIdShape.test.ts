/**
 * A member id that cannot be a project id, under the real engine against the real Keystone +
 * Glance: `memberId` set to a project's *name* shows a warning at `pulumi preview` naming the
 * likely mistake and the command that finds the id (the dynamic `ImageMember` from TypeScript
 * and the plugin's from YAML); with `imagemembers:strictProjectIds: true` the preview fails,
 * `pulumi up` stops at its preview, nothing reaches Keystone or Glance (counted by proxies in
 * front of both) and the image has no member. (The rule itself: tests/unit/projectIdShape.test.ts.)
 */
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { runAll } from "../support/cleanup";
import { throughKeystone, writeCloudsYaml } from "../support/cloudsYaml";
import { pluginMemberYaml, typescriptProject, underTheEngine } from "../support/engineSuite";
import { PulumiProject } from "../support/pulumiEngine";

const typescriptProgram = `import * as pulumi from "@pulumi/pulumi";
import { ImageMember } from "pulumi-image-members";

const config = new pulumi.Config();
new ImageMember("share", { imageId: config.require("imageId"), memberId: config.require("memberId") });
`;

const real = underTheEngine({ proxies: true });

/** A user's project in a folder of its own, a new image, `memberId` set to a project's name. */
async function projectWithName(files: Record<string, string>) {
  const imageId = await real.owner.createImage();
  const project = new PulumiProject(real.userProject("pim-shape-", files), "shape");
  project.env = writeCloudsYaml(
    throughKeystone(real.cloud, real.keystone.url),
    project.workDir,
  )("owner");
  // The project's name where its id belongs: the typo this rule is for.
  await project.init({ imageId, memberId: real.cloud.identities.consumer1.projectName });
  return { project, imageId };
}

const warned =
  "cannot be a project id: it has 9 characters, not 32 lowercase hexadecimal ones: probably a project name where its id belongs";

async function expectWarningThenStrictRefusal(
  project: PulumiProject,
  imageId: string,
  resource: string,
) {
  const preview = await project.preview();
  const output = preview.stdout + preview.stderr;
  console.log(`preview with a project name as memberId:\n${output.slice(-2000)}`);
  expect(preview.code).toBe(0);
  expect(output).toMatch(/warning/);
  expect(output).toContain(warned);
  expect(output).toContain("`openstack project show NAME -f value -c id` prints it");
  expect(output).toContain("Set imagemembers:strictProjectIds to true");

  await project.setConfig("imagemembers:strictProjectIds", "true");
  const { result: refused, sent } = await real.counted(() =>
    project.preview({ allowFailure: true }),
  );
  const said = refused.stdout + refused.stderr;
  console.log(`strict preview:\n${said.slice(-2000)}`);
  expect(refused.code).not.toBe(0);
  expect(said).toContain(`${resource}resource 'share': property memberId value`);
  expect(said).toContain(warned);
  expect(said).toContain("imagemembers:strictProjectIds is true, so this is an error");
  expect(sent).toEqual([]);

  const { result: up, sent: sentByUp } = await real.counted(() =>
    project.run(["up", "--yes", "--stack", project.stack, "--config-file", project.configFile], {
      allowFailure: true,
    }),
  );
  expect(up.code).not.toBe(0);
  expect(up.stdout + up.stderr).not.toMatch(/Updating \(|Update duration/); // stopped at the preview
  expect(sentByUp).toEqual([]);
  expect(await real.owner.memberIds(imageId)).toEqual([]);
}

describe("a project name as memberId", () => {
  const projects: PulumiProject[] = [];
  afterAll(() =>
    runAll(
      projects.map((project) => () => {
        project.cleanUp();
      }),
    ),
  );

  test("the dynamic ImageMember (TypeScript): a warning at preview; strict, preview fails and Glance is unchanged", async () => {
    const { project, imageId } = await projectWithName(
      typescriptProject("shape", typescriptProgram),
    );
    projects.push(project);
    await expectWarningThenStrictRefusal(project, imageId, "");
  });

  test("the plugin's ImageMember (YAML): the same warning; strict, the same refusal", async () => {
    const { project, imageId } = await projectWithName({
      "Pulumi.yaml": pluginMemberYaml(
        "shape-yaml",
        path.join(projectRoot, "node_modules", "pulumi-image-members", "bin"),
      ),
    });
    projects.push(project);
    await expectWarningThenStrictRefusal(project, imageId, "imagemembers:index:ImageMember ");
  });
});
