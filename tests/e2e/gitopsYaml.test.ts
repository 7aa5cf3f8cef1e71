/**
 * The YAML variant of examples/gitops (yaml/Pulumi.yaml: `runtime: yaml`, the provider plugin
 * `imagemembers` found through `plugins.providers`) run by the repository's own job scripts
 * with PULUMI_PROGRAM_DIR=yaml, under the real engine against the real local Keystone +
 * Glance, state in Pulumi's PostgreSQL backend: main deployed through the jobs; a pull request
 * that removes one project (which had accepted the image) and adds another, whose review report
 * names exactly those two and reads word for word as the TypeScript program's (the README's
 * sample, ids and resource name aside); the merge applying the saved plan, Glance then holding
 * what the report said; the drift job finding nothing.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { gitopsSample, readSample } from "../support/docSamples";
import { JobResult, PipelineRepo, stateBackend } from "../support/pipelineRepo";
import { underTheEngine } from "../support/engineSuite";
import { GlanceDriver, readOnlyCredential } from "../support/realCloud";

/** The example's one resource, the image the YAML program shares. */
const RESOURCE = "golden-ubuntu";

interface Program {
  resources: Record<string, { type: string; properties: Record<string, unknown> }>;
}

/**
 * The TypeScript program's report for the same pull request, as the README shows it (kept
 * there by tests/e2e/gitops.test.ts, its ids replaced by names).
 */
function typescriptReport(): string {
  return readSample(gitopsSample);
}

/** "exit 0", or the exit code with the job's output (so a failure shows it). */
function outcome(result: JobResult): string {
  return result.code === 0 ? "exit 0" : `exit ${result.code}\n${result.output.slice(-4000)}`;
}

/** The project ids the report lists under a section (`**Lose access** (1)` and its lines). */
function listedUnder(report: string, section: string): string[] {
  const lines = report.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`**${section}** (`));
  if (start < 0) return [];
  const ids: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("**") || line.startsWith("#")) break;
    const id = /^- `([^`]+)`/.exec(line)?.[1];
    if (id) ids.push(id);
  }
  return ids;
}

describe("GitOps, YAML variant: the same jobs, review report and saved plan", () => {
  const real = underTheEngine();
  let repo: PipelineRepo;
  let imageId: string;
  const ids = () => ({
    alpha: real.cloud.identities.consumer1.projectId,
    beta: real.cloud.identities.consumer2.projectId,
    gamma: "9a3c0d1e5b7f4a2c8e6d0b1f3a5c7e9d", // as in gitops.test.ts, whose report the README shows
    // Allowed, so that what refuses the unreviewed edit adding it is the plan, not the list.
    delta: "d17a0c5e3b9f4d2a8c6e1b0f7a5d3c9e",
  });

  /** Edits the program's projects map as a pull request does, keeping the rest of the file. */
  function setProjects(projects: Record<string, string>): void {
    const file = repo.programFile("Pulumi.yaml");
    const program = yaml.load(fs.readFileSync(file, "utf8")) as Program;
    const resource = program.resources[RESOURCE]!;
    resource.properties = { ...resource.properties, imageId, projects }; // exclusive stays
    fs.writeFileSync(file, yaml.dump(program, { lineWidth: 100 }));
  }

  beforeAll(async () => {
    imageId = await real.owner.createImage();
    // The pull-request and drift jobs hold a read-only credential, as the example's workflows do.
    repo = new PipelineRepo(stateBackend(), real.cloud.identities.owner, {
      programDir: "yaml",
      readOnly: (await readOnlyCredential()).env,
    });
    repo.install();
    const { alpha, beta, gamma, delta } = ids();
    fs.writeFileSync(
      `${repo.dir}/allowed-projects.txt`,
      `# the projects this team may share with\n${[alpha, beta, gamma, delta].join("\n")}\n`,
    );
    await repo.git("init", "-q", "-b", "main");
    await repo.pulumi(["stack", "init", repo.stack]);
    setProjects({ alpha, beta });
    await repo.commit("share golden-ubuntu with alpha and beta");
  });

  real.afterBlock(async () => {
    if (repo) {
      await repo.run("pulumi", [
        "--cwd",
        repo.programDir,
        "destroy",
        "--yes",
        "--skip-preview",
        "--stack",
        repo.stack,
      ]);
      await repo.run("pulumi", [
        "--cwd",
        repo.programDir,
        "stack",
        "rm",
        "--yes",
        "--force",
        repo.stack,
      ]);
      repo.cleanUp();
    }
  });

  test("1. main is deployed by the jobs from yaml/Pulumi.yaml, as plugin resources", async () => {
    const review = await repo.job("pull-request", "bootstrap");
    expect(outcome(review)).toBe("exit 0");
    const apply = await repo.job("main", "bootstrap", [repo.out("bootstrap", "plan.json")]);
    expect(outcome(apply)).toBe("exit 0");
    const { alpha, beta } = ids();
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, beta].sort());
    // The YAML program's resource is the plugin's, not the dynamic provider's.
    const state = JSON.parse(await repo.pulumi(["stack", "export", "--stack", repo.stack]));
    const types = (state.deployment.resources as { type: string }[]).map((r) => r.type);
    expect(types).toContain("imagemembers:index:ImageMembers");
    expect(types.filter((t) => t.startsWith("pulumi-nodejs:dynamic"))).toEqual([]);
    // beta's team launches from it: losing it must stand out in the next review.
    await new GlanceDriver(real.cloud, real.cloud.identities.consumer2).setMemberStatus(
      imageId,
      beta,
      "accepted",
    );
    await repo.pulumi(["refresh", "--yes", "--skip-preview", "--stack", repo.stack]);
  });

  test("2. a pull request removing beta and adding gamma: the report names exactly those two", async () => {
    const { alpha, beta, gamma } = ids();
    await repo.git("checkout", "-q", "-b", "swap-beta-for-gamma");
    setProjects({ alpha, gamma });
    await repo.commit("golden-ubuntu: beta no longer, gamma instead");

    const job = await repo.job("pull-request", "pr-1");
    expect(outcome(job)).toBe("exit 0");
    const report = repo.read("pr-1", "review.md");
    console.log(`review report of the YAML variant's pull request:\n${report}`);
    expect(report).toContain(`### Image \`${imageId}\``);
    expect(report).toMatch(/\*\*1 project gains access · 1 loses access · 0 swaps/);
    expect(listedUnder(report, "Lose access")).toEqual([beta]);
    expect(listedUnder(report, "Gain access")).toEqual([gamma]);
    // The removed project with the status it had, by its label, from the plugin's resource.
    expect(report).toContain(
      `- \`${beta}\` (\`beta\`) — **accepted: they can no longer launch from it** — ImageMembers \`${RESOURCE}\``,
    );
    expect(report).toContain(`- \`${gamma}\` (\`gamma\`) — ImageMembers \`${RESOURCE}\``);
    expect(report).toContain("**Allowed projects: passed.**");
    // Word for word the TypeScript program's report, but for the ids and the resource's name.
    const named = report
      .trim()
      .split(imageId)
      .join("<golden image id>")
      .split(beta)
      .join("<beta id>")
      .split(gamma)
      .join("<gamma id>")
      .split(`ImageMembers \`${RESOURCE}\``)
      .join("ImageMembers `golden`");
    expect(named).toBe(typescriptReport());
    expect(report).not.toContain(alpha);
    expect(report).not.toContain(real.cloud.identities.owner.password);
    expect(report).not.toContain("gitops-e2e-passphrase");
  });

  test("3. merged: main applies the saved plan (and only it), Glance holds what the report said, no drift", async () => {
    const { alpha, beta, gamma } = ids();
    await repo.mergeIntoMain("swap-beta-for-gamma");
    // The program edited after the review: the YAML host's plan is enforced, nothing applied.
    setProjects({ alpha, gamma, delta: ids().delta });
    const refused = await repo.job("main", "pr-1", [repo.out("pr-1", "plan.json")]);
    expect(refused.code).not.toBe(0);
    const errors = refused.output.split("\n").filter((l) => /error:|violates plan/.test(l));
    console.log(`up --plan after an unreviewed edit:\n${errors.join("\n")}`);
    expect(refused.output).toMatch(/violates plan/);
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, beta].sort());
    await repo.git(
      "checkout",
      "-q",
      "--",
      path.relative(repo.dir, repo.programFile("Pulumi.yaml")),
    );

    const apply = await repo.job("main", "pr-1", [repo.out("pr-1", "plan.json")]);
    expect(outcome(apply)).toBe("exit 0");
    expect(await real.owner.memberIds(imageId)).toEqual([alpha, gamma].sort());

    const drift = await repo.job("drift", "after-merge");
    expect(outcome(drift)).toBe("exit 0");
    expect(repo.read("after-merge", "drift.md")).toContain("**No access changes.**");
  });
});
