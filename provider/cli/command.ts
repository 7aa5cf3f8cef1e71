import type { OptionSpecs, ParsedLine } from "./args";

/** The name users type. */
export const programName = "pulumi-image-members";

/** One command of the program: what the general help lists, its own help, its options. */
export interface Command {
  name: string;
  /** One line for the general help. */
  summary: string;
  /** The command's `--help` text, starting with its usage line. */
  help: string;
  /** Its options, besides `-h`/`--help` (which every command takes). */
  options: OptionSpecs;
  /** Runs it; the exit code. Loads what it needs only now, so `--help` stays fast. */
  run(line: ParsedLine, output: Output): Promise<number>;
}

/** Where a command writes (process.stdout and process.stderr; tests may pass others). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
