/**
 * The program's entry: `pulumi-image-members COMMAND [options]`, `--help` (general or per
 * command), `--version`. A usage error is one line naming the command's help, exit 2.
 */
import { asksForHelp, parseCommandLine, UsageError } from "./args";
import { auditCommand } from "./audit";
import { Command, Output, processOutput, programName } from "./command";
import { fromTerraformCommand } from "./fromTerraform";
import { reviewCommand } from "./review";
import { packageVersion } from "./version";

/** Exit code of a usage error, as every command documents it. */
export const usageExitCode = 2;

const commands: readonly Command[] = [reviewCommand, auditCommand, fromTerraformCommand];

function generalHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    `${programName} ${packageVersion()}: reviews and audits who may use which OpenStack image (Glance image members) under Pulumi.`,
    "",
    `Usage: ${programName} COMMAND [options]`,
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    "Options:",
    `  -h, --help    this help; ${programName} COMMAND --help gives the command's own`,
    "  --version     the package's version",
    "",
    "Exit codes: 2 usage; each command's --help lists its own.",
  ].join("\n");
}

function usageError(output: Output, command: Command | undefined, message: string): number {
  const where = command ? `${programName} ${command.name}` : programName;
  output.err(`${where}: ${message}; see "${where} --help"\n`);
  return usageExitCode;
}

/** Runs the command line (without node and the script); resolves to the exit code. */
export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) return usageError(output, undefined, "no command given");
  if (first === "-h" || first === "--help" || first === "help") {
    // `help audit`, `--help audit`: that command's help.
    const named = commands.find((command) => command.name === rest[0]);
    if (rest.length > 0 && !named) {
      return usageError(output, undefined, `unknown command ${rest[0]}`);
    }
    output.out(`${named ? named.help : generalHelp()}\n`);
    return 0;
  }
  if (first === "--version") {
    if (rest.length > 0) return usageError(output, undefined, "--version takes no argument");
    output.out(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === first);
  if (!command) {
    const what = first.startsWith("-") ? `unknown option ${first}` : `unknown command ${first}`;
    return usageError(output, undefined, what);
  }
  if (asksForHelp(rest)) {
    output.out(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(parseCommandLine(rest, command.options), output);
  } catch (error) {
    if (error instanceof UsageError) return usageError(output, command, error.message);
    const message = String((error as Error)?.message ?? error).split("\n")[0];
    output.err(`${programName} ${command.name}: unexpected failure: ${message}\n`);
    return 1;
  }
}
