import { execFile } from "child_process";
import * as path from "path";

export const projectRoot = path.resolve(__dirname, "../..");

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
