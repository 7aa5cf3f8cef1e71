/** Contenders under the Pulumi engine: ours, package and bridged (one project each). */
import * as os from "os";
import { performance } from "perf_hooks";
import { CommandResult, PulumiProject, pulumiBinDir } from "../tests/support/pulumiEngine";
import { Cloud } from "./cloud";
import { ContenderName, OpName } from "./options";
import { OpSample, StateFigures, round } from "./measure";
import { membershipsOf } from "./members";
import { ProcessWatch, WatchedProcess } from "./procWatch";

export function changesOf(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(
    /^\s*[+~-]?\s*(\d+) (created|updated|deleted|replaced|unchanged|to create|to update|to delete|to replace)\b/gm,
  )) {
    out[m[2]] = Number(m[1]);
  }
  return out;
}

export class EngineContender {
  readonly project: PulumiProject;
  private configured = "";

  constructor(
    readonly name: ContenderName,
    projectDir: string,
    readonly cloud: Cloud,
    private readonly providerPattern: RegExp,
    extraPath?: string,
  ) {
    this.project = new PulumiProject(projectDir, "bench");
    if (extraPath) this.project.env.PATH = `${pulumiBinDir()}:${extraPath}:${process.env.PATH}`;
  }

  async init(): Promise<void> {
    await this.project.init(this.cloud.stackConfig(), {
      "openstack:password": this.cloud.owner.password,
    });
  }

  async configure(imageIds: string[], perImage: number): Promise<void> {
    const key = JSON.stringify([imageIds, perImage]);
    if (key === this.configured) return;
    await this.project.setConfig("imageIds", JSON.stringify(imageIds));
    await this.project.setConfig("membersPerImage", String(perImage));
    this.configured = key;
  }

  async measure(op: OpName): Promise<OpSample> {
    const watch = new ProcessWatch(this.providerPattern);
    // The Pulumi program (run by the language host) and the engine (the pulumi CLI itself).
    const programWatch = new ProcessWatch(/node\s.*@pulumi\/pulumi\/cmd\/run(\/index\.js)?(\s|$)/);
    const engineWatch = new ProcessWatch(/^\S*pulumi (up|preview|refresh|destroy)\s/);
    const marks = this.cloud.marks();
    for (const w of [watch, programWatch, engineWatch]) w.start();
    const t0 = performance.now();
    let result: CommandResult;
    switch (op) {
      case "up":
      case "noop":
        result = await this.project.up();
        break;
      case "preview":
        result = await this.project.preview();
        break;
      case "refresh":
        result = await this.project.refresh();
        break;
      case "destroy":
        result = await this.project.destroy();
        break;
    }
    const seconds = (performance.now() - t0) / 1000;
    const processes = watch.stop();
    const cpu = (list: WatchedProcess[]) =>
      round(
        list.reduce((sum, p) => sum + p.cpuSeconds, 0),
        2,
      );
    const peaks = processes.map((p) => p.peakRssKb).filter((kb) => kb > 0);
    return {
      seconds: round(seconds),
      ...this.cloud.countsSince(marks),
      providerProcesses: processes.length,
      providerPeakRssMb: peaks.length ? round(Math.max(...peaks) / 1024, 1) : undefined,
      providerCpuSeconds: cpu(processes),
      programCpuSeconds: cpu(programWatch.stop()),
      engineCpuSeconds: cpu(engineWatch.stop()),
      load1: round(os.loadavg()[0], 2),
      changes: changesOf(result.stdout),
    };
  }

  async state(total: number): Promise<StateFigures> {
    const { text, deployment } = await this.project.exportState();
    const members = (deployment.resources ?? []).filter((r) =>
      /ImageMember|ImageAccess/.test(r.type),
    );
    const providerTexts = new Set<string>();
    let copies = 0;
    let providerBytes = 0;
    for (const r of members) {
      for (const bag of [r.inputs, r.outputs]) {
        const p = bag?.__provider;
        if (typeof p === "string") {
          providerTexts.add(p);
          copies++;
          providerBytes = Math.max(providerBytes, Buffer.byteLength(p));
        }
      }
    }
    const exportBytes = Buffer.byteLength(text);
    const figures: StateFigures = {
      exportBytes,
      members: members.reduce((sum, r) => sum + membershipsOf(r), 0),
      resources: members.length,
      bytesPerMember: round(exportBytes / Math.max(total, 1), 1),
      memberResourceBytes: round(
        members.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r, null, 4)), 0) /
          Math.max(members.length, 1),
        1,
      ),
      providerBytes,
      providerCopiesPerMember: round(copies / Math.max(members.length, 1), 2),
      distinctProviderTexts: providerTexts.size,
      providerControlledBytes: round(
        members.reduce(
          (sum, r) =>
            sum +
            Buffer.byteLength(JSON.stringify({ inputs: r.inputs, outputs: r.outputs }, null, 4)),
          0,
        ) / Math.max(members.length, 1),
        1,
      ),
      engineRecordedBytes: 0,
      exampleMember:
        members[0] &&
        JSON.parse(JSON.stringify(members[0]), (k, v) =>
          k === "__provider" && typeof v === "string" && v.length > 120
            ? `${v.slice(0, 120)}… (${Buffer.byteLength(v)} bytes)`
            : v,
        ),
    };
    figures.engineRecordedBytes = round(
      figures.memberResourceBytes - figures.providerControlledBytes,
      1,
    );
    return figures;
  }

  cleanUp(): void {
    this.project.cleanUp();
  }
}
