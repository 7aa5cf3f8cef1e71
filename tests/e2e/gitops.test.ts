/**
 * examples/gitops played as a platform team uses it, under the real engine against the real
 * local Keystone + Glance, with Pulumi's PostgreSQL state backend: main deployed, a pull
 * request that removes one project and adds another (preview, review report, gate, saved
 * plan), the report checked against what Glance holds after the merge, main applying exactly
 * the reviewed plan and refusing one that no longer matches, drift caught by the scheduled
 * job, a disallowed project refused by the provider reading the gate's own allowed-projects.txt
 * (in the pipeline and on a laptop), two runs on one stack at once, a pull request that only
 * edits a README (no access change: the job passes), `projects: null` refused, and a project
 * granted by hand on an `exclusive` image: caught by the drift job, then removed. The
 * pull-request and drift jobs hold the owner's read-only application credential, as the
 * example's workflows give them: a pull request whose program shares the image itself, behind
 * the preview's back, is refused by Glance. They also hold the state database's read-only role:
 * their previews and drift checks read the state, and an up, refresh, stack rm or stack import
 * with it is refused by PostgreSQL, state and Glance unchanged.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { gitopsSample, sampleBlock, shownBlock, writeSample } from "../support/docSamples";
import { PipelineRepo, stateBackend } from "../support/pipelineRepo";
import { underTheEngine } from "../support/engineSuite";
import { GlanceDriver, readOnlyCredential } from "../support/realCloud";

describe("GitOps: pull request, review, merge, apply the reviewed plan, drift", () => {
  const real = underTheEngine({ timeout: 900_000 });
  let repo: PipelineRepo;
  let imageId: string;
  const ids = () => ({
    alpha: real.cloud.identities.consumer1.projectId,
    beta: real.cloud.identities.consumer2.projectId,
    // Projects no Keystone holds, shaped as project ids are (anything else draws a warning).
    gamma: "9a3c0d1e5b7f4a2c8e6d0b1f3a5c7e9d",
    delta: "d17a0c5e3b9f4d2a8c6e1b0f7a5d3c9e",
    epsilon: "e2b8c4a6f0d14e3b9a7c5e1d3f8b6a04",
  });

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    repo = new PipelineRepo(stateBackend(), real.cloud.identities.owner, {
      readOnly: (await readOnlyCredential()).env,
    });
    repo.install();
    const { alpha, beta, gamma, delta, epsilon } = ids();
    fs.writeFileSync(
      path.join(repo.dir, "allowed-projects.txt"),
      `# the projects this team may share with\n${[alpha, beta, gamma, delta, epsilon].join("\n")}\n`,
    );
    await repo.git("init", "-q", "-b", "main");
    await repo.must("pulumi", ["stack", "init", repo.stack]);
    await repo.config("images.golden.imageId", imageId);
    await repo.config("images.golden.projects.alpha", alpha);
    await repo.config("images.golden.projects.beta", beta);
    await repo.commit("share golden with alpha and beta");
  });

  real.afterBlock(async () => {
    if (repo) {
      await repo.run("pulumi", ["destroy", "--yes", "--skip-preview", "--stack", repo.stack]);
      await repo.run("pulumi", ["stack", "rm", "--yes", "--force", repo.stack]);
      repo.cleanUp();
    }
  });

  test("1. main is deployed through the same jobs: reviewed, then its plan applied", async () => {
    const review = await repo.job("pull-request", "bootstrap");
    expect(review.code).toBe(0);
    const apply = await repo.job("main", "bootstrap", [repo.out("bootstrap", "plan.json")]);
    expect(apply.code).toBe(0);
    const { alpha, beta } = ids();
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, beta].sort());
    // beta's team launches from it: losing it must stand out in the next review.
    await new GlanceDriver(real.cloud, real.cloud.identities.consumer2).setMemberStatus(
      imageId,
      beta,
      "accepted",
    );
    await repo.must("pulumi", ["refresh", "--yes", "--skip-preview", "--stack", repo.stack]);
  });

  let report = "";
  test("2. a pull request removing beta and adding gamma: the report says exactly that", async () => {
    const { alpha, beta, gamma } = ids();
    await repo.git("checkout", "-q", "-b", "swap-beta-for-gamma");
    await repo.configRemove("images.golden.projects.beta");
    await repo.config("images.golden.projects.gamma", gamma);
    await repo.commit("golden: beta no longer, gamma instead");

    const job = await repo.job("pull-request", "pr-1");
    expect(job.code).toBe(0);
    report = repo.read("pr-1", "review.md");
    console.log(`review report of the pull request:\n${report}`);
    expect(report).toContain(imageId);
    expect(report).toContain(gamma);
    expect(report).toContain(beta);
    expect(report).toMatch(/accepted/);
    expect(report).not.toContain(alpha);
    expect(report).not.toContain("gitops-e2e-passphrase");
    expect(report).not.toContain(real.cloud.identities.owner.password);
    expect(report).toContain(
      "**Allowed projects: passed.** Every project granted access is on the list (`allowed-projects.txt`).",
    );
    // The summary the workflow labels the pull request from (image-access:grant and :revoke).
    expect(JSON.parse(repo.read("pr-1", "summary.json"))).toMatchObject({
      gains: 1,
      losses: 1,
      swaps: 0,
      allowedProjects: { list: "allowed-projects.txt", passed: true, offenders: [] },
    });
    showInReadme(report, {
      [imageId]: "golden image id",
      [alpha]: "alpha id",
      [beta]: "beta id",
      [gamma]: "gamma id",
    });
  });

  test("3. merged: main applies the reviewed plan, and Glance holds what the report said", async () => {
    const { alpha, gamma } = ids();
    await repo.mergeIntoMain("swap-beta-for-gamma");
    const apply = await repo.job("main", "pr-1", [repo.out("pr-1", "plan.json")]);
    expect(apply.code).toBe(0);
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, gamma].sort());
  });

  test("4. a change after the review: up --plan refuses and nothing is applied", async () => {
    const { alpha, gamma, delta, epsilon } = ids();
    await repo.git("checkout", "-q", "-b", "add-delta");
    await repo.config("images.golden.projects.delta", delta);
    await repo.commit("golden: delta");
    expect((await repo.job("pull-request", "pr-2")).code).toBe(0);
    // Pushed after the review, so never reviewed.
    await repo.config("images.golden.projects.epsilon", epsilon);
    await repo.commit("golden: epsilon too");
    await repo.mergeIntoMain("add-delta");

    const apply = await repo.job("main", "pr-2", [repo.out("pr-2", "plan.json")]);
    expect(apply.code).not.toBe(0);
    console.log(`up --plan with an unreviewed change:\n${apply.output.slice(-1500)}`);
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, gamma].sort());

    // Reviewed again as it now is, then applied.
    expect((await repo.job("pull-request", "pr-2-again")).code).toBe(0);
    expect(repo.read("pr-2-again", "review.md")).toContain(epsilon);
    expect((await repo.job("main", "pr-2-again", [repo.out("pr-2-again", "plan.json")])).code).toBe(
      0,
    );
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, gamma, delta, epsilon].sort());
  });

  test("5. drift: a member deleted and a status changed outside Pulumi fail the scheduled job", async () => {
    const { alpha, delta } = ids();
    expect((await repo.job("drift", "clean")).code).toBe(0);

    await real.owner.deleteMember(imageId, delta);
    await new GlanceDriver(real.cloud, real.cloud.identities.consumer1).setMemberStatus(
      imageId,
      alpha,
      "rejected",
    );
    const drift = await repo.job("drift", "drifted");
    expect(drift.code).not.toBe(0);
    const text = repo.read("drifted", "drift.md");
    console.log(`drift report:\n${text}`);
    expect(text).toContain(delta);
    expect(text).toMatch(/deleted outside Pulumi/);
    expect(text).toContain(alpha);
    expect(text).toMatch(/rejected outside Pulumi/);
  });

  test("6. a project not on the allow-list: the provider, reading the gate's own file, refuses the preview, and a laptop's up; named in the report, nothing changed", async () => {
    const before = await real.owner.memberIds(imageId);
    await repo.git("checkout", "-q", "-b", "share-with-stranger");
    await repo.config("images.golden.projects.stranger", "not-an-allowed-project");
    await repo.commit("golden: a stranger");
    const refusal =
      "project not-an-allowed-project is not on the allowed list, " +
      `imagemembers:allowedProjectsFile (${fs.realpathSync(repo.dir)}/allowed-projects.txt)`;
    const job = await repo.job("pull-request", "pr-3");
    expect(job.code).not.toBe(0);
    expect(job.output).toContain(refusal);
    const text = repo.read("pr-3", "review.md");
    console.log(`review report of a refused pull request:\n${text}`);
    expect(text).toContain("**The preview failed: nothing from this change can be applied.**");
    expect(text).toContain(refusal);
    // Whoever runs the program with the owner's credentials, the same file says no.
    const laptop = await repo.run("pulumi", ["up", "--yes", "--stack", repo.stack]);
    expect(laptop.code).not.toBe(0);
    expect(laptop.output).toContain(refusal);
    expect(await real.owner.memberIds(imageId)).toEqual(before);
    await repo.git("checkout", "-q", "main");
  });

  test("6b. the pull-request job refuses to run when the provider would read another list than its gate", async () => {
    await repo.git("checkout", "-q", "-b", "another-list");
    const manifest = path.join(repo.dir, "Pulumi.yaml");
    fs.writeFileSync(
      manifest,
      fs.readFileSync(manifest, "utf8").replace(/allowed-projects\.txt\s*$/, "everyone.txt\n"),
    );
    await repo.commit("the provider reads everyone.txt");
    const job = await repo.job("pull-request", "pr-other-list");
    expect(job.code).not.toBe(0);
    expect(job.output).toContain(
      "imagemembers:allowedProjectsFile is 'everyone.txt' (relative to '.'), not this repository's allowed-projects.txt",
    );
    await repo.git("checkout", "-q", "main");
  });

  test("7. two runs on one stack at once: one applies, the other stops; nothing lost or doubled", async () => {
    const { alpha, gamma, delta, epsilon } = ids();
    // After the drift: state learns that delta is gone, and the reviewed plan puts it back.
    await repo.must("pulumi", ["refresh", "--yes", "--skip-preview", "--stack", repo.stack]);
    expect((await repo.job("pull-request", "concurrent")).code).toBe(0);
    const plan = repo.out("concurrent", "plan.json");
    const [first, second] = await Promise.all([
      repo.job("main", "concurrent", [plan]),
      repo.job("main", "concurrent", [plan]),
    ]);
    console.log(
      `concurrent runs: exit ${first.code} and ${second.code}\n${[first, second]
        .filter((r) => r.code !== 0)
        .map((r) => r.output.slice(-1200))
        .join("\n")}`,
    );
    // Pulumi's lock: the later run fails with its lock message, or (when it starts after the
    // first one finished) its plan no longer matches the state. Should both take the lock
    // within the same instant, both back off (the backend checks for other locks after writing
    // its own): then neither applied, and the job run again applies.
    const succeeded = [first, second].filter((r) => r.code === 0);
    expect(succeeded.length).toBeLessThanOrEqual(1);
    for (const stopped of [first, second].filter((r) => r.code !== 0)) {
      expect(stopped.output).toMatch(/the stack is currently locked|violates plan/);
    }
    if (succeeded.length === 0) {
      expect((await repo.job("main", "concurrent", [plan])).code).toBe(0);
    }
    const inGlance = await real.owner.memberIds(imageId);
    expect(inGlance).toEqual([alpha, gamma, delta, epsilon].sort());
    const state = JSON.parse(await repo.must("pulumi", ["stack", "export", "--stack", repo.stack]));
    const members = state.deployment.resources.find((r: { type: string }) =>
      r.type.endsWith(":ImageMembers"),
    ).outputs.members as { memberId: string }[];
    expect(members.map((m) => m.memberId).sort()).toEqual(inGlance);
  });

  test("8. a pull request that only edits a README: the job passes, No access changes", async () => {
    await repo.git("checkout", "-q", "-b", "readme-only");
    fs.writeFileSync(
      path.join(repo.dir, "README.md"),
      "# Image sharing\n\nReviewed in pull requests.\n",
    );
    await repo.commit("README");
    const job = await repo.job("pull-request", "readme-only");
    expect(job.code).toBe(0);
    const report = repo.read("readme-only", "review.md");
    expect(report).toContain("**No access changes.**");
    expect(report).toContain("**Allowed projects: passed.**");

    // The engine's own preview without --show-sames lists the stack's step only (the shape of
    // issue 20): reviewed the same way, not refused as another program's.
    const previewFile = repo.out("readme-only", "preview-without-sames.json");
    const plain = await repo.run("bash", [
      "-c",
      `pulumi preview --json --stack "${repo.stack}" >"${previewFile}"`,
    ]);
    expect(plain.code).toBe(0);
    const steps = (
      JSON.parse(fs.readFileSync(previewFile, "utf8")) as { steps: { op: string; urn: string }[] }
    ).steps;
    console.log(`README-only preview without --show-sames: ${JSON.stringify(steps)}`);
    expect(steps.every((step) => step.op === "same")).toBe(true);
    expect(steps.some((step) => step.urn.includes("ImageMembers"))).toBe(false);
    const reviewed = await repo.run("npx", [
      "--no-install",
      "pulumi-image-members",
      "review",
      previewFile,
    ]);
    expect(reviewed.code).toBe(0);
    expect(reviewed.output).toContain("**No access changes.**");
    await repo.git("checkout", "-q", "main");
  });

  test("9. a program giving projects: null is refused by check, before any request", async () => {
    const { alpha, gamma, delta, epsilon } = ids();
    await repo.git("checkout", "-q", "-b", "projects-null");
    const configFile = repo.programFile(`Pulumi.${repo.stack}.yaml`);
    const stackConfig = yaml.load(fs.readFileSync(configFile, "utf8")) as {
      config: Record<string, Record<string, { imageId: string; projects: unknown }>>;
    };
    const images = stackConfig.config["image-sharing:images"];
    images.golden.projects = null;
    fs.writeFileSync(configFile, yaml.dump(stackConfig));
    await repo.commit("golden: projects null");

    const job = await repo.job("pull-request", "projects-null");
    expect(job.code).not.toBe(0);
    // The preview's diagnostics are in its JSON output, which the job writes to preview.json.
    expect(`${job.output}\n${repo.read("projects-null", "preview.json")}`).toMatch(
      /projects is null: give projects \(a map from a label to a project id/,
    );
    expect(fs.existsSync(repo.out("projects-null", "plan.json"))).toBe(false);
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, gamma, delta, epsilon].sort());
    await repo.git("checkout", "-q", "main");
  });

  test("10. exclusive: a project granted by hand fails the drift job, named; refreshed, reviewed and applied, it is removed; other images untouched", async () => {
    const { alpha, gamma, delta, epsilon } = ids();
    const byHand = "gitops-granted-by-hand";
    const otherImage = await real.owner.createImage();
    await real.owner.addMember(imageId, byHand);
    await real.owner.addMember(otherImage, byHand);

    const drift = await repo.job("drift", "granted-by-hand");
    expect(drift.code).not.toBe(0);
    const text = repo.read("granted-by-hand", "drift.md");
    console.log(`drift report of a member granted by hand:\n${text}`);
    expect(text).toContain(
      `- \`${byHand}\`: **granted outside Pulumi** (status pending; the resource is exclusive: an update after a refresh removes it) — ImageMembers \`golden\``,
    );

    // The remedy: state learns of it, and the next reviewed run removes it.
    await repo.must("pulumi", ["refresh", "--yes", "--skip-preview", "--stack", repo.stack]);
    expect((await repo.job("pull-request", "remove-by-hand")).code).toBe(0);
    const review = repo.read("remove-by-hand", "review.md");
    expect(review).toContain(
      `- \`${byHand}\` — pending: had not accepted it yet — ImageMembers \`golden\``,
    );
    expect(
      (await repo.job("main", "remove-by-hand", [repo.out("remove-by-hand", "plan.json")])).code,
    ).toBe(0);
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, gamma, delta, epsilon].sort());
    expect(await real.owner.memberIds(otherImage)).toEqual([byHand]);
    expect((await repo.job("drift", "after-removal")).code).toBe(0);
  });

  test("11. a pull request whose program shares the image itself during the preview: the job's read-only credential is refused by Glance, nothing changed", async () => {
    const before = await real.owner.memberIds(imageId);
    await repo.git("checkout", "-q", "-b", "behind-the-review");
    const attempt = repo.out("behind-the-review", "attempt.txt");
    // The pull request's own code runs whenever the program runs, the preview included: it
    // takes the job's credentials from the environment and posts a member to Glance itself.
    fs.appendFileSync(
      repo.programFile("index.ts"),
      shareBehindTheReview(imageId, "gitops-behind-the-review", attempt),
    );
    await repo.commit("golden: nothing to see here");

    const job = await repo.job("pull-request", "behind-the-review");
    const outcome = fs.existsSync(attempt) ? fs.readFileSync(attempt, "utf8") : "(no attempt made)";
    console.log(
      `pull request sharing behind the review: job exit ${job.code}, its program's attempt: ${outcome}`,
    );
    // The program did authenticate with what the job holds, and its write was refused.
    expect(outcome).toMatch(/^application_credential: token 201, POST members 40[13]$/);
    expect(await real.owner.memberIds(imageId)).toEqual(before);
    await repo.git("checkout", "-q", "main");
  });

  test("12. the pull-request job's state role reads only: its preview works; up, refresh, stack rm and a state import are refused by PostgreSQL; state and Glance unchanged", async () => {
    const { epsilon } = ids();
    const members = await real.owner.memberIds(imageId);
    expect(members).toContain(epsilon);
    await repo.git("checkout", "-q", "-b", "read-only-state");
    await repo.configRemove("images.golden.projects.epsilon");
    await repo.commit("golden: epsilon no longer");
    const stateNow = async () => ({
      export: await repo.must("pulumi", ["stack", "export", "--stack", repo.stack]),
      history: JSON.parse(
        await repo.must("pulumi", ["stack", "history", "--json", "--stack", repo.stack]),
      ).length as number,
    });
    const before = await stateNow();

    // The job itself: a preview, and its saved plan, with nothing but SELECTs.
    const job = await repo.job("pull-request", "read-only-state");
    expect(job.code).toBe(0);
    expect(repo.read("read-only-state", "review.md")).toContain(epsilon);

    const pullRequest = repo.jobCredentials("pull-request");
    const exportFile = repo.out("read-only-state", "export.json");
    const exported = await repo.run(
      "pulumi",
      ["stack", "export", "--stack", repo.stack, "--file", exportFile],
      {},
      pullRequest,
    );
    expect(exported.code).toBe(0);
    // The state role alone stops them, whatever cloud credential the job holds: the owner's
    // too (the lock they take first is an INSERT).
    const ownerCloud = {
      ...repo.jobCredentials("main"),
      PULUMI_BACKEND_URL: pullRequest.PULUMI_BACKEND_URL!,
    };
    const attempts: [string, string[], Record<string, string>][] = [
      ["up", ["up", "--yes", "--skip-preview", "--stack", repo.stack], pullRequest],
      [
        "up, owner's cloud credential",
        ["up", "--yes", "--skip-preview", "--stack", repo.stack],
        ownerCloud,
      ],
      ["refresh", ["refresh", "--yes", "--skip-preview", "--stack", repo.stack], pullRequest],
      ["stack rm", ["stack", "rm", "--yes", "--force", repo.stack], pullRequest],
      [
        "stack import",
        ["stack", "import", "--stack", repo.stack, "--file", exportFile],
        pullRequest,
      ],
    ];
    for (const [what, args, credentials] of attempts) {
      const attempt = await repo.run("pulumi", args, {}, credentials);
      console.log(
        `${what} with the pull-request job's state role: exit ${attempt.code}\n${attempt.output.trim().slice(-600)}`,
      );
      expect([what, attempt.code]).not.toEqual([what, 0]);
      expect([what, attempt.output]).toEqual([
        what,
        expect.stringMatching(/permission denied for table pulumi_state/),
      ]);
    }
    expect(await stateNow()).toEqual(before);
    expect(await real.owner.memberIds(imageId)).toEqual(members);
    await repo.git("checkout", "-q", "main");
  });
});

/**
 * The README shows the report this test produced, its ids replaced by names: the test fails
 * when the README's copy differs, and PIM_UPDATE_DOCS=true writes it instead.
 */
function showInReadme(report: string, names: Record<string, string>): void {
  let sample = report.trim();
  for (const [id, name] of Object.entries(names)) sample = sample.split(id).join(`<${name}>`);
  if (process.env.PIM_UPDATE_DOCS === "true") {
    writeSample(gitopsSample, sample);
    return;
  }
  if (shownBlock(gitopsSample) !== sampleBlock(gitopsSample, sample)) {
    throw new Error(
      `README.md's sample review report differs from the one this run produced:\n${sample}\n` +
        "Run this test with PIM_UPDATE_DOCS=true to write it.",
    );
  }
}

/**
 * TypeScript a pull request appends to the program: with the credentials in the job's
 * environment, it gets a token and posts `member` to the image's members, outside any resource,
 * and writes "<auth method>: token <status>, POST members <status>" to `outcome`.
 */
function shareBehindTheReview(imageId: string, member: string, outcome: string): string {
  return `
import * as fs from "fs";
const sneaked = (async (): Promise<string> => {
  const env = process.env;
  const method = env.OS_APPLICATION_CREDENTIAL_ID ? "application_credential" : "password";
  const identity =
    method === "application_credential"
      ? { methods: [method], application_credential: { id: env.OS_APPLICATION_CREDENTIAL_ID, secret: env.OS_APPLICATION_CREDENTIAL_SECRET } }
      : { methods: [method], password: { user: { name: env.OS_USERNAME, domain: { name: env.OS_USER_DOMAIN_NAME }, password: env.OS_PASSWORD } } };
  const scope =
    method === "password" ? { project: { name: env.OS_PROJECT_NAME, domain: { name: env.OS_PROJECT_DOMAIN_NAME } } } : undefined;
  const tokens = await fetch(\`\${env.OS_AUTH_URL}/auth/tokens\`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth: { identity, scope } }),
  });
  const body = (await tokens.json()) as { token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
  const glance = body.token.catalog.find((s) => s.type === "image")!.endpoints.find((e) => e.interface === "public")!.url;
  const added = await fetch(\`\${glance}/v2/images/${imageId}/members\`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Auth-Token": tokens.headers.get("x-subject-token")! },
    body: JSON.stringify({ member: ${JSON.stringify(member)} }),
  });
  const line = \`\${method}: token \${tokens.status}, POST members \${added.status}\`;
  fs.writeFileSync(${JSON.stringify(outcome)}, line);
  return line;
})();
export const review = sneaked.then(() => "fine");
`;
}
