import { execFile, spawnSync } from "child_process";
import * as path from "path";

export const projectRoot = path.resolve(__dirname, "../..");

/** The built command line, what `npx pulumi-image-members` runs (the unit tier builds it first). */
export const builtCli = path.join(projectRoot, "dist/provider/cli.js");

/** Runs the built command with `args`, `input` on its standard input (none by default). */
export function runCli(
  args: string[],
  options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { code: number | null; stdout: string; stderr: string } {
  const { input = "", cwd, env } = options;
  const result = spawnSync(process.execPath, [builtCli, ...args], {
    input,
    cwd,
    env,
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a TypeScript file of the project in a plain Node.js process, as a Pulumi program runs. */
export function runTypeScript(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(projectRoot, file), ...args],
      { cwd: projectRoot, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${file} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}
