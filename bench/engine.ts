/**
 * The contenders under the Pulumi engine (ours, package, members, plugin, yaml, membersYaml,
 * bridged and Pulumi's floors): one project each, run as the tests run the CLI
 * (tests/support/pulumiEngine.ts); and the timing of one engine command, OpenTofu's too.
 */
import * as os from "os";
import { performance } from "perf_hooks";
import { PulumiProject, pulumiBinDir } from "../tests/support/pulumiEngine";
import { Cloud } from "./cloud";
import {
  Contender,
  ContenderName,
  OpName,
  OpSample,
  ProcessWatch,
  StateFigures,
  printedBytes,
  round,
  withoutStackTrace,
} from "./measure";

/** The Pulumi engine's summary lines (`+ 10 created`, `10 to delete`) as counts. */
export function changesOf(stdout: string): Record<string, number> {
  const counts = stdout.matchAll(
    /^\s*[+~-]?\s*(\d+) (created|updated|deleted|replaced|unchanged|to create|to update|to delete|to replace)\b/gm,
  );
  return Object.fromEntries([...counts].map(([, n, what]) => [what, Number(n)]));
}

/**
 * Times one engine command, watching the processes it starts (provider, program, engine) and
 * counting the requests the cloud saw meanwhile; `changesOf` reads the engine's summary.
 */
export async function timedCommand(
  cloud: Cloud,
  watch: { provider: RegExp; program?: RegExp; engine: RegExp },
  run: () => Promise<{ stdout: string }>,
  changesOf: (stdout: string) => Record<string, number>,
): Promise<OpSample> {
  const marks = cloud.marks();
  const provider = new ProcessWatch(watch.provider);
  const program = watch.program && new ProcessWatch(watch.program);
  const engine = new ProcessWatch(watch.engine);
  const t0 = performance.now();
  const { stdout } = await run();
  const seconds = (performance.now() - t0) / 1000;
  const providers = provider.stop();
  return {
    seconds: round(seconds),
    ...cloud.countsSince(marks),
    providerProcesses: providers.processes,
    providerPeakRssMb: providers.peakRssMb,
    providerCpuSeconds: providers.cpuSeconds,
    programCpuSeconds: program && program.stop().cpuSeconds,
    engineCpuSeconds: engine.stop().cpuSeconds,
    load1: round(os.loadavg()[0], 2),
    changes: changesOf(stdout),
  };
}

/** The Node.js program a language host runs (`@pulumi/pulumi`'s cmd/run). */
const nodeProgramPattern = /node\s.*@pulumi\/pulumi\/cmd\/run(\/index\.js)?(\s|$)/;

export interface EngineContenderOptions {
  provider?: RegExp; // the provider process to watch (default: Node.js's dynamic provider)
  extraPath?: string; // a folder put on PATH after the CLI's (the bridged provider's plugin)
  /** The owner's credentials as `OS_*` variables (the provider plugin reads no stack config). */
  environmentCredentials?: boolean;
  programPattern?: RegExp; // the process running the program (default: a Node.js program)
  /**
   * Writes the program for a scenario instead of setting its config `imageIds` and
   * `membersPerImage` (a YAML program has no loop: it lists every resource).
   */
  writeProgram?: (imageIds: string[], perImage: number) => void;
  resourcePerImage?: boolean; // one resource per image (`ImageMembers`), not one per member
  /** Pulumi's own floor (issue 30): an empty program, or no-op resources, one per member. */
  pulumiFloor?: "empty" | "perMember";
}

export class EngineContender implements Contender {
  readonly project: PulumiProject;
  private configured = "";

  constructor(
    readonly name: ContenderName,
    projectDir: string,
    readonly cloud: Cloud,
    private readonly options: EngineContenderOptions = {},
  ) {
    this.project = new PulumiProject(projectDir, "bench");
    if (options.extraPath) {
      this.project.env.PATH = `${pulumiBinDir()}:${options.extraPath}:${process.env.PATH}`;
    }
  }

  get pulumiOnly(): boolean {
    return this.options.pulumiFloor !== undefined;
  }

  /** The engine's summary counts the stack resource too. */
  changedResources(images: number, total: number): number {
    if (this.options.pulumiFloor === "empty") return 1;
    return (this.options.resourcePerImage ? images : total) + 1;
  }

  /** Extra arguments of `up`, `preview`, `refresh` and `destroy` (--engine-args). */
  set operationArgs(args: string[]) {
    this.project.operationArgs = args;
  }

  async init(): Promise<void> {
    if (this.options.environmentCredentials) {
      Object.assign(this.project.env, this.cloud.ownerEnvironment());
      await this.project.init({});
      return;
    }
    const { "openstack:password": password, ...config } = this.cloud.stackConfig();
    await this.project.init(config, { "openstack:password": password });
  }

  async configure(imageIds: string[], perImage: number): Promise<void> {
    const key = JSON.stringify([imageIds, perImage]);
    if (key === this.configured) return;
    if (this.options.writeProgram) {
      this.options.writeProgram(imageIds, perImage);
    } else {
      await this.project.setConfig("imageIds", JSON.stringify(imageIds));
      await this.project.setConfig("membersPerImage", String(perImage));
    }
    this.configured = key;
  }

  measure(op: OpName): Promise<OpSample> {
    const commands = {
      up: () => this.project.up(),
      noop: () => this.project.up(),
      preview: () => this.project.preview(),
      refresh: () => this.project.refresh(),
      destroy: () => this.project.destroy(),
    };
    const watch = {
      provider: this.options.provider ?? /node\s+\S*cmd\/dynamic-provider(\/index\.js)?(\s|$)/,
      // The Pulumi program (run by the language host) and the engine (the pulumi CLI itself).
      program: this.options.programPattern ?? nodeProgramPattern,
      engine: /^\S*pulumi (up|preview|refresh|destroy)\s/,
    };
    return timedCommand(this.cloud, watch, commands[op], changesOf);
  }

  async state(total: number): Promise<StateFigures> {
    const { text, deployment } = await this.project.exportState();
    type Resource = NonNullable<typeof deployment.resources>[number];
    const parsed = JSON.parse(text) as { deployment: object };
    const resources = deployment.resources ?? [];
    const members = resources.filter((r) => /ImageMember|ImageAccess/.test(r.type));
    // What the recorded stack traces of every resource take in the export, as indented there.
    const stripped = { ...parsed, deployment: { ...parsed.deployment, resources: [] as object[] } };
    stripped.deployment.resources = resources.map(withoutStackTrace);
    const stackTraceBytes = printedBytes(parsed) - printedBytes(stripped);
    const framesOf = (r: object): number => {
      const trace = (r as { stackTrace?: unknown }).stackTrace;
      if (Array.isArray(trace)) return trace.length;
      const frames = (trace as { frames?: unknown } | undefined)?.frames;
      return Array.isArray(frames) ? frames.length : 0;
    };
    const meanOver = (f: (r: Resource) => number) =>
      round(members.reduce((sum, r) => sum + f(r), 0) / Math.max(members.length, 1), 1);
    const providerTexts: string[] = [];
    for (const r of members) {
      for (const bag of [r.inputs, r.outputs] as { __provider?: unknown }[]) {
        if (typeof bag?.__provider === "string") providerTexts.push(bag.__provider);
      }
    }
    const exportBytes = Buffer.byteLength(text);
    const memberResourceBytes = meanOver(printedBytes);
    const providerControlledBytes = meanOver((r) =>
      printedBytes({ inputs: r.inputs, outputs: r.outputs }),
    );
    return {
      exportBytes,
      members: members.reduce((sum, r) => sum + membershipsOf(r), 0),
      resources: members.length,
      bytesPerMember: round(exportBytes / Math.max(total, 1), 1),
      memberResourceBytes,
      memberResourceBytesWithoutStackTrace: meanOver((r) => printedBytes(withoutStackTrace(r))),
      bytesPerMemberWithoutStackTraces: round(
        (exportBytes - stackTraceBytes) / Math.max(total, 1),
        1,
      ),
      stackTraceFrames: meanOver(framesOf),
      providerBytes: Math.max(0, ...providerTexts.map((p) => Buffer.byteLength(p))),
      providerCopiesPerMember: round(providerTexts.length / Math.max(members.length, 1), 2),
      distinctProviderTexts: new Set(providerTexts).size,
      providerControlledBytes,
      engineRecordedBytes: round(memberResourceBytes - providerControlledBytes, 1),
    };
  }

  async abandon(): Promise<void> {
    await this.project.destroy({ allowFailure: true }).catch(() => undefined);
  }

  cleanUp(): void {
    this.project.cleanUp();
  }
}

/**
 * Memberships a state resource stands for: an `ImageMembers` holds a list (its outputs'
 * `members`, else its inputs' `memberIds`), an `ImageMember` or `ImageAccess` one.
 */
function membershipsOf(resource: {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}): number {
  if (!/ImageMembers$/.test(resource.type)) return 1;
  const list = resource.outputs?.members ?? resource.inputs?.memberIds;
  return Array.isArray(list) ? list.length : 0;
}
