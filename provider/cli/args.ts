/**
 * One parser for every command: Node.js's own `util.parseArgs` (strict: an unknown option is
 * an error), its errors turned into one line a person can act on.
 */
import { parseArgs, ParseArgsConfig } from "util";

/** A command line the command cannot run: one line on standard error, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The options of a command, as `util.parseArgs` takes them (`--help` is added to every one). */
export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** What a command line parses into. */
export interface ParsedLine {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/**
 * Whether the command line asks for help: `-h` or `--help` anywhere before a `--`, even
 * beside an option the command does not know, so that help is always one flag away.
 */
export function asksForHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === "-h" || arg === "--help");
}

/** The first quoted option name of a parseArgs message: `'--json <value>'` gives `--json`. */
function optionIn(message: string): string {
  return /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "an option";
}

/** parseArgs's messages span lines and suggest `--`; ours say what is wrong in one line. */
function explainParseError(error: Error & { code?: string }): string {
  const option = optionIn(error.message);
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(error.message)) {
        return `${option} takes no value`;
      }
      if (/ambiguous/.test(error.message)) {
        return `${option} needs a value (write ${option}=VALUE for one starting with "-")`;
      }
      return `${option} needs a value`;
    default:
      return error.message.split("\n")[0];
  }
}

/** Parses `args` against `options`; throws UsageError for anything the command cannot take. */
export function parseCommandLine(args: string[], options: OptionSpecs): ParsedLine {
  let parsed: ParsedLine;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as ParsedLine;
  } catch (error) {
    throw new UsageError(explainParseError(error as Error & { code?: string }));
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((one) => one === "")) throw new UsageError(`--${name} needs a value`);
  }
  return parsed;
}

/** A string option's value (the last one given), or undefined. */
export function stringValue(line: ParsedLine, name: string): string | undefined {
  const value = line.values[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === "string" ? last : undefined;
}

/** Every value of a repeatable string option, in order. */
export function stringValues(line: ParsedLine, name: string): string[] {
  const value = line.values[name];
  return (Array.isArray(value) ? value : [value]).filter(
    (one): one is string => typeof one === "string",
  );
}

/** A boolean option. */
export function flag(line: ParsedLine, name: string): boolean {
  return line.values[name] === true;
}
