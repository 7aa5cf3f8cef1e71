/**
 * The contenders without an engine: the floor (the same requests sent straight to Glance, no
 * Pulumi) and the CLI loop (`openstack image add project` / `remove project`, one per member).
 */
import { execFile } from "child_process";
import * as os from "os";
import { performance } from "perf_hooks";
import { promisify } from "util";
import { createMember, deleteMember, getMember } from "../provider/glance";
import { Cloud, memberIdOf } from "./cloud";
import { Contender, OpName, OpSample, engineParallelism, round, stats } from "./measure";

/** Neither contender keeps state: nothing to set up or to remove. */
abstract class DirectContender {
  /** The scenario's memberships: [image id, member id]. */
  protected pairs: [string, string][] = [];
  async init(): Promise<void> {}
  async configure(imageIds: string[], perImage: number): Promise<void> {
    this.pairs = imageIds.flatMap((imageId) =>
      Array.from({ length: perImage }, (_, m): [string, string] => [imageId, memberIdOf(m)]),
    );
  }
  async abandon(): Promise<void> {}
  cleanUp(): void {}
}

/**
 * POST, GET or DELETE per member with the engine's default concurrency (4 × CPUs) and one
 * token taken before timing, through the project's own HttpClient. No-op up and preview send
 * nothing: 0 s by definition.
 */
export class Floor extends DirectContender implements Contender {
  readonly name = "floor" as const;
  readonly note = "no-op up and preview: nothing to send (0 s by definition)";
  constructor(readonly cloud: Cloud) {
    super();
  }

  async measure(op: OpName): Promise<OpSample> {
    if (op === "noop" || op === "preview") {
      const none = { glanceTotal: 0, glance: {}, keystoneTotal: 0, keystoneAuths: 0, keystone: {} };
      return { seconds: 0, ...none, providerProcesses: 0 };
    }
    const session = this.cloud.session();
    const glance = await session.imageService();
    await session.projectId(); // authenticate outside the timing
    const marks = this.cloud.marks();
    const t0 = performance.now();
    // The engine's default concurrency: as many workers, each taking the next member.
    let next = 0;
    const worker = async () => {
      for (let pair; (pair = this.pairs[next++]);) {
        if (op === "up") await createMember(glance, ...pair);
        else if (op === "refresh") await getMember(glance, ...pair);
        else await deleteMember(glance, ...pair);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(engineParallelism, this.pairs.length) }, worker),
    );
    return {
      seconds: round((performance.now() - t0) / 1000),
      ...this.cloud.countsSince(marks),
      providerProcesses: 0,
      load1: round(os.loadavg()[0], 2),
    };
  }
}

/**
 * `openstack image add project` (up) or `remove project` (destroy) once per member, one after
 * the other as a shell loop does, once per scenario. For N above the sample size only the
 * first `sample` calls run, and the total is the median call time × N (marked as extrapolated),
 * request counts scaled alike. Its "provider processes" are the CLI calls.
 */
export class CliLoop extends DirectContender implements Contender {
  readonly name = "cli" as const;
  readonly ops: OpName[] = ["up", "destroy"];
  readonly once = true;
  note?: string;
  constructor(
    readonly cloud: Cloud,
    readonly sample: number,
  ) {
    super();
  }

  async measure(op: OpName): Promise<OpSample> {
    const env = this.environment();
    const chosen = this.pairs.slice(0, Math.min(this.sample, this.pairs.length));
    const marks = this.cloud.marks();
    const times: number[] = [];
    for (const [imageId, memberId] of chosen) {
      const t0 = performance.now();
      const args = ["image", op === "up" ? "add" : "remove", "project", imageId, memberId];
      await promisify(execFile)("openstack", args, { env });
      times.push((performance.now() - t0) / 1000);
    }
    const median = stats(times).median;
    const counts = this.cloud.countsSince(marks);
    const scale = this.pairs.length / chosen.length;
    const scaled = (r: Record<string, number>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v * scale, 1)]));
    const extrapolated = chosen.length < this.pairs.length;
    this.note = extrapolated
      ? `extrapolated: median of ${chosen.length} calls × ${this.pairs.length}`
      : `all ${chosen.length} calls timed`;
    return {
      seconds: round(extrapolated ? median * this.pairs.length : times.reduce((a, b) => a + b, 0)),
      glanceTotal: round(counts.glanceTotal * scale, 1),
      glance: scaled(counts.glance),
      keystoneTotal: round(counts.keystoneTotal * scale, 1),
      keystoneAuths: round(counts.keystoneAuths * scale, 1),
      keystone: scaled(counts.keystone),
      providerProcesses: chosen.length,
    };
  }

  /** The owner's `OS_*` variables from the cloud under test (never another cloud's files). */
  private environment(): NodeJS.ProcessEnv {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")),
    );
    const vars = {
      ...this.cloud.ownerEnvironment(),
      OS_IDENTITY_API_VERSION: "3",
      OS_IMAGE_API_VERSION: "2",
    };
    return { ...clean, ...vars, OS_AUTH_URL: this.cloud.authUrl };
  }
}
