/**
 * A copy of examples/gitops as a platform team's repository: its own git history, the package
 * installed from a tarball packed from this checkout (as from the registry), Pulumi's
 * PostgreSQL state backend (stateBackend), and the job scripts run exactly as the workflows
 * run them, each with the credentials the workflows give it.
 */
import { execFile, execFileSync } from "child_process";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "./childProcess";
import { pulumiBinDir } from "./pulumiEngine";
import { cloudJsonPath, localCloudDirOf, osEnvironmentOf, type IdentityFile } from "./realCloud";

export interface JobResult {
  code: number;
  output: string;
}

/** `npm pack` of this checkout (built first), once per test process. */
let packed: string | undefined;
function packedPackage(): string {
  if (!packed) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-pack-"));
    execFileSync("npm", ["run", "--silent", "build"], { cwd: projectRoot, stdio: "inherit" });
    const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], {
      cwd: projectRoot,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop()!;
    packed = path.join(dir, name);
  }
  return packed;
}

/**
 * Pulumi's PostgreSQL state backend of the GitOps tests: `url`, the owner of the database (the
 * main job's, a laptop's), and `readOnlyUrl`, a role that may only SELECT the state (the
 * pull-request and drift jobs').
 */
export interface StateBackend {
  url: string;
  readOnlyUrl: string;
}

/**
 * The state backend on the cloud under test: PIM_STATE_BACKEND_URL and
 * PIM_STATE_BACKEND_READ_ONLY_URL when given; otherwise, for a cloud of scripts/local-cloud.sh
 * (the local one, or another started with its own LOCAL_CLOUD_DIR), a database of that cloud's
 * PostgreSQL (`state-backend e2e [--read-only]`). A cloud of your own without them fails the
 * test saying what to set; another cloud's PostgreSQL is never used.
 */
export function stateBackend(): StateBackend {
  const given = process.env.PIM_STATE_BACKEND_URL;
  const givenReadOnly = process.env.PIM_STATE_BACKEND_READ_ONLY_URL;
  const howTo =
    "PIM_STATE_BACKEND_URL (postgres://, the owner of a database for Pulumi's state) and " +
    "PIM_STATE_BACKEND_READ_ONLY_URL (a role of that database that may only SELECT its state table: " +
    'see docs/guardrails.md, "The state: a read-only role"; `bash scripts/local-cloud.sh state-backend ' +
    "NAME` and `state-backend NAME --read-only` print both for a local cloud's PostgreSQL)";
  if (given || givenReadOnly) {
    if (!given || !givenReadOnly) throw new Error(`Set both ${howTo}.`);
    return { url: given, readOnlyUrl: givenReadOnly };
  }
  const cloudJson = cloudJsonPath();
  const dir = localCloudDirOf(cloudJson);
  if (!dir) {
    throw new Error(
      `The GitOps tests keep Pulumi's state in PostgreSQL, and the cloud under test (${cloudJson}) is not one of ` +
        `scripts/local-cloud.sh: set ${howTo}.`,
    );
  }
  const url = (...readOnly: string[]) =>
    execFileSync(
      "bash",
      [path.join(projectRoot, "scripts/local-cloud.sh"), "state-backend", "e2e", ...readOnly],
      { encoding: "utf8", env: { ...process.env, LOCAL_CLOUD_DIR: dir } },
    ).trim();
  return { url: url(), readOnlyUrl: url("--read-only") };
}

export interface PipelineRepoOptions {
  /**
   * The program's folder in the repository, as the jobs take it (PULUMI_PROGRAM_DIR): the root
   * (the TypeScript program, the default) or "yaml" (the YAML variant).
   */
  programDir?: string;
  /**
   * The read-only credential's `OS_*` variables (realCloud's readOnlyCredential): given, the
   * pull-request and drift jobs run with it, as the example's workflows run them, and only the
   * main job (and the test's own pulumi commands, a laptop's) with the owner's write credential.
   * Those jobs hold the read-only state role whether or not this is given.
   */
  readOnly?: Record<string, string>;
}

/** The jobs of the example that only read, and so hold the read-only credentials. */
const readOnlyJobs = new Set(["pull-request", "drift", "audit"]);

export class PipelineRepo {
  readonly dir: string;
  readonly stack = `gitops-${randomUUID().slice(0, 8)}`;
  readonly programDir: string;
  private readonly home: string;
  private readonly readOnly?: Record<string, string>;

  constructor(
    private readonly backend: StateBackend,
    private readonly owner: IdentityFile,
    options: PipelineRepoOptions = {},
  ) {
    this.programDir = options.programDir ?? ".";
    this.readOnly = options.readOnly;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pim-gitops-"));
    this.dir = path.join(root, "repo");
    this.home = path.join(root, "pulumi-home");
    fs.mkdirSync(this.home);
    fs.cpSync(path.join(projectRoot, "examples/gitops"), this.dir, {
      recursive: true,
      filter: (src) =>
        !/\/(node_modules|out)$/.test(src) && !src.endsWith("Pulumi.production.yaml"),
    });
  }

  /** Installs the packed package and the SDK version this checkout tests with. */
  install(): void {
    const pkg = JSON.parse(fs.readFileSync(path.join(this.dir, "package.json"), "utf8"));
    const sdk = JSON.parse(
      fs.readFileSync(path.join(projectRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ).version;
    pkg.dependencies["pulumi-image-members"] = `file:${packedPackage()}`;
    pkg.dependencies["@pulumi/pulumi"] = sdk;
    fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify(pkg, null, 2));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: this.dir,
      stdio: "inherit",
    });
  }

  /** The owner's password credential: the write credential of the main job and of a laptop. */
  private writeCredential(): Record<string, string> {
    return osEnvironmentOf(this.owner);
  }

  /** The environment of a command: no `OS_*` but the one credential it is given. */
  env(
    extra: Record<string, string> = {},
    credential: Record<string, string> = this.writeCredential(),
  ): NodeJS.ProcessEnv {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("OS_") && !k.startsWith("PULUMI_")),
    );
    return {
      ...clean,
      PATH: `${pulumiBinDir()}:${process.env.PATH}`,
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: this.backend.url,
      PULUMI_CONFIG_PASSPHRASE: "gitops-e2e-passphrase",
      PULUMI_STACK: this.stack,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
      ...credential,
      ...(this.programDir === "." ? {} : { PULUMI_PROGRAM_DIR: this.programDir }),
      ...extra,
    };
  }

  /** Runs a command in the repository; resolves with its exit code and output, never rejects. */
  run(
    command: string,
    args: string[],
    extraEnv: Record<string, string> = {},
    credential?: Record<string, string>,
  ): Promise<JobResult> {
    return new Promise((resolve) => {
      execFile(
        command,
        args,
        {
          cwd: this.dir,
          env: this.env(extraEnv, credential),
          maxBuffer: 256 * 1024 * 1024,
          timeout: 600_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ code, output: `${stdout}\n${stderr}` });
        },
      );
    });
  }

  /** Runs a command that must succeed. */
  async must(command: string, args: string[]): Promise<string> {
    const result = await this.run(command, args);
    if (result.code !== 0) {
      throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${result.output}`);
    }
    return result.output;
  }

  /**
   * A job script of the example (ci/NAME.sh), its results in OUT_DIR=out/LABEL, with the
   * credential the workflows give that job.
   */
  job(name: string, label: string, args: string[] = []): Promise<JobResult> {
    return this.run(
      "bash",
      [`ci/${name}.sh`, ...args],
      { OUT_DIR: this.out(label) },
      this.jobCredentials(name),
    );
  }

  /**
   * What the workflows give job `name` beside the shared variables: for the pull-request,
   * drift and audit jobs the read-only state role and (when given) the read-only cloud credential; for
   * the main job the owner's write credential and the state database's owner.
   */
  jobCredentials(name: string): Record<string, string> {
    if (!readOnlyJobs.has(name)) return this.writeCredential();
    return {
      ...(this.readOnly ?? this.writeCredential()),
      PULUMI_BACKEND_URL: this.backend.readOnlyUrl,
    };
  }

  /** A pulumi command in the program's folder that must succeed. */
  pulumi(args: string[]): Promise<string> {
    return this.must("pulumi", ["--cwd", this.programDir, ...args]);
  }

  /** A file of the program's folder. */
  programFile(name: string): string {
    return path.join(this.dir, this.programDir, name);
  }

  out(label: string, file?: string): string {
    const dir = path.join(this.dir, "out", label);
    return file ? path.join(dir, file) : dir;
  }

  read(label: string, file: string): string {
    return fs.readFileSync(this.out(label, file), "utf8");
  }

  git(...args: string[]): Promise<string> {
    return this.must("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.invalid", ...args]);
  }

  /** Sets one value of the stack config (the file a pull request changes). */
  config(pathExpr: string, value: string): Promise<string> {
    return this.pulumi(["config", "set", "--stack", this.stack, "--path", pathExpr, value]);
  }

  configRemove(pathExpr: string): Promise<string> {
    return this.pulumi(["config", "rm", "--stack", this.stack, "--path", pathExpr]);
  }

  async commit(message: string): Promise<void> {
    await this.git("add", "-A", ".");
    await this.git("commit", "-q", "-m", message);
  }

  /** Merges the pull request's `branch` into main, as the merge button does (a merge commit). */
  async mergeIntoMain(branch: string): Promise<void> {
    await this.git("checkout", "-q", "main");
    await this.git("merge", "-q", "--no-ff", "-m", `Merge ${branch}`, branch);
  }

  cleanUp(): void {
    if (process.env.PIM_KEEP_WORK_DIRS === "true") {
      console.log(`kept ${this.dir} (PIM_KEEP_WORK_DIRS=true)`);
      return;
    }
    fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}
