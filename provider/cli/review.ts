import * as fs from "fs";
import { stringValue, UsageError } from "./args";
import { Command, programName } from "./command";
import { readInput } from "./input";

const help = `Usage: ${programName} review [FILE] [--allowed-projects FILE] [--json FILE]

Reads the output of \`pulumi preview --json\` (FILE, or standard input when FILE is
missing or "-") and prints a Markdown report of who gains and loses access to which image.

  --allowed-projects FILE  one project id per line (# comments): exit 3 when the change
                           grants access to a project not listed
  --json FILE              also write a summary for automation: counts of gains,
                           losses, swaps, acceptance and drift changes, and offenders
  -h, --help               this help

Exit codes: 0 reviewed ("No access changes" when none of this package's resources
changes), 2 input that is not a preview, or a preview listing its whole stack
(--show-sames) without this package's resources, or usage, 3 access granted to a
project not on the allowed list.`;

/** `review`: the access review of a preview. */
export const reviewCommand: Command = {
  name: "review",
  summary: "who gains and loses access to which image, from `pulumi preview --json`",
  help,
  options: {
    "allowed-projects": { type: "string" },
    json: { type: "string" },
  },
  async run(line, output) {
    if (line.positionals.length > 1) throw new UsageError("give at most one preview file");
    const previewFile = line.positionals[0];
    const allowListFile = stringValue(line, "allowed-projects");
    const jsonFile = stringValue(line, "json");
    // Loaded here: the review needs nothing from @pulumi/pulumi, and --help nothing at all.
    const { reviewText } = await import("../review");
    const allowList =
      allowListFile === undefined
        ? undefined
        : readInput(allowListFile, "the allowed projects file");
    const outcome = reviewText(readInput(previewFile, "the preview"), {
      allowList,
      allowListName: allowListFile,
    });
    if (jsonFile !== undefined && outcome.summary !== undefined) {
      fs.writeFileSync(jsonFile, `${JSON.stringify(outcome.summary, null, 2)}\n`);
    }
    output.out(outcome.report);
    for (const message of outcome.messages) output.err(`${message}\n`);
    return outcome.exitCode;
  },
};
