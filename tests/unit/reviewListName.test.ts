/**
 * The review report says which allow-list it checked: the `--allowed-projects` file as the
 * command was given it (in the GitOps example, the same allowed-projects.txt the provider
 * reads through `imagemembers:allowedProjectsFile`). The built command, as a child process.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { imageA, preview, state, urnOf } from "../support/previewSteps";

const cli = path.join(projectRoot, "dist/provider/cli.js");
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-review-list-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const grant = preview([
  {
    op: "create",
    urn: urnOf("ImageMember", "share-with-ops"),
    newState: state("ImageMember", { imageId: imageA, memberId: "p-ops" }),
  },
]);

function review(listText: string) {
  fs.writeFileSync(path.join(workDir, "allowed-projects.txt"), listText);
  const result = spawnSync(
    process.execPath,
    [cli, "review", "--allowed-projects", "allowed-projects.txt"],
    { input: grant, encoding: "utf8", cwd: workDir },
  );
  return { code: result.status, stdout: result.stdout };
}

test("passed and failed both name the list file", () => {
  const passed = review("p-ops\n");
  expect(passed.code).toBe(0);
  expect(passed.stdout).toContain(
    "**Allowed projects: passed.** Every project granted access is on the list (`allowed-projects.txt`).",
  );
  const failed = review("p-other\n");
  expect(failed.code).toBe(3);
  expect(failed.stdout).toContain(
    "**Allowed projects: failed.** 1 grant goes to a project not on the list (`allowed-projects.txt`):",
  );
});
