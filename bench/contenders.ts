/** The stateful contenders bench/run.ts and bench/profile.ts measure, made the same way for both. */
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { Cloud } from "./cloud";
import { EngineContender, StatefulContender } from "./engine";
import { log } from "./measure";
import { makeMembersProject } from "./members";
import { ContenderName } from "./options";
import { pluginContender, yamlContender } from "./plugin";
import { BridgedOutcome, makeBridgedProject, makePackageProject, packRepository } from "./projects";
import { TofuContender } from "./tofu";

/** Node.js's dynamic provider process, which runs this package's providers. */
export const dynamicProviderPattern = /node\s+\S*cmd\/dynamic-provider(\/index\.js)?(\s|$)/;

export interface MadeContenders {
  contenders: Partial<Record<ContenderName, StatefulContender>>;
  /** The packed version, when package or members was wanted. */
  packageTarball?: string;
  bridged?: BridgedOutcome;
}

/** The wanted contenders, not yet initialised; folders to remove afterwards go to `tempDirs`. */
export function makeContenders(
  wanted: readonly ContenderName[],
  cloud: Cloud,
  tempDirs: string[],
): MadeContenders {
  const want = (c: ContenderName) => wanted.includes(c);
  const made: MadeContenders = { contenders: {} };
  const contenders = made.contenders;
  if (want("ours")) {
    contenders.ours = new EngineContender(
      "ours",
      path.join(projectRoot, "bench/program"),
      cloud,
      dynamicProviderPattern,
    );
  }
  if (want("plugin")) contenders.plugin = pluginContender(cloud);
  if (want("yaml")) {
    const yaml = yamlContender(cloud);
    tempDirs.push(yaml.dir);
    contenders.yaml = yaml.contender;
  }
  if (want("package") || want("members")) {
    log("packing this repository and installing it into temporary projects");
    const packed = packRepository();
    tempDirs.push(packed.dir);
    made.packageTarball = packed.version;
    const installed: [ContenderName, () => string][] = [
      ["package", () => makePackageProject(packed.tarball)],
      ["members", () => makeMembersProject(packed.tarball)],
    ];
    for (const [c, make] of installed) {
      if (!want(c)) continue;
      const dir = make();
      tempDirs.push(dir);
      contenders[c] = new EngineContender(c, dir, cloud, dynamicProviderPattern);
    }
  }
  if (want("bridged")) {
    log("preparing the bridged provider (its plugin, npm install @pulumi/openstack)");
    made.bridged = makeBridgedProject();
    if (made.bridged.available) {
      tempDirs.push(made.bridged.dir!);
      contenders.bridged = new EngineContender(
        "bridged",
        made.bridged.dir!,
        cloud,
        /pulumi-resource-openstack(\s|$)/,
        { extraPath: made.bridged.binDir },
      );
    } else {
      log(`bridged provider unavailable: ${made.bridged.reason}`);
    }
  }
  if (want("tofu")) {
    log("OpenTofu and terraform-provider-openstack (bash scripts/tofu.sh ensure; built once)");
    contenders.tofu = new TofuContender(cloud);
  }
  return made;
}
