/**
 * `pulumi-image-members audit` (the built command, a child process) against the fake cloud:
 * the credentials from OS_* as the provider reads them, the owner's shared images over every
 * page, their members marked against stack exports (files, or `--stack` running the pulumi
 * CLI), exit codes, `--json`, and nothing but reads.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { FakeImage } from "../support/fakeCloud";
import { onFakeCloud } from "../support/providerHarness";
import { dynamicType, pluginType, stackExport } from "../support/stackExports";

const cli = path.join(projectRoot, "dist/provider/cli.js");
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-audit-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const fake = onFakeCloud();

function credentials(projectName = "owner", password?: string): NodeJS.ProcessEnv {
  const project = fake.cloud.project(projectName);
  return {
    OS_AUTH_URL: `${fake.cloud.url}/v3`,
    OS_USERNAME: project.user.name,
    OS_PASSWORD: password ?? project.user.password,
    OS_PROJECT_NAME: project.name,
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
  };
}

/** Runs the command (asynchronously: the fake cloud answers from this process). */
function audit(args: string[], env: NodeJS.ProcessEnv = credentials(), input = "") {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("OS_")),
  );
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, "audit", ...args],
      { cwd: workDir, env: { ...clean, ...env }, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

function share(image: FakeImage, memberId: string, status = "accepted", createdAt?: string) {
  const at = createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  fake.cloud.shareByHand(image.id, memberId, status as "accepted", at);
}

function writeFile(name: string, text: string): string {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, text);
  return file;
}

const id = (name: string) => fake.cloud.project(name).id;

test("every page of the owner's shared images; undeclared grants first, declared ones marked; exit 4", async () => {
  fake.cloud.limitParamDefault = 2;
  const images = Array.from({ length: 5 }, (_, i) =>
    fake.cloud.addImage("owner", "shared", `img-${i}`),
  );
  images.forEach((image) => share(image, id("consumer1")));
  share(images[2], id("consumer2"), "pending");
  fake.cloud.addImage("owner", "private", "private-one"); // not shared: no members to audit
  share(fake.cloud.addImage("consumer1", "shared", "theirs"), id("owner")); // shared *with* the owner
  const exportFile = writeFile(
    "production.json",
    stackExport("production", "gitops", [
      {
        type: dynamicType("ImageMembers"),
        name: "golden",
        inputs: { imageId: images[0].id, projects: { ops: id("consumer1") } },
      },
      ...images.slice(1).map((image, i) => ({
        type: pluginType("ImageMember"),
        name: `m${i}`,
        inputs: { imageId: image.id, memberId: id("consumer1") },
      })),
    ]),
  );

  const result = await audit(["--stack-export", exportFile, "--json", "audit.json"]);

  expect(result.code).toBe(4);
  expect(result.stdout).toContain(
    `Project \`${id("owner")}\`: **6 grants on 5 shared images · 1 not declared by any stack**.`,
  );
  expect(result.stdout).toContain(
    "Stacks read: `gitops/production` (production.json, 5 resources sharing images).",
  );
  const undeclaredAt = result.stdout.indexOf("### Not declared by any stack (1)");
  const declaredAt = result.stdout.indexOf("### Declared (5)");
  expect(undeclaredAt).toBeGreaterThan(0);
  expect(declaredAt).toBeGreaterThan(undeclaredAt);
  const undeclared = result.stdout.slice(undeclaredAt, declaredAt);
  expect(undeclared).toContain(
    `| \`img-2\` \`${images[2].id}\` | \`${id("consumer2")}\` | pending |`,
  );
  expect(result.stdout.slice(declaredAt)).toContain(
    `| \`img-0\` \`${images[0].id}\` | \`${id("consumer1")}\` | accepted | \`gitops/production\`: ImageMembers \`golden\` |`,
  );
  expect(result.stdout).not.toContain("theirs");
  expect(result.stdout).not.toContain("private-one");
  expect(result.stderr).toBe(
    "audit: 1 grant(s) no stack given declares:\n" +
      `  image ${images[2].id} → project ${id("consumer2")} (pending)\n`,
  );
  const summary = JSON.parse(fs.readFileSync(path.join(workDir, "audit.json"), "utf8"));
  expect(summary.counts).toEqual({ grants: 6, unmanaged: 1, undetermined: 0, managed: 5 });
  expect(summary.grants[0]).toMatchObject({
    image: images[2].id,
    project: id("consumer2"),
    state: "unmanaged",
  });

  // Glance was asked for the owner's shared images, page after page (2 + 2 + 1), and only read.
  const lists = fake.cloud.glanceRequests().filter((r) => r.path === "/v2/images");
  expect(lists).toHaveLength(3);
  for (const list of lists) {
    const query = new URLSearchParams(list.query);
    expect([query.get("visibility"), query.get("owner")]).toEqual(["shared", id("owner")]);
  }
  expect(lists.map((list) => new URLSearchParams(list.query).has("marker"))).toEqual([
    false,
    true,
    true,
  ]);
  expect(fake.cloud.glanceRequests().every((r) => r.method === "GET")).toBe(true);
  expect(fake.cloud.glanceRequests().filter((r) => r.path.endsWith("/members"))).toHaveLength(5);
});

test("--page-size asks Glance for pages of that size", async () => {
  Array.from({ length: 3 }, () => share(fake.cloud.addImage("owner"), id("consumer1")));
  const result = await audit(["--page-size", "1"]);
  expect(result.code).toBe(4); // no stack given: every grant is undeclared
  expect(result.stdout).toContain("No stack given: every grant counts as not declared.");
  const lists = fake.cloud.glanceRequests().filter((r) => r.path === "/v2/images");
  expect(lists.map((list) => new URLSearchParams(list.query).get("limit"))).toEqual([
    "1",
    "1",
    "1",
    "1",
  ]);
});

test("every grant declared: exit 0; a member pending past --pending-days: exit 5, 'never accepted: check the id'", async () => {
  const image = fake.cloud.addImage("owner", "shared", "base");
  share(image, id("consumer1"), "pending", "2026-10-01T08:00:00Z");
  share(image, "consumer2", "pending"); // a project name, not its id: pending forever
  const exportFile = writeFile(
    "stack.json",
    stackExport("dev", "app", [
      {
        type: dynamicType("ImageMembers"),
        name: "base",
        inputs: { imageId: image.id, memberIds: [id("consumer1"), "consumer2"] },
      },
    ]),
  );
  const clean = await audit(["--stack-export", exportFile]);
  expect([clean.code, clean.stderr]).toEqual([0, ""]);
  expect(clean.stdout).toContain("**2 grants on 1 shared image · 0 not declared by any stack**");

  const stale = await audit(["--stack-export", exportFile, "--pending-days", "14"]);
  expect(stale.code).toBe(5);
  expect(stale.stdout).toContain("### Never accepted: check the id (1)");
  expect(stale.stdout).toContain("openstack project show NAME -f value -c id");
  expect(stale.stdout).toMatch(
    new RegExp(
      `\\| \`${id("consumer1")}\` \\| \\d+ days \\| \`app/dev\`: ImageMembers \`base\` \\|`,
    ),
  );
  expect(stale.stdout).toContain(
    "`consumer2` (not a project id: those are 32 lowercase hexadecimal characters)",
  );
  expect(stale.stderr).toContain(
    "audit: 1 member(s) pending for more than 14 day(s), never accepted: check the id:",
  );
  // Pending for less than the threshold is no finding: day 0 counts every pending member.
  expect((await audit(["--stack-export", exportFile, "--pending-days", "0"])).stdout).toContain(
    "### Never accepted: check the id (2)",
  );
});

test("--stack NAME runs pulumi stack export (in --cwd) and reads its output; a failing export: exit 2", async () => {
  const image = fake.cloud.addImage("owner");
  share(image, id("consumer1"));
  const bin = path.join(workDir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  writeFile(
    "exported.json",
    stackExport("prod", "gitops", [
      {
        type: dynamicType("ImageMember"),
        name: "ops",
        inputs: { imageId: image.id, memberId: id("consumer1") },
      },
    ]),
  );
  // A stand-in for the pulumi CLI: records its arguments, answers for stack prod only.
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    `#!/bin/sh\necho "$*" >>"${workDir}/pulumi-args"\n` +
      `[ "$4" = prod ] && exec cat "${workDir}/exported.json"\n` +
      `echo "error: no stack named '$4' found" >&2; exit 255\n`,
    { mode: 0o755 },
  );
  const env = { ...credentials(), PATH: `${bin}:${process.env.PATH}` };
  const result = await audit(["--stack", "prod", "--cwd", "program"], env);
  expect([result.code, result.stderr]).toEqual([0, ""]);
  expect(result.stdout).toContain("`gitops/prod` (stack prod, 1 resource sharing images)");
  expect(fs.readFileSync(path.join(workDir, "pulumi-args"), "utf8")).toBe(
    "stack export --stack prod --cwd program\n",
  );

  fake.cloud.log.length = 0;
  const missing = await audit(["--stack", "prod", "--stack", "staging"], env);
  expect(missing.code).toBe(2);
  expect(missing.stdout).toBe("");
  expect(missing.stderr).toBe(
    "pulumi-image-members audit: cannot export stack staging (pulumi stack export --stack staging): error: no stack named 'staging' found; see \"pulumi-image-members audit --help\"\n",
  );
  expect(fake.cloud.log).toEqual([]); // input checked before any request
});

test("an export it cannot read: exit 2, one line, no request", async () => {
  const preview = writeFile("preview.json", JSON.stringify({ steps: [], changeSummary: {} }));
  const result = await audit(["--stack-export", preview]);
  expect(result).toEqual({
    code: 2,
    stdout: "",
    stderr:
      "audit: preview.json is a preview (`pulumi preview --json`), not a stack export. Expected the output of `pulumi stack export`.\n",
  });
  const fromStdin = await audit(["--stack-export", "-"], credentials(), "not json");
  expect(fromStdin.code).toBe(2);
  expect(fromStdin.stderr).toMatch(/^audit: standard input is not valid JSON/);
  expect(fake.cloud.log).toEqual([]);
});

test("credentials Keystone refuses: exit 1, the reason in one message, no secret shown", async () => {
  const result = await audit([], credentials("owner", "wrong-password-4711"));
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(
    /^audit: Cannot audit the shared images: Keystone rejected the credentials from the OS_\* environment variables\./,
  );
  expect(result.stderr).not.toContain("wrong-password-4711");
  expect(fake.cloud.glanceRequests()).toEqual([]);
});

test("an image deleted while being read is left out and said so", async () => {
  const kept = fake.cloud.addImage("owner", "shared", "kept");
  const gone = fake.cloud.addImage("owner", "shared", "gone");
  share(kept, id("consumer1"));
  fake.cloud.faults.push({
    match: (method, p) => method === "GET" && p === `/v2/images/${gone.id}/members`,
    status: 404,
    body: JSON.stringify({ message: `Image ${gone.id} not found.`, code: "404 Not Found" }),
    times: 1,
  });
  const result = await audit([]);
  expect(result.code).toBe(4);
  expect(result.stdout).toContain("**1 grant on 1 shared image");
  expect(result.stdout).toContain(`Left out, gone while being read: \`${gone.id}\` (deleted).`);
});

test("the command loads nothing of @pulumi/pulumi", async () => {
  const loaded = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        "-e",
        `process.argv = [process.argv[0], "cli", "audit"]; require(${JSON.stringify(cli)});` +
          `process.on("exit", () => { const names = Object.keys(require.cache);` +
          ` if (names.some((n) => n.includes("@pulumi"))) { console.error("loaded @pulumi"); process.exitCode = 9; } });`,
      ],
      { env: { ...process.env, ...credentials() }, encoding: "utf8" },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
  expect(loaded).toEqual({ code: 0, stderr: "" });
});
