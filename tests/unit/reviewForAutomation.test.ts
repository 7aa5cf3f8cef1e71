/**
 * What the review gives automation besides the Markdown: the name of the allow-list it checked
 * (in the GitOps example, the same allowed-projects.txt the provider reads through
 * `imagemembers:allowedProjectsFile`), and `--json FILE`, a summary whose counts are the
 * report's. The built command, as a child process.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../support/childProcess";
import {
  created,
  imageA,
  imageB,
  imageMembersState,
  memberState,
  preview,
  refreshPreview,
  state,
  urnOf,
} from "../support/previewSteps";

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-review-auto-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const grant = preview([
  created("ImageMember", "share-with-ops", { imageId: imageA, memberId: "p-ops" }),
]);

function review(input: string, listText: string, extra: string[] = []) {
  fs.writeFileSync(path.join(workDir, "allowed-projects.txt"), listText);
  return runCli(["review", "--allowed-projects", "allowed-projects.txt", ...extra], {
    input,
    cwd: workDir,
  });
}

test("passed and failed both name the list file", () => {
  const passed = review(grant, "p-ops\n");
  expect(passed.code).toBe(0);
  expect(passed.stdout).toContain(
    "**Allowed projects: passed.** Every project granted access is on the list (`allowed-projects.txt`).",
  );
  const failed = review(grant, "p-other\n");
  expect(failed.code).toBe(3);
  expect(failed.stdout).toContain(
    "**Allowed projects: failed.** 1 grant goes to a project not on the list (`allowed-projects.txt`):",
  );
});

test("--json FILE: the counts of the report's summary line, and the offenders", () => {
  const golden = urnOf("ImageMembers", "golden");
  const before = imageMembersState(
    { imageId: imageB, projects: { ops: "p1", qa: "p2" } },
    { p1: "accepted", p2: "pending" },
  );
  const refreshed = imageMembersState(
    { imageId: imageB, projects: { ops: "p1", qa: "p2" } },
    { p1: "rejected", p2: "pending" },
  );
  const input = refreshPreview(
    [{ op: "refresh", urn: golden, oldState: before, newState: before }],
    [
      created("ImageMember", "share-with-intruder", { imageId: imageA, memberId: "p-intruder" }),
      {
        op: "delete",
        urn: urnOf("ImageMember", "share-with-qa"),
        oldState: memberState("p-qa", "accepted"),
      },
      {
        op: "replace",
        urn: urnOf("ImageMember", "share-with-dev"),
        oldState: memberState("p-old"),
        newState: state("ImageMember", { imageId: imageA, memberId: "p-ops" }),
      },
      {
        op: "update",
        urn: golden,
        oldState: refreshed,
        newState: state("ImageMembers", { imageId: imageB, projects: { ops: "p1", dev: "p3" } }),
      },
    ],
  );
  const jsonFile = path.join(workDir, "summary.json");
  const result = review(input, "p-ops\np3\n", ["--json", jsonFile]);
  expect(result.code).toBe(3);
  const summary = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
  const line =
    /\*\*(\d+) projects? gains? access · (\d+) loses? access · (\d+) swaps? · (\d+) acceptance changes? · (\d+) changes? outside Pulumi\*\* on (\d+) images?/.exec(
      result.stdout,
    );
  expect(line).not.toBeNull();
  const [gains, losses, swaps, acceptance, drift, images] = line!.slice(1).map(Number);
  expect(summary).toEqual({
    gains,
    losses,
    swaps,
    acceptanceChanges: acceptance,
    driftChanges: drift,
    opaque: 0,
    images,
    previewErrors: 0,
    allowedProjects: {
      list: "allowed-projects.txt",
      passed: false,
      offenders: [
        {
          project: "p-intruder",
          image: imageA,
          resource: "ImageMember share-with-intruder",
        },
      ],
    },
  });
  // Something of each kind, so the comparison compares.
  expect([gains, losses, swaps, drift, images]).toEqual([2, 2, 1, 1, 2]);
});
