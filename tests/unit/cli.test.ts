/**
 * The command line itself (`dist/provider/cli.js`, what `npx pulumi-image-members` runs), as
 * a child process: `--version`, the general help and each command's, and usage errors (one
 * line on standard error naming the help to read, exit 2, nothing on standard output).
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot, runCli } from "../support/childProcess";

const program = "pulumi-image-members";
const commands = ["review", "audit", "from-terraform"];

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return runCli(args, { env });
}

test("--version prints package.json's version alone", () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
  expect(run(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
});

test("--help: one summary line on top, then every command with its own line", () => {
  for (const args of [["--help"], ["-h"], ["help"]]) {
    const result = run(args);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${program} \\d+\\.\\d+\\.\\d+: \\S.+\\.$`));
    expect(lines[1]).toBe("");
    expect(lines[2]).toBe(`Usage: ${program} COMMAND [options]`);
    for (const command of commands) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${command} +\\S`)));
    }
    expect(result.stdout).toContain("--version");
  }
});

describe.each(commands)("%s --help", (command) => {
  test("prints that command's help only, wherever -h/--help stands", () => {
    const help = run([command, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe("");
    expect(help.stdout.startsWith(`Usage: ${program} ${command} `)).toBe(true);
    expect(help.stdout).toMatch(/\nExit codes: 0 /);
    for (const other of commands.filter((c) => c !== command)) {
      expect(help.stdout).not.toContain(`Usage: ${program} ${other}`);
    }
    // The same text from -h, from help COMMAND, and beside an option it does not know.
    expect(run([command, "-h"])).toEqual(help);
    expect(run(["help", command])).toEqual(help);
    expect(run(["--help", command])).toEqual(help);
    expect(run([command, "--no-such-option", "--help"])).toEqual(help);
  });
});

/** A usage error: exit 2, one line naming the help of `where`, nothing on standard output. */
function expectUsageError(args: string[], where: string, message: string | RegExp): void {
  const result = run(args);
  expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: "" });
  const lines = result.stderr.split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe("");
  expect(lines[0].startsWith(`${where}: `)).toBe(true);
  expect(lines[0].endsWith(`; see "${where} --help"`)).toBe(true);
  expect(lines[0]).toMatch(message);
}

test.each([
  [[], program, "no command given"],
  [["reveiw"], program, "unknown command reveiw"],
  [["--verbose"], program, "unknown option --verbose"],
  [["help", "reveiw"], program, "unknown command reveiw"],
  [["review", "--verbose"], `${program} review`, "unknown option --verbose"],
  [["review", "--json"], `${program} review`, "--json needs a value"],
  [["review", "--json="], `${program} review`, "--json needs a value"],
  [["review", "--json", "-x"], `${program} review`, /--json needs a value \(write --json=VALUE/],
  [["review", "a.json", "b.json"], `${program} review`, "give at most one preview file"],
  [["review", "/no/such/preview.json"], `${program} review`, "cannot read the preview"],
  [["from-terraform"], `${program} from-terraform`, "give the state file"],
  [["from-terraform", "a", "b"], `${program} from-terraform`, "give one state file"],
  [["from-terraform", "a", "--tool", "x"], `${program} from-terraform`, "--tool must be tofu"],
  [["from-terraform", "a", "--out"], `${program} from-terraform`, "--out needs a value"],
  [["audit", "--verbose"], `${program} audit`, "unknown option --verbose"],
  [["audit", "extra"], `${program} audit`, "unexpected argument extra"],
  [["audit", "--page-size", "0"], `${program} audit`, "--page-size must be a whole number"],
  [["audit", "--pending-days", "-3"], `${program} audit`, "--pending-days needs a value"],
  [["audit", "--pending-days", "two"], `${program} audit`, "--pending-days must be a whole"],
  [["audit", "--stack-export", "/no/such.json"], `${program} audit`, "cannot read the stack"],
  [["audit", "--stack-export", "-", "--stack-export", "-"], `${program} audit`, "standard input"],
  [["audit", "--cloud", " "], `${program} audit`, "--cloud must be the name of a cloud"],
  [["--version", "x"], program, "--version takes no argument"],
])("%j: a usage error", (args, where, message) => {
  expectUsageError(args, where, message);
});
