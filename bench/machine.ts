/** The machine the benchmark ran on, as recorded in results.json and the README. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { pulumiBinDir } from "../tests/support/pulumiEngine";
import { engineParallelism, round } from "./measure";

export function tryRun(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
      .trim()
      .split("\n")[0];
  } catch {
    return undefined;
  }
}

export function describeMachine() {
  const pulumiBin = pulumiBinDir();
  return {
    nproc: Number(tryRun("nproc", [])),
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    kernel: `${os.type()} ${os.release()}`,
    os: tryRun("sh", ["-c", ". /etc/os-release && echo $PRETTY_NAME"]),
    node: process.version,
    pulumiCli: tryRun(path.join(pulumiBin, "pulumi"), ["version"]),
    pulumiNodejsSdk: JSON.parse(
      fs.readFileSync(path.join(projectRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ).version,
    engineParallelism,
    openstackClient: tryRun("openstack", ["--version"]),
    go: tryRun("go", ["version"]),
    glance: tryRun("dpkg-query", ["-W", "-f", "${Version}", "glance-api"]),
    keystone: tryRun("dpkg-query", ["-W", "-f", "${Version}", "keystone"]),
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    loadAverageAtEnd: [] as number[],
  };
}
