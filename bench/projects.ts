/**
 * The programs of the contenders that need one written for them, and their temporary
 * projects: the package installed from `npm pack` (one `ImageMember` per member, or one
 * `ImageMembers` per image), the bridged provider, and the provider plugin's YAML program.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { memberIdOf } from "./cloud";

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 10 * 60_000): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function writeProject(dir: string, name: string, program: string): void {
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
  );
  fs.writeFileSync(path.join(dir, "index.ts"), program);
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
function installPackageProject(tarball: string, name: string, program: string): string {
  const dir = npmProject(name, [tarball]);
  writeProject(dir, `image-members-bench-${name}`, program);
  return dir;
}

/** bench/program (one ImageMember per member) with its import and resource line replaced. */
function benchProgram(importLine: string, resource: string): string {
  const from = [`import { ImageMember } from "../../provider";`, "new ImageMember("];
  const program = fs.readFileSync(path.join(projectRoot, "bench/program/index.ts"), "utf8");
  if (!from.every((line) => program.includes(line))) {
    throw new Error(`bench/program/index.ts no longer holds ${from.join(" and ")}`);
  }
  return program.replace(from[0], importLine).replace(from[1], `new ${resource}(`);
}

/** The bench program importing the installed package. */
export function makePackageProject(tarball: string): string {
  const program = benchProgram(
    `import { ImageMember } from "pulumi-image-members";`,
    "ImageMember",
  );
  return installPackageProject(tarball, "package", program);
}

/** The `members` contender's program: one `ImageMembers` per image holding all its member ids. */
const membersProgram = `import * as pulumi from "@pulumi/pulumi";
import { ImageMembers } from "pulumi-image-members";

const config = new pulumi.Config();
const imageIds = config.requireObject<string[]>("imageIds");
const membersPerImage = config.requireNumber("membersPerImage");

imageIds.forEach((imageId, i) => {
  const memberIds: string[] = [];
  for (let m = 0; m < membersPerImage; m++) {
    memberIds.push(\`bec4${"0".repeat(25)}\${String(m).padStart(3, "0")}\`);
  }
  new ImageMembers(\`ms-\${i}\`, { imageId, memberIds });
});

export const members = imageIds.length * membersPerImage;
`;

export function makeMembersProject(tarball: string): string {
  return installPackageProject(tarball, "members", membersProgram);
}

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
  const program = benchProgram(
    `import * as openstack from "@pulumi/openstack";`,
    "openstack.images.ImageAccess",
  );
  writeProject(dir, "image-members-bench-bridged", program);
  return { available: true, pluginVersion, binDir, sdk: `@pulumi/openstack@${sdk}`, dir };
}

/**
 * The `yaml` contender's program, sharing each image with `perImage` members as bench/program
 * does: YAML has no loop, so it lists every member; the plugin is the repository's bin/.
 */
export function yamlProgram(
  imageIds: string[],
  perImage: number,
  perImageResource = false,
): string {
  const lines = [
    "name: image-members-bench-yaml",
    "description: Benchmark program of pulumi-image-members (bench/run.ts), the provider plugin from YAML",
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: imagemembers",
    `      path: ${JSON.stringify(path.join(projectRoot, "bin"))}`,
  ];
  if (imageIds.length > 0 && perImage > 0) lines.push("resources:");
  imageIds.forEach((imageId, i) => {
    if (perImageResource) {
      // One ImageMembers per image holding all its member ids (`membersYaml`, issue 30).
      const ids = Array.from({ length: perImage }, (_, m) => JSON.stringify(memberIdOf(m)));
      lines.push(`  i-${i}:`, "    type: imagemembers:index:ImageMembers", "    properties:");
      lines.push(
        `      imageId: ${JSON.stringify(imageId)}`,
        `      memberIds: [${ids.join(", ")}]`,
      );
      return;
    }
    for (let m = 0; m < perImage; m++) {
      lines.push(
        `  m-${i}-${m}:`,
        "    type: imagemembers:index:ImageMember",
        "    properties:",
        `      imageId: ${JSON.stringify(imageId)}`,
        `      memberId: ${JSON.stringify(memberIdOf(m))}`,
      );
    }
  });
  lines.push("outputs:", `  members: ${imageIds.length * perImage}`, "");
  return lines.join("\n");
}
