/**
 * Every contender, in the order the README lists them: how the README and the targets name
 * it, whether an engine runs it, and how it is made. bench/run.ts and bench/profile.ts make
 * them here alike. A new contender: its name in `ContenderName` (bench/measure.ts), an entry
 * here.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { Cloud } from "./cloud";
import { CliLoop, Floor } from "./direct";
import { EngineContender, EngineContenderOptions } from "./engine";
import { Contender, ContenderName, log } from "./measure";
import {
  BridgedOutcome,
  makeBridgedProject,
  makeMembersProject,
  makePackageProject,
  packRepository,
  yamlProgram,
} from "./projects";
import { TofuContender } from "./tofu";

/** Node.js's dynamic provider process, which runs this package's providers. */
const dynamicProviderPattern = /node\s+\S*cmd\/dynamic-provider(\/index\.js)?(\s|$)/;
/** The provider plugin's process, as the engine starts it (`node .../bin/pulumi-resource-imagemembers`). */
const pluginProcessPattern = /pulumi-resource-imagemembers(\s|$)/;

/** What making a contender may need, and what it leaves for the report. */
interface Making {
  cloud: Cloud;
  cliSample: number;
  /** Records a folder to remove after the run; returns it. */
  temp(dir: string): string;
  /** This repository packed with `npm pack` (once per run). */
  packed(): { tarball: string; version: string };
  bridged?: BridgedOutcome;
}

interface ContenderKind {
  /** How the README's headline and the targets name it. */
  describe: string;
  /** Run by an engine, Pulumi's or OpenTofu's: it has state, CPU and process figures. */
  engine: boolean;
  /** The contender, or undefined when it cannot run here (the reason logged). */
  make(x: Making): Contender | undefined;
}

const engine = (
  name: ContenderName,
  dir: string,
  x: Making,
  options: EngineContenderOptions & { provider?: RegExp } = {},
) => new EngineContender(name, dir, x.cloud, options.provider ?? dynamicProviderPattern, options);
/** Pulumi's floor programs (bench/program-floor): empty without config, no-op resources with. */
const floorProgram = path.join(projectRoot, "bench/program-floor");
/** The provider plugin reads no stack config: the owner's credentials as `OS_*` variables. */
const plugin = { provider: pluginProcessPattern, credentials: "environment" } as const;

/** A YAML program of the provider plugin, written for each scenario. */
function yamlContender(name: ContenderName, x: Making, perImageResource: boolean) {
  const dir = x.temp(fs.mkdtempSync(path.join(os.tmpdir(), `pim-bench-${name}-`)));
  const write = (imageIds: string[], perImage: number) =>
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      yamlProgram(imageIds, perImage, perImageResource),
    );
  write([], 0);
  return engine(name, dir, x, {
    ...plugin,
    // The YAML language host runs the program itself.
    programPattern: /pulumi-language-yaml(\s|$)/,
    writeProgram: write,
    resourcePerImage: perImageResource,
  });
}

export const contenderKinds: Record<ContenderName, ContenderKind> = {
  ours: {
    describe: "provider from the repository",
    engine: true,
    make: (x) => engine("ours", path.join(projectRoot, "bench/program"), x),
  },
  package: {
    describe: "provider installed as a package",
    engine: true,
    make: (x) => engine("package", x.temp(makePackageProject(x.packed().tarball)), x),
  },
  members: {
    describe: "one ImageMembers per image, installed as a package",
    engine: true,
    make: (x) =>
      engine("members", x.temp(makeMembersProject(x.packed().tarball)), x, {
        resourcePerImage: true,
      }),
  },
  plugin: {
    describe: "the provider plugin's ImageMember from a Node.js program",
    engine: true,
    make: (x) => engine("plugin", path.join(projectRoot, "bench/program-plugin"), x, plugin),
  },
  yaml: {
    describe: "the provider plugin's ImageMember from a YAML program",
    engine: true,
    make: (x) => yamlContender("yaml", x, false),
  },
  membersYaml: {
    describe: "the provider plugin's ImageMembers, one per image, from a YAML program",
    engine: true,
    make: (x) => yamlContender("membersYaml", x, true),
  },
  floor: {
    describe: "the same requests sent straight to Glance, the engine's concurrency",
    engine: false,
    make: (x) => new Floor(x.cloud),
  },
  emptyTs: {
    describe: "Pulumi's floor: an empty TypeScript program",
    engine: true,
    make: (x) =>
      engine("emptyTs", floorProgram, x, { pulumiFloor: "empty", writeProgram: () => undefined }),
  },
  noopDynamic: {
    describe: "Pulumi's floor: a no-op dynamic resource per member (no request)",
    engine: true,
    make: (x) => engine("noopDynamic", floorProgram, x, { pulumiFloor: "perMember" }),
  },
  emptyYaml: {
    describe: "Pulumi's floor: an empty YAML program",
    engine: true,
    make: (x) => {
      const dir = x.temp(fs.mkdtempSync(path.join(os.tmpdir(), "pim-bench-empty-yaml-")));
      fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: image-members-bench-empty\nruntime: yaml\n",
      );
      const programPattern = /pulumi-language-yaml(\s|$)/;
      return engine("emptyYaml", dir, x, {
        pulumiFloor: "empty",
        programPattern,
        writeProgram: () => undefined,
      });
    },
  },
  cli: {
    describe: "`openstack image add project` in a shell-style loop",
    engine: false,
    make: (x) => new CliLoop(x.cloud, x.cliSample),
  },
  bridged: {
    describe: "the bridged @pulumi/openstack ImageAccess",
    engine: true,
    make: (x) => {
      log("preparing the bridged provider (its plugin, npm install @pulumi/openstack)");
      const bridged = (x.bridged = makeBridgedProject());
      if (!bridged.available) return void log(`bridged provider unavailable: ${bridged.reason}`);
      const provider = /pulumi-resource-openstack(\s|$)/;
      return engine("bridged", x.temp(bridged.dir!), x, { provider, extraPath: bridged.binDir });
    },
  },
  tofu: {
    describe:
      "OpenTofu with terraform-provider-openstack, openstack_images_image_access_v2 with count",
    engine: true,
    make: (x) => {
      log("OpenTofu and terraform-provider-openstack (bash scripts/tofu.sh ensure; built once)");
      return new TofuContender(x.cloud);
    },
  },
};

export const allContenders = Object.keys(contenderKinds) as ContenderName[];
/** The contenders an engine runs (they have state, CPU and process figures). */
export const engineContenders = allContenders.filter((c) => contenderKinds[c].engine);
export const describe = (c: ContenderName): string => contenderKinds[c].describe;

/** The wanted contenders that can run here, not yet initialised; their folders go to `tempDirs`. */
export function makeContenders(
  wanted: readonly ContenderName[],
  cloud: Cloud,
  tempDirs: string[],
  cliSample = 10,
): { contenders: Contender[]; packageTarball?: string; bridged?: BridgedOutcome } {
  let packed: { tarball: string; version: string } | undefined;
  const making: Making = {
    cloud,
    cliSample,
    temp: (dir) => (tempDirs.push(dir), dir),
    packed: () => {
      if (!packed) {
        log("packing this repository and installing it into temporary projects");
        packed = packRepository();
        tempDirs.push(path.dirname(packed.tarball));
      }
      return packed;
    },
  };
  const contenders = wanted
    .map((c) => contenderKinds[c].make(making))
    .filter((c): c is Contender => c !== undefined);
  return { contenders, packageTarball: packed?.version, bridged: making.bridged };
}
