#!/usr/bin/env node
/**
 * The package's command:
 * - `pulumi-image-members review [FILE] [--allowed-projects FILE] [--json FILE]` reads
 *   `pulumi preview --json` from FILE (or standard input) and prints the access review (and
 *   writes its summary for automation). Exit codes: 0 reviewed, 2 unreadable input or usage,
 *   3 a grant to a project not allowed.
 * - `pulumi-image-members from-terraform STATE [--out DIR]` writes the files that hand the image
 *   memberships of a Terraform/OpenTofu state over to Pulumi. Exit codes: 0 written, 2 input
 *   it cannot use or usage.
 */
import * as fs from "fs";
import * as path from "path";
import { fromTerraform, TerraformInputError } from "./migrate";
import { exitCodes, reviewText } from "./review";

const usage = `Usage: pulumi-image-members review [FILE] [--allowed-projects FILE] [--json FILE]

Reads the output of \`pulumi preview --json\` (FILE, or standard input when FILE is
missing or "-") and prints a Markdown report of who gains and loses access to which image.

  --allowed-projects FILE  one project id per line (# comments): exit 3 when the change
                           grants access to a project not listed
  --json FILE              also write a summary for automation: counts of gains,
                           losses, swaps, acceptance and drift changes, and offenders
  -h, --help               this help

Exit codes: 0 reviewed ("No access changes" when none of this package's resources
changes), 2 input that is not a preview, or a preview listing its whole stack
(--show-sames) without this package's resources, 3 access granted to a project not on
the allowed list.

       pulumi-image-members from-terraform STATE [--out DIR] [options]

Reads a Terraform or OpenTofu state (terraform.tfstate, or the output of "tofu show -json";
"-" for standard input) and writes into DIR (default: from-terraform) what hands each image
membership it manages over to Pulumi without touching the cloud: a pulumi import file, a
YAML program, TypeScript declarations and the "tofu state rm" commands; prints the steps.
Reads openstack_images_image_access_v2 and _accept_v2, their Open Telekom Cloud namesakes,
huaweicloud_images_image_share and _share_accepter.

  --accepting-project ID   the project that applied huaweicloud_images_image_share_accepter
                           resources (their state does not record it)
  --project-name NAME      the YAML program's project name (default: image-members)
  --tool tofu|terraform    the command in the state rm lines (default: tofu)

Exit codes: 0 written, 2 input that is not a state with image memberships, or usage.`;

/** Parsed command line of `from-terraform`. */
interface FromTerraformArguments {
  stateFile?: string;
  outDir: string;
  acceptingProject?: string;
  projectName?: string;
  tool?: "tofu" | "terraform";
}

/** Parsed command line of `review`. */
interface ReviewArguments {
  previewFile?: string;
  allowListFile?: string;
  jsonFile?: string;
}

class UsageError extends Error {}

function parseReviewArguments(args: string[]): ReviewArguments | "help" {
  const parsed: ReviewArguments = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--allowed-projects" || arg.startsWith("--allowed-projects=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++index];
      if (!value) throw new UsageError("--allowed-projects needs a file name");
      parsed.allowListFile = value;
    } else if (arg === "--json" || arg.startsWith("--json=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++index];
      if (!value) throw new UsageError("--json needs a file name");
      parsed.jsonFile = value;
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new UsageError(`unknown option ${arg}`);
    } else if (parsed.previewFile !== undefined) {
      throw new UsageError("give at most one preview file");
    } else {
      parsed.previewFile = arg;
    }
  }
  return parsed;
}

/** `--name value` or `--name=value` at args[index]; undefined when args[index] is not --name. */
function optionValue(args: string[], index: number, name: string): [string, number] | undefined {
  const arg = args[index];
  if (arg !== name && !arg.startsWith(`${name}=`)) return undefined;
  const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[index + 1];
  if (!value) throw new UsageError(`${name} needs a value`);
  return [value, arg.includes("=") ? index : index + 1];
}

function parseFromTerraformArguments(args: string[]): FromTerraformArguments | "help" {
  const parsed: FromTerraformArguments = { outDir: "from-terraform" };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === "-h" || arg === "--help") return "help";
    const out = optionValue(args, index, "--out");
    const accepting = optionValue(args, index, "--accepting-project");
    const project = optionValue(args, index, "--project-name");
    const tool = optionValue(args, index, "--tool");
    const given = out ?? accepting ?? project ?? tool;
    if (out) parsed.outDir = out[0];
    if (accepting) parsed.acceptingProject = accepting[0];
    if (project) parsed.projectName = project[0];
    if (tool) {
      if (tool[0] !== "tofu" && tool[0] !== "terraform") {
        throw new UsageError(`--tool must be tofu or terraform, not ${tool[0]}`);
      }
      parsed.tool = tool[0];
    }
    if (given) {
      index = given[1];
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new UsageError(`unknown option ${arg}`);
    } else if (parsed.stateFile !== undefined) {
      throw new UsageError("give one state file");
    } else {
      parsed.stateFile = arg;
    }
  }
  if (parsed.stateFile === undefined) throw new UsageError("from-terraform needs a state file");
  return parsed;
}

/** Writes the hand-over files into the output folder and prints the steps. */
function runFromTerraform(args: FromTerraformArguments): number {
  const text = readInput(args.stateFile, "the state");
  let handover;
  try {
    handover = fromTerraform(text, {
      origin: args.stateFile === "-" ? "standard input" : path.basename(args.stateFile!),
      ...(args.acceptingProject ? { acceptingProject: args.acceptingProject } : {}),
      ...(args.projectName ? { projectName: args.projectName } : {}),
      ...(args.tool ? { tool: args.tool } : {}),
      outDir: args.outDir,
    });
  } catch (error) {
    if (!(error instanceof TerraformInputError)) throw error;
    process.stderr.write(`from-terraform: ${error.message}\n`);
    return exitCodes.badInput;
  }
  fs.mkdirSync(args.outDir, { recursive: true });
  for (const [name, content] of Object.entries(handover.files)) {
    fs.writeFileSync(path.join(args.outDir, name), content);
  }
  process.stdout.write(handover.guide);
  return exitCodes.ok;
}

function readInput(file: string | undefined, what: string): string {
  try {
    return fs.readFileSync(file === undefined || file === "-" ? 0 : file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read ${what} ${file ?? "from standard input"} (${reason})`);
  }
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === "-h" || command === "--help") {
    process.stdout.write(`${usage}\n`);
    return exitCodes.ok;
  }
  try {
    if (command === "from-terraform") {
      const args = parseFromTerraformArguments(rest);
      if (args === "help") {
        process.stdout.write(`${usage}\n`);
        return exitCodes.ok;
      }
      return runFromTerraform(args);
    }
    if (command !== "review") {
      throw new UsageError(command ? `unknown command ${command}` : "no command given");
    }
    const args = parseReviewArguments(rest);
    if (args === "help") {
      process.stdout.write(`${usage}\n`);
      return exitCodes.ok;
    }
    const allowList =
      args.allowListFile === undefined
        ? undefined
        : readInput(args.allowListFile, "the allowed projects file");
    const outcome = reviewText(readInput(args.previewFile, "the preview"), {
      allowList,
      allowListName: args.allowListFile,
    });
    if (args.jsonFile !== undefined && outcome.summary !== undefined) {
      fs.writeFileSync(args.jsonFile, `${JSON.stringify(outcome.summary, null, 2)}\n`);
    }
    process.stdout.write(outcome.report);
    for (const message of outcome.messages) process.stderr.write(`${message}\n`);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pulumi-image-members: ${error.message}\n\n${usage}\n`);
      return exitCodes.badInput;
    }
    process.stderr.write(`pulumi-image-members: unexpected failure: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
