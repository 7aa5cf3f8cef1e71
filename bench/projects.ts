/** Temporary projects: the package installed from `npm pack`, and the bridged provider. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";

export function sh(cmd: string, args: string[], cwd: string, timeoutMs = 10 * 60_000): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function writeProject(dir: string, name: string, program: string): void {
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
  );
  fs.writeFileSync(path.join(dir, "index.ts"), program);
}

export function benchProgram(): string {
  return fs.readFileSync(path.join(projectRoot, "bench/program/index.ts"), "utf8");
}

/** `npm run build`, then `npm pack` of this repository into a temporary folder (once per run). */
export function packRepository(): { dir: string; tarball: string; version: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-bench-tarball-"));
  sh("npm", ["run", "build"], projectRoot);
  const version = sh(
    "npm",
    ["pack", "--silent", "--pack-destination", dir, "--ignore-scripts"],
    projectRoot,
  )
    .trim()
    .split("\n")
    .pop()!;
  return { dir, tarball: path.join(dir, version), version };
}

/**
 * A temporary npm project `pim-bench-<name>` with `packages` installed, plus the @pulumi/pulumi
 * this repository pins and TypeScript. Scripts are off: old @pulumi/* packages try to
 * download their plugin on install.
 */
function npmProject(name: string, packages: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pim-bench-${name}-`));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `pim-bench-${name}`, version: "0.0.0", private: true }, null, 2),
  );
  const pulumiVersion = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"))
    .devDependencies["@pulumi/pulumi"];
  sh(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      ...packages,
      `@pulumi/pulumi@${pulumiVersion}`,
      "typescript@5",
    ],
    dir,
  );
  return dir;
}

/** A project elsewhere that installed this package from a tarball, as a user would. */
export function installPackageProject(tarball: string, name: string, program: string): string {
  const dir = npmProject(name, [tarball]);
  writeProject(dir, `image-members-bench-${name}`, program);
  return dir;
}

/** The bench program (one ImageMember per member) importing the installed package. */
export function makePackageProject(tarball: string): string {
  const program = benchProgram().replace(`from "../../provider"`, `from "pulumi-image-members"`);
  if (!program.includes(`from "pulumi-image-members"`)) {
    throw new Error("bench/program/index.ts no longer imports ../../provider");
  }
  return installPackageProject(tarball, "package", program);
}

export const bridgedProgram = `import * as pulumi from "@pulumi/pulumi";
import * as openstack from "@pulumi/openstack";

const config = new pulumi.Config();
const imageIds = config.requireObject<string[]>("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  for (let m = 0; m < membersPerImage; m++) {
    const memberId = \`bec4${"0".repeat(25)}\${String(m).padStart(3, "0")}\`;
    new openstack.images.ImageAccess(\`m-\${i}-\${m}\`, { imageId, memberId });
  }
});

export const members = imageIds.length * membersPerImage;
`;

export interface BridgedOutcome {
  available: boolean;
  reason?: string;
  pluginVersion?: string;
  binDir?: string;
  sdk?: string;
  dir?: string;
}

export function makeBridgedProject(): BridgedOutcome {
  // The Go module proxy refuses github.com/pulumi/pulumi-openstack/provider (403), and this
  // project carries no build of another project's source: a plugin built elsewhere is used
  // when one is given or cached.
  const binDir =
    process.env.PIM_BRIDGED_OPENSTACK_BIN ??
    path.join(os.homedir(), ".cache", "pulumi-image-members", "bridged-openstack", "bin");
  if (!fs.existsSync(path.join(binDir, "pulumi-resource-openstack"))) {
    return {
      available: false,
      reason:
        `no pulumi-resource-openstack plugin in ${binDir}: the Go module proxy refuses ` +
        "github.com/pulumi/pulumi-openstack/provider/v5 (403 'This module version is not available'); " +
        "set PIM_BRIDGED_OPENSTACK_BIN to the folder of a plugin built elsewhere",
    };
  }
  const versionFile = path.join(path.dirname(binDir), "VERSION");
  const pluginVersion = fs.existsSync(versionFile)
    ? fs.readFileSync(versionFile, "utf8").trim()
    : undefined;
  let dir: string;
  try {
    dir = npmProject("bridged", ["@pulumi/openstack"]);
  } catch (error) {
    return {
      available: false,
      reason: `npm install @pulumi/openstack failed: ${(error as Error).message}`,
    };
  }
  const sdk = JSON.parse(
    fs.readFileSync(path.join(dir, "node_modules/@pulumi/openstack/package.json"), "utf8"),
  ).version;
  writeProject(dir, "image-members-bench-bridged", bridgedProgram);
  return { available: true, pluginVersion, binDir, sdk: `@pulumi/openstack@${sdk}`, dir };
}
