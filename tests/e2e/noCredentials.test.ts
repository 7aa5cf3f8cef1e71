/**
 * Credentials are judged where a pipeline sees them, under the real engine: a stack with no
 * credential source at all (no `openstack:*` credential, no `OS_*` variable, no clouds.yaml
 * entry named) fails at `pulumi preview`, naming the places looked at, instead of passing and
 * leaving `pulumi up` to fail. (Each source and the 401's words: tests/unit/credentialSources.test.ts.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { typescriptProject, writeUserProject } from "../support/engineSuite";
import { runAll } from "../support/cleanup";
import { PulumiProject } from "../support/pulumiEngine";

jest.setTimeout(600_000);

const program = `import { ImageMember } from "pulumi-image-members";

new ImageMember("share", {
  imageId: "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
  memberId: "edc89b490d7d4392898e19b2deb34797",
});
`;

describe("a pull-request job whose credentials are missing", () => {
  let dir: string;
  let project: PulumiProject;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-nocreds-"));
    writeUserProject(dir, typescriptProject("nocreds", program));
    project = new PulumiProject(dir, "nocreds");
    // No OS_* (the project strips them), no openstack:* config, a HOME without clouds.yaml.
    project.env = { HOME: path.join(project.workDir, "home") };
    await project.init({});
  });

  afterAll(() =>
    runAll([() => project?.cleanUp(), () => fs.rmSync(dir, { recursive: true, force: true })]),
  );

  test("pulumi preview fails, naming the stack config, the OS_* variables and clouds.yaml", async () => {
    const preview = await project.preview({ allowFailure: true });
    const output = preview.stdout + preview.stderr;
    console.log(`preview without credentials:\n${output.slice(-1500)}`);
    expect(preview.code).not.toBe(0);
    expect(output).toContain("resource 'share': property cloud value");
    expect(output).toContain(
      "ImageMember cannot reach the cloud: no credentials were found for the stack. Looked at: the stack config (none of openstack:cloud, openstack:authUrl,",
    );
    expect(output).toMatch(/the environment \(none of OS_CLOUD, OS_AUTH_URL, .* is set\)/);
    expect(output).toContain(
      `and clouds.yaml (none in ${fs.realpathSync(dir)}/clouds.yaml, ${path.join(project.workDir, "home")}/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml)`,
    );
  });
});
