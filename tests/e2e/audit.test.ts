/**
 * `pulumi-image-members audit` end to end: two stacks of the real engine share two images
 * (one read by `--stack NAME`, which runs `pulumi stack export`, one from an export file), a
 * third image is shared by hand outside every stack, and one more project is added by hand to
 * a managed image. The installed package's command, with the owner's OS_* credentials, names
 * the hand-made grants as declared by no stack, marks the managed ones with their stack and
 * resource, and exits 4. Glance is a second glance-api of the local cloud with
 * `limit_param_default = 2` (scripts/local-cloud.sh glance-extra lookups), behind a counting
 * proxy: the image list comes in Glance's own pages of 2, every page is read, and nothing but
 * GETs is sent.
 * Then the GitOps example's audit job (ci/audit.sh) as the scheduled pipeline runs it: the
 * read-only credential, the stack's state in the PostgreSQL backend.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/childProcess";
import { CountingProxy } from "../support/countingProxy";
import { underTheEngine } from "../support/engineSuite";
import { PipelineRepo, stateBackend } from "../support/pipelineRepo";
import { PulumiProject, pulumiBinDir } from "../support/pulumiEngine";
import {
  GlanceDriver,
  pagingGlancePageSize as pageSize,
  pagingGlanceUrl,
  osEnvironmentOf,
  readOnlyCredential,
} from "../support/realCloud";

/** The command as users install it: the package the engine tests install into examples/. */
const installedCli = path.join(
  projectRoot,
  "examples/node_modules/pulumi-image-members/dist/provider/cli.js",
);
const programDir = path.join(projectRoot, "tests/e2e/programs/image-members");

const real = underTheEngine();
let glance: CountingProxy;
let consumer1Glance: GlanceDriver;
let stackA: PulumiProject;
let stackB: PulumiProject;
let images: { a: string; b: string; byHand: string };
const consumer1 = () => real.cloud.identities.consumer1.projectId;
const consumer2 = () => real.cloud.identities.consumer2.projectId;

beforeAll(async () => {
  consumer1Glance = new GlanceDriver(real.cloud, real.cloud.identities.consumer1);
  glance = new CountingProxy(pagingGlanceUrl());
  await glance.start();
  images = {
    a: await real.owner.createImage("shared", `pim-audit-a-${process.pid}`),
    b: await real.owner.createImage("shared", `pim-audit-b-${process.pid}`),
    byHand: await real.owner.createImage("shared", `pim-audit-hand-${process.pid}`),
  };
  real.afterBlock(() => glance.stop());
  // Two stacks of one project in one backend: `audit --stack` finds them as pulumi does.
  stackA = new PulumiProject(programDir, "audit-a");
  stackB = new PulumiProject(programDir, "audit-b", stackA.backendDir);
  for (const project of [stackA, stackB])
    project.env = osEnvironmentOf(real.cloud.identities.owner);
});

// B first: its state lives in A's folder.
real.destroyAfter(() => stackA);
real.destroyAfter(() => stackB);

function runAudit(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [installedCli, "audit", ...args],
      { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, cwd: stackA.workDir },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

test("grants shared by hand are named, managed ones marked with their stack; every page read, only GETs", async () => {
  // Stack A: ImageMembers (projects map) and an ImageMember on image a.
  await stackA.init({
    imageId: images.a,
    projects: JSON.stringify({ ops: consumer1() }),
    single: consumer2(),
  });
  await stackA.up();
  // Stack B: ImageMembers (memberIds list) on image b.
  await stackB.init({ imageId: images.b, projects: JSON.stringify([consumer1()]) });
  await stackB.up();
  // By hand, outside every stack: a third image, and one more project on stack B's image.
  await real.owner.addMember(images.byHand, consumer2());
  await real.owner.addMember(images.b, consumer2());
  // The member's side: consumer1 accepts image a.
  await consumer1Glance.setMemberStatus(images.a, consumer1(), "accepted");

  const exportFile = path.join(stackB.workDir, "audit-b.json");
  fs.writeFileSync(exportFile, (await stackB.exportState()).text);
  const jsonFile = path.join(stackA.workDir, "audit.json");
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OS_") && !k.startsWith("PULUMI_")),
  );
  const env = {
    ...clean,
    ...osEnvironmentOf(real.cloud.identities.owner),
    OS_IMAGE_ENDPOINT_OVERRIDE: glance.url,
    // What `pulumi stack export --stack audit-a` needs: the CLI and stack A's backend.
    PATH: `${pulumiBinDir()}:${process.env.PATH}`,
    PULUMI_HOME: path.join(stackA.workDir, "home"),
    PULUMI_BACKEND_URL: `file://${stackA.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const before = glance.requests.length;
  const result = await runAudit(
    [
      ...["--stack", "audit-a", "--cwd", programDir],
      ...["--stack-export", exportFile],
      ...["--pending-days", "0", "--json", jsonFile],
    ],
    env,
  );
  expect(result.stderr).toContain("audit: ");
  expect(result.code).toBe(4);

  const summary = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as {
    images: number;
    stacks: { name: string; origin: string }[];
    grants: {
      image: string;
      project: string;
      status: string;
      state: string;
      declaredBy: string[];
      pendingForDays?: number;
    }[];
  };
  expect(summary.stacks).toEqual([
    // Export files first, then the stacks exported by --stack.
    { name: "image-members-review/audit-b", origin: "audit-b.json" },
    { name: "image-members-review/audit-a", origin: "stack audit-a" },
  ]);
  // The cloud is shared with other tests: only this test's images are looked at.
  const ours = summary.grants
    .filter((grant) => Object.values(images).includes(grant.image))
    .map((grant) => ({
      image: Object.entries(images).find(([, id]) => id === grant.image)![0],
      project:
        grant.project === consumer1()
          ? "consumer1"
          : grant.project === consumer2()
            ? "consumer2"
            : grant.project,
      status: grant.status,
      state: grant.state,
      declaredBy: grant.declaredBy,
      neverAccepted: grant.pendingForDays !== undefined,
    }));
  // Undeclared first, then declared.
  expect(ours.map((grant) => grant.state)).toEqual([
    "unmanaged",
    "unmanaged",
    "managed",
    "managed",
    "managed",
  ]);
  const byImageAndProject = (a: { image: string; project: string }, b: typeof a) =>
    `${a.image} ${a.project}`.localeCompare(`${b.image} ${b.project}`);
  expect([...ours].sort(byImageAndProject)).toEqual([
    {
      image: "a",
      project: "consumer1",
      status: "accepted",
      state: "managed",
      declaredBy: ["image-members-review/audit-a: ImageMembers golden"],
      neverAccepted: false,
    },
    {
      image: "a",
      project: "consumer2",
      status: "pending",
      state: "managed",
      declaredBy: ["image-members-review/audit-a: ImageMember single"],
      neverAccepted: true,
    },
    {
      image: "b",
      project: "consumer1",
      status: "pending",
      state: "managed",
      declaredBy: ["image-members-review/audit-b: ImageMembers golden"],
      neverAccepted: true,
    },
    {
      image: "b",
      project: "consumer2",
      status: "pending",
      state: "unmanaged",
      declaredBy: [],
      neverAccepted: true,
    },
    {
      image: "byHand",
      project: "consumer2",
      status: "pending",
      state: "unmanaged",
      declaredBy: [],
      neverAccepted: true,
    },
  ]);

  // The report: the hand-made grants in its first section. (The declared ones come last and
  // may be cut from the Markdown when the shared cloud holds many grants: the JSON above has
  // them all.)
  const undeclaredAt = result.stdout.indexOf("### Not declared by any stack");
  expect(undeclaredAt).toBeGreaterThan(0);
  expect(result.stdout.indexOf("### ")).toBe(undeclaredAt);
  const undeclared = result.stdout.slice(
    undeclaredAt,
    result.stdout.indexOf("\n### ", undeclaredAt + 1),
  );
  expect(undeclared).toContain(`\`${images.byHand}\` | \`${consumer2()}\` | pending |`);
  expect(undeclared).toContain(`\`${images.b}\` | \`${consumer2()}\` | pending |`);
  expect(undeclared).not.toContain(`\`${images.a}\``);
  expect(undeclared).not.toContain(`\`${images.b}\` | \`${consumer1()}\``);
  expect(result.stderr).toContain(`  image ${images.byHand} → project ${consumer2()} (pending)`);

  // Glance's own pages of 2 (no limit asked), every one followed.
  const lists = glance.requests.slice(before).filter((r) => r.path === "/v2/images");
  for (const list of lists) {
    const query = new URLSearchParams(list.query);
    expect(query.get("limit")).toBeNull();
  }
  expect(lists.slice(1).every((list) => new URLSearchParams(list.query).has("marker"))).toBe(true);
  expect(lists.length).toBeGreaterThanOrEqual(Math.max(2, Math.ceil(summary.images / pageSize)));
  expect(summary.images).toBeGreaterThanOrEqual(3);
  expect(glance.requests.slice(before).every((r) => r.method === "GET")).toBe(true);
});

test("the GitOps example's audit job: a project granted by hand on the stack's exclusive image is named, exit 4", async () => {
  // The audit job holds what the workflows give it: the read-only cloud credential and the
  // read-only state role.
  const repo = new PipelineRepo(stateBackend(), real.cloud.identities.owner, {
    readOnly: (await readOnlyCredential()).env,
  });
  try {
    repo.install();
    const imageId = await real.owner.createImage("shared", `pim-audit-gitops-${process.pid}`);
    fs.writeFileSync(
      path.join(repo.dir, "allowed-projects.txt"),
      `${consumer1()}\n${consumer2()}\n`,
    );
    await repo.must("pulumi", ["stack", "init", repo.stack]);
    await repo.config("images.golden.imageId", imageId);
    await repo.config("images.golden.projects.alpha", consumer1());
    await repo.pulumi(["up", "--yes", "--skip-preview", "--stack", repo.stack]);
    await real.owner.addMember(imageId, consumer2()); // by hand, outside the repository

    const job = await repo.job("audit", "audit");
    expect(job.output).toContain("ci: audit: grants no stack declares (see audit.md)");
    expect(job.code).toBe(4);
    const report = repo.read("audit", "audit.md");
    const stack = `image-sharing/${repo.stack}`;
    const undeclared = report.slice(
      report.indexOf("### Not declared by any stack"),
      report.indexOf("\n### ", report.indexOf("### Not declared by any stack") + 1),
    );
    expect(undeclared).toMatch(
      new RegExp(
        `\`${imageId}\` \\| \`${consumer2()}\` \\| pending \\| \\d{4}-\\d{2}-\\d{2} \\| ` +
          `the next \`pulumi up\` of \`${stack}\`: ImageMembers \`golden\` \\(exclusive\\) removes it \\|`,
      ),
    );
    // Every grant is in the JSON (the Markdown may be cut on a busy shared cloud).
    const summary = JSON.parse(repo.read("audit", "audit.json"));
    expect(summary.stacks).toEqual([{ name: stack, origin: `stack ${repo.stack}` }]);
    expect(summary.pending.days).toBe(14); // PENDING_DAYS' default
    const ours = (summary.grants as Record<string, unknown>[])
      .filter((grant) => grant.image === imageId)
      .map(({ project, state, declaredBy }) => ({ project, state, declaredBy }));
    expect(ours).toEqual([
      { project: consumer2(), state: "unmanaged", declaredBy: [] },
      { project: consumer1(), state: "managed", declaredBy: [`${stack}: ImageMembers golden`] },
    ]);
  } finally {
    await repo.run("pulumi", ["destroy", "--yes", "--skip-preview", "--stack", repo.stack]);
    await repo.run("pulumi", ["stack", "rm", "--yes", "--force", repo.stack]);
    repo.cleanUp();
  }
});
