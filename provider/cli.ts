#!/usr/bin/env node
/**
 * The package's command: `pulumi-image-members review [FILE] [--allowed-projects FILE]`.
 * Reads `pulumi preview --json` from FILE (or standard input) and prints the access review.
 * Exit codes: 0 reviewed, 2 unreadable input or usage, 3 a grant to a project not allowed.
 */
import * as fs from "fs";
import { exitCodes, reviewText } from "./review";

const usage = `Usage: pulumi-image-members review [FILE] [--allowed-projects FILE]

Reads the output of \`pulumi preview --json\` (FILE, or standard input when FILE is
missing or "-") and prints a Markdown report of who gains and loses access to which image.

  --allowed-projects FILE  one project id per line (# comments): exit 3 when the change
                           grants access to a project not listed
  -h, --help               this help

Exit codes: 0 reviewed, 2 input that is not a preview of this package's resources,
3 access granted to a project not on the allowed list.`;

/** Parsed command line of `review`. */
interface ReviewArguments {
  previewFile?: string;
  allowListFile?: string;
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
