/**
 * Runs the real Pulumi CLI (built by scripts/pulumi-cli.sh) on a project of this repository,
 * offline, with a file backend and config file of its own under a temporary folder, so the
 * repository's project folders stay clean and tests never share state.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "./childProcess";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

let cachedBinDir: string | undefined;
let built = false;

/**
 * The engine runs the examples with the package as users install it: scripts/install-examples.sh
 * builds it and, when the build changed, installs it into examples/node_modules as npm installs
 * a user's dependency (a packed copy, see there). Once per test file.
 */
function ensureBuilt(): void {
  if (!built) {
    execFileSync("bash", [path.join(projectRoot, "scripts/install-examples.sh")], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    built = true;
  }
}

/** The bin folder of the Pulumi CLI; builds it the first time (minutes), then reuses the cache. */
export function pulumiBinDir(): string {
  if (!cachedBinDir) {
    try {
      cachedBinDir = execFileSync(
        "bash",
        [path.join(projectRoot, "scripts/pulumi-cli.sh"), "ensure"],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        },
      ).trim();
    } catch (error) {
      throw new Error(
        `No Pulumi CLI: "bash scripts/pulumi-cli.sh ensure" failed (${(error as Error).message})`,
      );
    }
  }
  return cachedBinDir;
}

export class PulumiProject {
  readonly workDir: string;
  readonly configFile: string;
  readonly backendDir: string;
  /** Extra environment for every command (for example OS_* variables). */
  env: Record<string, string> = {};

  /** Extra arguments of `up`, `preview`, `refresh` and `destroy` (the benchmark's `--parallel`). */
  operationArgs: string[] = [];

  constructor(
    readonly projectDir: string,
    readonly stack = "e2e",
    /** Share a backend folder between projects, for StackReference. */
    sharedBackendDir?: string,
    /** false for a project that installed the package itself (tests/package). */
    usesRepositoryBuild = true,
  ) {
    if (usesRepositoryBuild) ensureBuilt();
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-e2e-"));
    this.backendDir = sharedBackendDir ?? path.join(this.workDir, "state");
    this.configFile = path.join(this.workDir, `Pulumi.${stack}.yaml`);
    fs.mkdirSync(this.backendDir, { recursive: true });
    fs.mkdirSync(path.join(this.workDir, "home"));
  }

  private baseEnv(): NodeJS.ProcessEnv {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith("OS_") && !key.startsWith("PULUMI_"),
      ),
    );
    return {
      ...clean,
      PATH: `${pulumiBinDir()}:${process.env.PATH}`,
      PULUMI_HOME: path.join(this.workDir, "home"),
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      NO_COLOR: "1",
      ...this.env,
    };
  }

  run(
    args: string[],
    options: { allowFailure?: boolean; env?: Record<string, string> } = {},
  ): Promise<CommandResult> {
    const fullArgs = [...args, "--cwd", this.projectDir, "--non-interactive"];
    return new Promise((resolve, reject) => {
      execFile(
        "pulumi",
        fullArgs,
        {
          env: { ...this.baseEnv(), ...options.env },
          maxBuffer: 256 * 1024 * 1024,
          timeout: 10 * 60_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          const result = { code, stdout, stderr };
          if (code !== 0 && !options.allowFailure) {
            reject(new Error(`pulumi ${args.join(" ")} exited ${code}\n${stdout}\n${stderr}`));
          } else {
            resolve(result);
          }
        },
      );
    });
  }

  async init(config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    await this.run(["stack", "init", this.stack]);
    for (const [key, value] of Object.entries(config)) await this.setConfig(key, value);
    for (const [key, value] of Object.entries(secrets)) await this.setConfig(key, value, true);
  }

  setConfig(key: string, value: string, secret = false): Promise<CommandResult> {
    return this.run([
      "config",
      "set",
      "--stack",
      this.stack,
      "--config-file",
      this.configFile,
      key,
      value,
      ...(secret ? ["--secret"] : []),
    ]);
  }

  removeConfig(key: string, options: { path?: boolean } = {}): Promise<CommandResult> {
    return this.run([
      "config",
      "rm",
      ...this.stackArgs(),
      ...(options.path ? ["--path"] : []),
      key,
    ]);
  }

  private stackArgs(): string[] {
    return ["--stack", this.stack, "--config-file", this.configFile];
  }

  up(options: { allowFailure?: boolean; env?: Record<string, string> } = {}) {
    return this.run(
      ["up", "--yes", "--skip-preview", "--diff", ...this.operationArgs, ...this.stackArgs()],
      options,
    );
  }

  preview(options: { allowFailure?: boolean; env?: Record<string, string> } = {}) {
    return this.run(["preview", "--diff", ...this.operationArgs, ...this.stackArgs()], options);
  }

  /** `pulumi preview --save-plan FILE`: the plan a reviewer approved. */
  savePlan(file: string, options: { allowFailure?: boolean } = {}) {
    return this.run(["preview", "--diff", "--save-plan", file, ...this.stackArgs()], options);
  }

  /** `pulumi up --plan FILE`: applies that plan, and refuses anything else. */
  upWithPlan(file: string, options: { allowFailure?: boolean } = {}) {
    return this.run(
      ["up", "--yes", "--skip-preview", "--plan", file, ...this.stackArgs()],
      options,
    );
  }

  refresh(options: { allowFailure?: boolean; env?: Record<string, string> } = {}) {
    return this.run(
      ["refresh", "--yes", "--skip-preview", ...this.operationArgs, ...this.stackArgs()],
      options,
    );
  }

  destroy(options: { allowFailure?: boolean; env?: Record<string, string> } = {}) {
    return this.run(
      ["destroy", "--yes", "--skip-preview", ...this.operationArgs, ...this.stackArgs()],
      options,
    );
  }

  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.run([
      "stack",
      "output",
      "--json",
      "--show-secrets",
      "--stack",
      this.stack,
    ]);
    return JSON.parse(result.stdout);
  }

  async exportState(): Promise<{
    text: string;
    deployment: {
      resources?: {
        urn: string;
        type: string;
        id?: string;
        parent?: string;
        dependencies?: string[];
        inputs?: Record<string, unknown>;
        outputs?: Record<string, unknown>;
      }[];
    };
  }> {
    const result = await this.run(["stack", "export", "--stack", this.stack]);
    return { text: result.stdout, deployment: JSON.parse(result.stdout).deployment };
  }

  /** Replaces the stack's state with the given `pulumi stack export` text. */
  async importState(text: string): Promise<void> {
    const file = path.join(this.workDir, "import.json");
    fs.writeFileSync(file, text);
    await this.run(["stack", "import", "--stack", this.stack, "--file", file]);
  }

  /** Every file the file backend wrote (checkpoints, history, backups), concatenated. */
  stateFilesText(): string {
    const texts: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else texts.push(fs.readFileSync(full, "utf8"));
      }
    };
    walk(this.backendDir);
    return texts.join("\n");
  }

  /** Removes the work folder, unless PIM_KEEP_WORK_DIRS=true (to inspect a failed run). */
  cleanUp(): void {
    if (process.env.PIM_KEEP_WORK_DIRS === "true") {
      console.log(`kept ${this.workDir} (PIM_KEEP_WORK_DIRS=true)`);
      return;
    }
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}
