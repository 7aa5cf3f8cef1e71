/**
 * How each contender is made (bench/measure.ts names and describes them), and the programs of
 * those that need one written for them: the package installed from `npm pack` (one
 * `ImageMember` per member, or one `ImageMembers` per image), the bridged provider, and the
 * provider plugin's YAML programs. A new contender: its entry in `contenderKinds`
 * (bench/measure.ts) and one here.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { Cloud, memberIdOf } from "./cloud";
import { Floor } from "./apiFloor";
import { EngineContender, EngineContenderOptions } from "./engine";
import { BridgedOutcome, Contender, ContenderName, log } from "./measure";
import { TofuContender } from "./tofuContender";

/** The provider plugin's process, as the engine starts it (`node .../bin/pulumi-resource-imagemembers`). */
const plugin = { provider: /pulumi-resource-imagemembers(\s|$)/, environmentCredentials: true };
/** The YAML language host runs a YAML program itself. */
const yamlHost = /pulumi-language-yaml(\s|$)/;
/** Pulumi's floor programs (bench/program-floor): empty without config, no-op resources with. */
const floorProgram = path.join(projectRoot, "bench/program-floor");

/** The wanted contenders that can run here, not yet initialised; their folders go to `tempDirs`. */
export function makeContenders(
  wanted: readonly ContenderName[],
  cloud: Cloud,
  tempDirs: string[],
): { contenders: Contender[]; packageTarball?: string; bridged?: BridgedOutcome } {
  const temp = (dir: string) => (tempDirs.push(dir), dir);
  const tempDir = (name: string) =>
    temp(fs.mkdtempSync(path.join(os.tmpdir(), `pim-bench-${name}-`)));
  let packed: string | undefined;
  /** This repository packed with `npm pack` (once per run). */
  const tarball = () => {
    if (!packed) {
      log("packing this repository and installing it into temporary projects");
      packed = packRepository(tempDir("tarball"));
    }
    return packed;
  };
  let bridged: BridgedOutcome | undefined;
  const engine = (name: ContenderName, dir: string, options: EngineContenderOptions = {}) =>
    new EngineContender(name, dir, cloud, options);
  /** A YAML program of the provider plugin, written for each scenario. */
  const yaml = (name: ContenderName, resourcePerImage: boolean) => {
    const dir = tempDir(name);
    const write = (imageIds: string[], perImage: number) =>
      fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        yamlProgram(imageIds, perImage, resourcePerImage),
      );
    write([], 0);
    return engine(name, dir, {
      ...plugin,
      programPattern: yamlHost,
      writeProgram: write,
      resourcePerImage,
    });
  };
  const make: Record<ContenderName, () => Contender | undefined> = {
    ours: () => engine("ours", path.join(projectRoot, "bench/program")),
    package: () =>
      engine("package", temp(installedProject("package", tarball(), programUsing("package")))),
    members: () =>
      engine("members", temp(installedProject("members", tarball(), membersProgram)), {
        resourcePerImage: true,
      }),
    plugin: () => engine("plugin", path.join(projectRoot, "bench/program-plugin"), plugin),
    yaml: () => yaml("yaml", false),
    membersYaml: () => yaml("membersYaml", true),
    floor: () => new Floor(cloud),
    emptyTs: () =>
      engine("emptyTs", floorProgram, { pulumiFloor: "empty", writeProgram: () => undefined }),
    noopDynamic: () => engine("noopDynamic", floorProgram, { pulumiFloor: "perMember" }),
    emptyYaml: () => {
      const dir = tempDir("empty-yaml");
      const program = "name: image-members-bench-empty\nruntime: yaml\n";
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program);
      const options = { programPattern: yamlHost, writeProgram: () => undefined };
      return engine("emptyYaml", dir, { pulumiFloor: "empty", ...options });
    },
    bridged: () => {
      log("preparing the bridged provider (its plugin, npm install @pulumi/openstack)");
      bridged = makeBridgedProject();
      if (!bridged.available) return void log(`bridged provider unavailable: ${bridged.reason}`);
      const provider = /pulumi-resource-openstack(\s|$)/;
      return engine("bridged", temp(bridged.dir!), { provider, extraPath: bridged.binDir });
    },
    tofu: () => {
      log("OpenTofu and terraform-provider-openstack (bash scripts/tofu.sh ensure; built once)");
      return new TofuContender(cloud);
    },
  };
  const contenders = wanted.map((c) => make[c]()).filter((c): c is Contender => c !== undefined);
  return { contenders, packageTarball: packed && path.basename(packed), bridged };
}

function sh(cmd: string, args: string[], cwd: string): string {
  const options = { cwd, timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024 };
  return execFileSync(cmd, args, {
    ...options,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** `npm run build`, then `npm pack` of this repository into `dir`: the tarball. */
function packRepository(dir: string): string {
  sh("npm", ["run", "build"], projectRoot);
  const packArgs = ["pack", "--silent", "--pack-destination", dir, "--ignore-scripts"];
  return path.join(dir, sh("npm", packArgs, projectRoot).trim().split("\n").pop()!);
}

/**
 * A temporary npm project `pim-bench-<name>` with `packages` installed, plus the @pulumi/pulumi
 * this repository pins and TypeScript, and `program` as its index.ts. Scripts are off: old
 * @pulumi/* packages try to download their plugin on install.
 */
function installedProject(name: string, packages: string | string[], program: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pim-bench-${name}-`));
  const manifest = { name: `pim-bench-${name}`, version: "0.0.0", private: true };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const ours = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
  const pulumi = `@pulumi/pulumi@${ours.devDependencies["@pulumi/pulumi"]}`;
  const install = ["install", "--no-audit", "--no-fund", "--ignore-scripts"];
  sh("npm", [...install, ...[packages].flat(), pulumi, "typescript@5"], dir);
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: image-members-bench-${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
  );
  fs.writeFileSync(path.join(dir, "index.ts"), program);
  return dir;
}

/**
 * bench/program (one ImageMember per member) importing the installed package, or declaring
 * the bridged provider's ImageAccess instead.
 */
function programUsing(what: "package" | "bridged"): string {
  const from = [`import { ImageMember } from "../../provider";`, "new ImageMember("];
  const [importLine, resource] =
    what === "package"
      ? [`import { ImageMember } from "pulumi-image-members";`, "ImageMember"]
      : [`import * as openstack from "@pulumi/openstack";`, "openstack.images.ImageAccess"];
  const program = fs.readFileSync(path.join(projectRoot, "bench/program/index.ts"), "utf8");
  if (!from.every((line) => program.includes(line))) {
    throw new Error(`bench/program/index.ts no longer holds ${from.join(" and ")}`);
  }
  return program.replace(from[0], importLine).replace(from[1], `new ${resource}(`);
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

function makeBridgedProject(): BridgedOutcome {
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
    dir = installedProject("bridged", "@pulumi/openstack", programUsing("bridged"));
  } catch (error) {
    return {
      available: false,
      reason: `npm install @pulumi/openstack failed: ${(error as Error).message}`,
    };
  }
  const sdk = JSON.parse(
    fs.readFileSync(path.join(dir, "node_modules/@pulumi/openstack/package.json"), "utf8"),
  ).version;
  return { available: true, pluginVersion, binDir, sdk: `@pulumi/openstack@${sdk}`, dir };
}

/**
 * The `yaml` contender's program, sharing each image with `perImage` members as bench/program
 * does (YAML has no loop: it lists every member), or `membersYaml`'s, one ImageMembers per
 * image holding all its member ids; the plugin is the repository's bin/.
 */
export function yamlProgram(imageIds: string[], perImage: number, perImageResource = false) {
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
  const ids = Array.from({ length: perImage }, (_, m) => JSON.stringify(memberIdOf(m)));
  imageIds.forEach((imageId, i) => {
    const image = `      imageId: ${JSON.stringify(imageId)}`;
    if (perImageResource) {
      const type = "    type: imagemembers:index:ImageMembers";
      lines.push(
        `  i-${i}:`,
        type,
        "    properties:",
        image,
        `      memberIds: [${ids.join(", ")}]`,
      );
      return;
    }
    ids.forEach((id, m) => {
      const type = "    type: imagemembers:index:ImageMember";
      lines.push(`  m-${i}-${m}:`, type, "    properties:", image, `      memberId: ${id}`);
    });
  });
  lines.push("outputs:", `  members: ${imageIds.length * perImage}`, "");
  return lines.join("\n");
}
