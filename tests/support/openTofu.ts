/**
 * OpenTofu with terraform-provider-openstack, as scripts/tofu.sh builds them, run in a working
 * directory of its own: for the Terraform handover test, its fixture recorder and the
 * benchmark's `tofu` contender. The CLI configuration's dev_overrides point OpenTofu at the
 * provider binary, so no `tofu init` and no registry are needed.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "./childProcess";

/** The bin dir (tofu, terraform-provider-openstack) and the CLI configuration file. */
export interface TofuInstallation {
  binDir: string;
  cliConfig: string;
}

/**
 * scripts/tofu.sh's installation. `bin-dir` (the tests) never builds and fails saying how to
 * get it; `ensure` (the benchmark) builds it the first time (about 9 minutes on 2 cores).
 */
export function tofuInstallation(mode: "bin-dir" | "ensure"): TofuInstallation {
  const script = path.join(projectRoot, "scripts/tofu.sh");
  // A build shows its progress (minutes); a look-up stays quiet.
  const run = (command: string) =>
    execFileSync("bash", [script, command], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", command === "ensure" ? "inherit" : "pipe"],
    }).trim();
  try {
    return { binDir: run(mode), cliConfig: run("cli-config") };
  } catch (error) {
    const said = String((error as { stderr?: string }).stderr || (error as Error).message).trim();
    throw new Error(
      mode === "bin-dir"
        ? `No OpenTofu with terraform-provider-openstack (scripts/tofu.sh has none in its cache): ` +
            `run "bash scripts/tofu.sh ensure" first; it builds both from Go modules once, about 9 minutes on 2 cores`
        : `"bash scripts/tofu.sh ensure" failed: ${said.split("\n").pop()}`,
    );
  }
}

export interface TofuResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A folder OpenTofu runs in, with only the given OS_* variables (none of the caller's). */
export class TofuWorkspace {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    installation: TofuInstallation,
    osEnvironment: Record<string, string>,
    /** The working directory; a new temporary one when absent. */
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-tofu-")),
  ) {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("OS_") && !k.startsWith("TF_")),
    );
    this.env = {
      ...clean,
      PATH: `${installation.binDir}:${process.env.PATH}`,
      TF_CLI_CONFIG_FILE: installation.cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      NO_COLOR: "1",
      ...osEnvironment,
    };
  }

  write(file: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, file), text);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), "utf8");
  }

  /** `tofu ARGS -no-color -input=false` (flags only for commands that take them). */
  run(args: string[], options: { allowFailure?: boolean } = {}): Promise<TofuResult> {
    const takesFlags = !["state", "show", "version"].includes(args[0]);
    return this.exec("tofu", takesFlags ? [...args, "-no-color", "-input=false"] : args, options);
  }

  /** A shell script of the working directory, `tofu` on its PATH (like the state rm lines). */
  sh(file: string, options: { allowFailure?: boolean } = {}): Promise<TofuResult> {
    return this.exec("sh", [file], options);
  }

  private exec(
    command: string,
    args: string[],
    options: { allowFailure?: boolean },
  ): Promise<TofuResult> {
    return new Promise((resolve, reject) => {
      execFile(
        command,
        args,
        { cwd: this.dir, env: this.env, maxBuffer: 256 * 1024 * 1024, timeout: 20 * 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          if (code !== 0 && !options.allowFailure) {
            reject(new Error(`${command} ${args.join(" ")} exited ${code}\n${stdout}\n${stderr}`));
          } else {
            resolve({ code, stdout, stderr });
          }
        },
      );
    });
  }

  cleanUp(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The provider block every configuration here starts with (no `tofu init`: dev_overrides). */
export const openstackProvider = `terraform {
  required_providers {
    openstack = { source = "terraform-provider-openstack/openstack" }
  }
}
`;

/** The handover configuration's providers: all that is left of it once Pulumi took over. */
export const handoverProviders = `${openstackProvider}
provider "openstack" {}

provider "openstack" {
  alias = "consumer"
  cloud = "consumer"
}
`;

/**
 * The configuration the handover test applies and its fixtures were recorded from: two images
 * shared by the owner (the default provider, OS_CLOUD), with `count` and with `for_each`, and
 * the first consumer accepting image A with its own credentials (provider alias `consumer`,
 * the clouds.yaml entry of the same name).
 */
export function handoverConfiguration(v: {
  imageA: string;
  imageB: string;
  consumer1: string;
  consumer2: string;
}): string {
  return `${handoverProviders}
resource "openstack_images_image_access_v2" "a" {
  count     = 2
  image_id  = "${v.imageA}"
  member_id = ["${v.consumer1}", "${v.consumer2}"][count.index]
}

resource "openstack_images_image_access_v2" "b" {
  for_each  = { ops = "${v.consumer1}" }
  image_id  = "${v.imageB}"
  member_id = each.value
}

resource "openstack_images_image_access_accept_v2" "a" {
  provider   = openstack.consumer
  image_id   = "${v.imageA}"
  member_id  = "${v.consumer1}"
  status     = "accepted"
  depends_on = [openstack_images_image_access_v2.a]
}
`;
}
