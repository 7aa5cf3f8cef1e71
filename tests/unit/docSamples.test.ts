/**
 * The sample review reports the documentation shows are what the review command writes: the
 * recorded pull request's report in docs/gitops.md, word for word, and the README's GitOps
 * sample. tests/e2e/gitops.test.ts checks that README sample against a real run under the
 * engine; here it is checked against the renderer, in a second, so a change of the report's
 * wording shows at once and not only in the end-to-end suite.
 */
import * as fs from "fs";
import * as path from "path";
import { reviewText } from "../../provider/review";
import { projectRoot } from "../support/childProcess";
import {
  codeBetweenMarkers,
  fixtureSample,
  gitopsSample,
  pluginNotFound,
  pluginProgram,
  quickstartProgram,
  readSample,
  writeSample,
} from "../support/docSamples";
import { projectMarkdownFiles } from "../support/markdownLinks";
import { imageMembersState, preview, state, urnOf } from "../support/previewSteps";

const fixture = (name: string) =>
  fs.readFileSync(path.join(projectRoot, "tests", "unit", "fixtures", name), "utf8");

test("docs/gitops.md's sample is the review of tests/unit/fixtures/pull-request.json, word for word", () => {
  const outcome = reviewText(fixture("pull-request.json"));
  expect(outcome.exitCode).toBe(0);
  // After the fixtures are recorded again, PIM_UPDATE_DOCS=true writes the new report there.
  if (process.env.PIM_UPDATE_DOCS === "true") writeSample(fixtureSample, outcome.report);
  expect(readSample(fixtureSample)).toBe(outcome.report.trim());
});

test("the README's GitOps sample is the review of its pull request: beta (accepted) out, gamma in, allow-list passed", () => {
  // The end-to-end test's change, with the names the README puts in place of the ids.
  const imageId = "<golden image id>";
  // gamma's id as the end-to-end test has it (a project id's shape, or the report marks it).
  const [alpha, beta, gamma] = ["<alpha id>", "<beta id>", "9a3c0d1e5b7f4a2c8e6d0b1f3a5c7e9d"];
  const pullRequest = preview([
    {
      op: "update",
      urn: urnOf("ImageMembers", "golden"),
      oldState: imageMembersState(
        { imageId, projects: { alpha, beta } },
        { [alpha]: "pending", [beta]: "accepted" },
      ),
      newState: state("ImageMembers", { imageId, projects: { alpha, gamma } }),
    },
  ]);
  const outcome = reviewText(pullRequest, {
    allowList: `${alpha}\n${gamma}\n`,
    allowListName: "allowed-projects.txt", // as ci/pull-request.sh gives it
  });
  expect(outcome.exitCode).toBe(0);
  expect(readSample(gitopsSample)).toBe(outcome.report.trim().split(gamma).join("<gamma id>"));
});

test("each sample is shown once, in the file its tests read and write", () => {
  for (const sample of [gitopsSample, fixtureSample]) {
    const shown: Record<string, number> = {};
    for (const file of projectMarkdownFiles(projectRoot)) {
      const count =
        fs.readFileSync(path.join(projectRoot, file), "utf8").split(sample.begin).length - 1;
      if (count > 0) shown[file] = count;
    }
    expect([sample.begin, shown]).toEqual([sample.begin, { [sample.file]: 1 }]);
  }
});

test("the README's Quickstart program is examples/quickstart/index.ts, which the end-to-end quickstart test runs; its YAML program names the plugin's folder in node_modules", () => {
  const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
  expect(codeBetweenMarkers(quickstartProgram, readme, "ts")).toBe(
    fs.readFileSync(path.join(projectRoot, "examples", "quickstart", "index.ts"), "utf8"),
  );
  expect(codeBetweenMarkers(pluginProgram, readme, "yaml")).toContain(
    "path: ./node_modules/pulumi-image-members/bin",
  );
  // The engine's messages for a missing plugin, quoted alike in both pages.
  const pluginPage = fs.readFileSync(path.join(projectRoot, "docs", "plugin.md"), "utf8");
  expect(codeBetweenMarkers(pluginNotFound, pluginPage, "text")).toBe(
    codeBetweenMarkers(pluginNotFound, readme, "text"),
  );
});
