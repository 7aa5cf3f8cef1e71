import * as fs from "fs";
import * as path from "path";
import { stringValue, UsageError } from "./args";
import { Command, programName } from "./command";
import { readInput } from "./input";

const help = `Usage: ${programName} from-terraform STATE [--out DIR] [options]

Reads a Terraform or OpenTofu state (terraform.tfstate, or the output of "tofu show -json";
"-" for standard input) and writes into DIR (default: from-terraform) what hands each image
membership it manages over to Pulumi without touching the cloud: a pulumi import file, a
YAML program, TypeScript declarations and the "tofu state rm" commands; prints the steps.
Reads openstack_images_image_access_v2 and _accept_v2, their Open Telekom Cloud namesakes,
huaweicloud_images_image_share and _share_accepter.

  --out DIR                where to write the files (default: from-terraform)
  --accepting-project ID   the project that applied huaweicloud_images_image_share_accepter
                           resources (their state does not record it)
  --project-name NAME      the YAML program's project name (default: image-members)
  --tool tofu|terraform    the command in the state rm lines (default: tofu)
  -h, --help               this help

Exit codes: 0 written, 2 input that is not a state with image memberships, or usage.`;

/** `from-terraform`: the hand-over of a Terraform/OpenTofu state's image memberships. */
export const fromTerraformCommand: Command = {
  name: "from-terraform",
  summary: "hands the image memberships of a Terraform/OpenTofu state over to Pulumi",
  help,
  options: {
    out: { type: "string" },
    "accepting-project": { type: "string" },
    "project-name": { type: "string" },
    tool: { type: "string" },
  },
  async run(line, output) {
    if (line.positionals.length === 0)
      throw new UsageError(`give the state file (or "-" for standard input)`);
    if (line.positionals.length > 1) throw new UsageError("give one state file");
    const stateFile = line.positionals[0];
    const outDir = stringValue(line, "out") ?? "from-terraform";
    const acceptingProject = stringValue(line, "accepting-project");
    const projectName = stringValue(line, "project-name");
    const tool = stringValue(line, "tool");
    if (tool !== undefined && tool !== "tofu" && tool !== "terraform") {
      throw new UsageError(`--tool must be tofu or terraform, not ${tool}`);
    }
    const text = readInput(stateFile, "the state");
    const { exitCodes } = await import("../review");
    const { fromTerraform, TerraformInputError } = await import("../migrate");
    let handover;
    try {
      handover = fromTerraform(text, {
        origin: stateFile === "-" ? "standard input" : path.basename(stateFile),
        ...(acceptingProject ? { acceptingProject } : {}),
        ...(projectName ? { projectName } : {}),
        ...(tool ? { tool } : {}),
        outDir,
      });
    } catch (error) {
      if (!(error instanceof TerraformInputError)) throw error;
      output.err(`from-terraform: ${error.message}\n`);
      return exitCodes.badInput;
    }
    fs.mkdirSync(outDir, { recursive: true });
    for (const [name, content] of Object.entries(handover.files)) {
      fs.writeFileSync(path.join(outDir, name), content);
    }
    output.out(handover.guide);
    return exitCodes.ok;
  },
};
