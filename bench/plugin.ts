/**
 * The provider plugin's contenders: `plugin`, bench/program-plugin (a Node.js program declaring
 * `imagemembers:index:ImageMember` by type token), and `yaml`, a `runtime: yaml` program
 * written for each scenario into a temporary folder (YAML has no loop: it lists every member).
 * Both run the repository's bin/pulumi-resource-imagemembers, found through `plugins.providers`
 * in their Pulumi.yaml, with the owner's credentials as `OS_*` variables.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { Cloud, memberIdOf } from "./cloud";
import { EngineContender } from "./engine";

/** The plugin process, as the engine starts it (`node .../bin/pulumi-resource-imagemembers`). */
export const pluginProcessPattern = /pulumi-resource-imagemembers(\s|$)/;

export function pluginContender(cloud: Cloud): EngineContender {
  return new EngineContender(
    "plugin",
    path.join(projectRoot, "bench/program-plugin"),
    cloud,
    pluginProcessPattern,
    { credentials: "environment" },
  );
}

/** The YAML program sharing each image with `perImage` members, as bench/program does. */
export function yamlProgram(imageIds: string[], perImage: number): string {
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

/** The `yaml` contender and its temporary folder (the caller removes it). */
export function yamlContender(cloud: Cloud): { contender: EngineContender; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pim-bench-yaml-"));
  const write = (imageIds: string[], perImage: number) =>
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram(imageIds, perImage));
  write([], 0);
  const contender = new EngineContender("yaml", dir, cloud, pluginProcessPattern, {
    credentials: "environment",
    // The YAML language host runs the program itself.
    programPattern: /pulumi-language-yaml(\s|$)/,
    writeProgram: write,
  });
  return { contender, dir };
}
