/**
 * The built command (`dist/provider/cli.js`, what `npx pulumi-image-members` runs) as a child
 * process: its exit codes, standard output and standard error. `npm test` builds it first.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtCli, projectRoot, runCli } from "../support/childProcess";
import {
  created,
  imageA,
  memberState,
  preview,
  secretListUpdate,
  urnOf,
} from "../support/previewSteps";

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-review-"));

function run(args: string[], input = "") {
  return runCli(args, { input });
}

function writeFile(name: string, text: string): string {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, text);
  return file;
}

const changePreview = preview([
  created("ImageMember", "share-with-ops", { imageId: imageA, memberId: "p-ops" }),
  created("ImageMember", "share-with-intruder", { imageId: imageA, memberId: "p-intruder" }),
  { op: "delete", urn: urnOf("ImageMember", "share-with-qa"), oldState: memberState("p-qa") },
]);

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

test("the package declares the command and the built script starts with a node shebang", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
  expect(pkg.bin).toEqual({
    "pulumi-image-members": "dist/provider/cli.js",
    // The provider plugin's launcher (tests/unit/pluginServer.test.ts runs it).
    "pulumi-resource-imagemembers": "bin/pulumi-resource-imagemembers",
  });
  expect(fs.readFileSync(builtCli, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
});

test("the review code loads without @pulumi/pulumi", () => {
  const loaded = spawnSync(
    process.execPath,
    [
      "-e",
      `process.argv = [process.argv[0], "cli", "review", "--help"]; require(${JSON.stringify(builtCli)});` +
        `process.on("exit", () => { const names = Object.keys(require.cache);` +
        ` if (names.some((n) => n.includes("@pulumi"))) { console.error("loaded @pulumi"); process.exitCode = 9; } });`,
    ],
    { encoding: "utf8" },
  );
  expect(loaded.stderr).toBe("");
  expect(loaded.status).toBe(0);
});

test("reads a file or standard input and exits 0", () => {
  const file = writeFile("preview.json", changePreview);
  const fromFile = run(["review", file]);
  const fromStdin = run(["review"], changePreview);
  const fromDash = run(["review", "-"], changePreview);
  expect(fromFile.code).toBe(0);
  expect(fromFile.stderr).toBe("");
  expect(fromFile.stdout).toContain("**2 projects gain access · 1 loses access");
  expect(fromStdin).toEqual(fromFile);
  expect(fromDash).toEqual(fromFile);
});

test("--allowed-projects: exit 3 naming the offender, the report still printed", () => {
  const allowed = writeFile("allowed.txt", "# who may use our images\np-ops\n\np-other # spare\n");
  for (const args of [
    ["review", "--allowed-projects", allowed],
    ["review", `--allowed-projects=${allowed}`],
  ]) {
    const result = run(args, changePreview);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      "**Allowed projects: failed.** 1 grant goes to a project not on the list",
    );
    expect(result.stdout).toContain("- `p-intruder` (`share-with-intruder`) on image");
    expect(result.stderr).toBe(
      "review: 1 grant(s) to projects not on the allowed list:\n" +
        `  \`p-intruder\` (\`share-with-intruder\`) on image \`${imageA}\` (ImageMember \`share-with-intruder\`)\n`,
    );
  }
  const everyone = writeFile("everyone.txt", "p-ops\np-intruder\n");
  const passed = run(["review", "--allowed-projects", everyone], changePreview);
  expect(passed.code).toBe(0);
  expect(passed.stdout).toContain("**Allowed projects: passed.**");
});

test("a secret OLD project list against a plain new one: cannot tell, exit 3 even with every new project allowed", () => {
  const allowed = writeFile("allowed-ops.txt", "p-ops\n");
  const wasSecret = secretListUpdate({ projects: { ops: "p-ops" } });
  const result = run(["review", "--allowed-projects", allowed], wasSecret);
  expect(result.code).toBe(3);
  expect(result.stdout).toContain(
    "- the project list is `[secret]`: who gains or loses access cannot be shown — ImageMembers `was-secret`",
  );
  expect(result.stderr).toBe(
    "review: 1 grant(s) to projects not on the allowed list:\n" +
      `  a \`[secret]\` project, which cannot be checked, on image \`${imageA}\` (ImageMembers \`was-secret\`)\n`,
  );
});

describe("unreadable input: exit 2, one clear message, no stack trace, nothing on stdout", () => {
  const cases: [string, string, string][] = [
    [
      "empty input",
      "",
      "review: The input is empty. Expected the output of `pulumi preview --json`.",
    ],
    ["blank input", " \n\t\n", "review: The input is empty."],
    ["malformed JSON", '{"steps": [', "review: The input is not valid JSON"],
    ["a JSON list", "[1, 2]", "review: The input is JSON but not an object."],
    [
      "JSON that is not a preview",
      '{"hello": "world"}',
      'not a Pulumi preview: it has no "steps" list',
    ],
    [
      "a stack export",
      JSON.stringify({ version: 3, deployment: { resources: [] } }),
      "review: The input is a stack export (`pulumi stack export`), not a preview.",
    ],
    [
      "a step without op",
      JSON.stringify({ steps: [{ urn: "x" }] }),
      'Step 1 of the input has no "op" and "urn"',
    ],
    [
      "a preview of another program (nothing left out as unchanged)",
      preview([
        {
          op: "create",
          urn: "urn:pulumi:dev::web::aws:s3/bucket:Bucket::site",
          newState: { type: "aws:s3/bucket:Bucket", inputs: {}, outputs: {} },
        },
      ]),
      "review: The preview lists every resource of its stack (none left out as unchanged) and none is one of this package's (ImageMember, ImageMembers, ImageMemberAcceptance): nothing to review.",
    ],
  ];
  test.each(cases)("%s", (_name, input, message) => {
    const result = run(["review"], input);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test.each([
    ["an empty steps list", { config: {}, steps: [], diagnostics: [] }],
    ["no steps field (the engine omits an empty one)", { duration: 5, changeSummary: {} }],
  ])("a preview with %s", (_name, document) => {
    const result = run(["review"], JSON.stringify(document));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "review: The preview has no steps at all: nothing to review. Is it the preview of the right program and stack?\n",
    );
  });

  test("a missing file, an unknown option or command: exit 2, one line naming the help", () => {
    for (const [args, help] of [
      [["review", path.join(workDir, "missing.json")], "pulumi-image-members review"],
      [
        ["review", "--allowed-projects", path.join(workDir, "missing.txt")],
        "pulumi-image-members review",
      ],
      [["review", "--verbose"], "pulumi-image-members review"],
      [["review", "a.json", "b.json"], "pulumi-image-members review"],
      [["reveiw"], "pulumi-image-members"],
      [[], "pulumi-image-members"],
    ] as [string[], string][]) {
      const result = run(args, changePreview);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(new RegExp(`^${help}: [^\n]+; see "${help} --help"\n$`));
    }
    expect(run(["review", path.join(workDir, "missing.json")]).stderr).toContain(
      "cannot read the preview",
    );
  });
});
