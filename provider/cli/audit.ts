import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ParsedLine, stringValue, stringValues, UsageError } from "./args";
import { Command, Output, programName } from "./command";
import { readInput } from "./input";

const help = `Usage: ${programName} audit [--stack-export FILE]... [--stack NAME]... [options]

Lists every image of the credentials' project with visibility "shared", each member and its
status, and marks each grant declared by one of the stacks given or not: grants no stack
declares come first. Reads only (a read-only credential is enough), with the provider's
credential sources: OS_* variables, or the clouds.yaml entry OS_CLOUD (or --cloud) names.
Prints a Markdown report.

  --stack-export FILE   the output of "pulumi stack export" of a stack (repeatable; "-" for
                        standard input)
  --stack NAME          runs "pulumi stack export --stack NAME" (repeatable; the backend
                        from PULUMI_BACKEND_URL or pulumi login, as the pulumi CLI reads it)
  --cwd DIR             the Pulumi program folder for --stack (default: here)
  --pending-days N      also list members still pending more than N days after the grant
                        ("never accepted: check the id")
  --json FILE           also write every grant and the counts as JSON, for automation
  --cloud NAME          the clouds.yaml entry to use instead of OS_* / OS_CLOUD
  --region NAME         the region whose image service to read (default: the credentials')
  --page-size N         images per page of the image list (default: the cloud's, 25 on Glance)
  -h, --help            this help

Exit codes: 0 every grant is declared by a stack given, 1 the cloud could not be read
(the message says why), 2 usage or an export it cannot read, 4 a grant no stack given
declares (or one that cannot be told: a stack's list is secret in its export), 5 none of
those but a member pending for more than --pending-days.`;

function wholeNumber(line: ParsedLine, name: string, least: number): number | undefined {
  const value = stringValue(line, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < least) {
    throw new UsageError(`--${name} must be a whole number of at least ${least}, not ${value}`);
  }
  return Number(value);
}

/** `pulumi stack export --stack NAME`'s output, or a usage error saying why there is none. */
function exportStack(name: string, cwd: string | undefined): Promise<string> {
  const args = ["stack", "export", "--stack", name, ...(cwd ? ["--cwd", cwd] : [])];
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      args,
      { maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why =
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? "no pulumi CLI on PATH"
            : (stderr.trim().split("\n").pop() ?? error.message);
        reject(new UsageError(`cannot export stack ${name} (pulumi ${args.join(" ")}): ${why}`));
      },
    );
  });
}

/** `audit`: every grant of the project's shared images, declared or not. */
export const auditCommand: Command = {
  name: "audit",
  summary: "every grant of the project's shared images, and which no stack declares",
  help,
  options: {
    "stack-export": { type: "string", multiple: true },
    stack: { type: "string", multiple: true },
    cwd: { type: "string" },
    "pending-days": { type: "string" },
    json: { type: "string" },
    cloud: { type: "string" },
    region: { type: "string" },
    "page-size": { type: "string" },
  },
  async run(line: ParsedLine, output: Output) {
    if (line.positionals.length > 0) {
      throw new UsageError(
        `unexpected argument ${line.positionals[0]}: give stacks with --stack-export FILE or --stack NAME`,
      );
    }
    const pendingDays = wholeNumber(line, "pending-days", 0);
    const pageSize = wholeNumber(line, "page-size", 1);
    const cloud = stringValue(line, "cloud");
    const region = stringValue(line, "region");
    const jsonFile = stringValue(line, "json");
    const cwd = stringValue(line, "cwd");
    const files = stringValues(line, "stack-export");
    if (files.filter((file) => file === "-").length > 1) {
      throw new UsageError("standard input (-) can be only one of the --stack-export files");
    }
    // Loaded here: the Glance client and the credential sources, not needed for --help.
    const audit = await import("../audit");
    const { connect } = await import("../core/connect");
    const { checkCloud, withCloud } = await import("../core/cloudIdentity");
    const { explainCommonFailure, fail, ProviderError } = await import("../core/explain");

    // Every export is read before the cloud is asked, so bad input costs no request.
    const declarations = audit.emptyDeclarations();
    try {
      for (const file of files) {
        const origin = file === "-" ? "standard input" : path.basename(file);
        audit.readStackExport(readInput(file, "the stack export"), origin, origin, declarations);
      }
      for (const name of stringValues(line, "stack")) {
        audit.readStackExport(await exportStack(name, cwd), `stack ${name}`, name, declarations);
      }
    } catch (error) {
      if (!(error instanceof audit.AuditInputError)) throw error;
      output.err(`audit: ${error.message}\n`);
      return audit.auditExitCodes.badInput;
    }
    const invalidCloud = checkCloud(cloud, "--cloud");
    if (invalidCloud) throw new UsageError(invalidCloud.reason);

    const headline = `Cannot audit the shared images${withCloud(cloud)}`;
    let result;
    try {
      const connection = await connect({ stack: undefined, cloud }, region, headline);
      const project = await connection.session.projectId();
      if (!project) {
        throw fail(
          headline,
          "the credentials do not say which project they act for; scope them to the image " +
            "owner's project (OS_PROJECT_ID or OS_PROJECT_NAME, or project_id in clouds.yaml)",
        );
      }
      const inventory = await audit.readInventory(connection.glance, project, {
        ...(pageSize === undefined ? {} : { pageSize }),
      });
      result = audit.auditOutcome(
        audit.classify(project, inventory, declarations, {
          ...(pendingDays === undefined ? {} : { pendingDays }),
        }),
      );
    } catch (error) {
      const explained =
        (error instanceof ProviderError ? error : explainCommonFailure(error, headline)) ??
        fail(headline, String((error as Error)?.message ?? error));
      output.err(`audit: ${explained.message}\n`);
      return audit.auditExitCodes.cloudFailure;
    }
    if (jsonFile !== undefined) {
      fs.writeFileSync(jsonFile, `${JSON.stringify(result.summary, null, 2)}\n`);
    }
    output.out(result.report);
    for (const message of result.messages) output.err(`${message}\n`);
    return result.exitCode;
  },
};
