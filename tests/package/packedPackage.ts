/**
 * What the package tests share: running commands, and the tarball `npm pack` makes from a clean
 * copy of the repository (its tracked files only: no dist/, nothing built; the dev tools it
 * builds with are this repository's node_modules, linked).
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/childProcess";

export function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
}

export function shAsync(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      cmd,
      args,
      { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${cmd} ${args.join(" ")} failed in ${cwd}: ${stderr || stdout}`))
          : resolve(stdout),
    ),
  );
}

/** `npm pack --json`'s report of one tarball. */
export interface PackReport {
  filename: string;
  files: { path: string }[];
  size: number;
  unpackedSize: number;
  entryCount: number;
}

/** Packs a clean copy of the repository into `work`; the tarball's path and npm's report. */
export function packCleanCopy(work: string): { tarball: string; packed: PackReport } {
  // A clean copy: the files git tracks (and new ones it does not ignore), nothing built.
  const copy = path.join(work, "checkout");
  const listed = sh(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    projectRoot,
  )
    .split("\0")
    .filter(Boolean);
  for (const file of listed) {
    const from = path.join(projectRoot, file);
    if (!fs.existsSync(from) || !fs.lstatSync(from).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(from, path.join(copy, file));
  }
  if (fs.existsSync(path.join(copy, "dist"))) throw new Error(`${copy} has a dist/ before packing`);
  // The compiler it builds with (never packed: npm does not pack node_modules).
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(copy, "node_modules"));
  const started = Date.now();
  const out = sh("npm", ["pack", "--json", "--loglevel=error", "--pack-destination", work], copy);
  // The JSON report is the last thing npm prints (after the prepack script's output).
  const packed = (JSON.parse(out.slice(out.search(/^\[/m))) as PackReport[])[0]!;
  console.log(
    `npm pack from a clean copy: ${packed.entryCount} files, ${packed.size} bytes packed, ` +
      `${packed.unpackedSize} unpacked (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return { tarball: path.join(work, packed.filename), packed };
}
