/**
 * The API floor: the same requests as the provider sends, straight to Glance without Pulumi.
 * POST, GET or DELETE per member with the engine's default concurrency (4 × CPUs) and one
 * token taken before timing, through the project's own HttpClient. It keeps no state: no-op up
 * and preview send nothing, 0 s by definition.
 */
import * as os from "os";
import { performance } from "perf_hooks";
import { createMember, deleteMember, getMember } from "../provider/glance";
import { Cloud, memberIdOf } from "./cloud";
import { Contender, OpName, OpSample, engineParallelism, round } from "./measure";

export class Floor implements Contender {
  readonly name = "floor" as const;
  readonly note = "no-op up and preview: nothing to send (0 s by definition)";
  /** The scenario's memberships: [image id, member id]. */
  private pairs: [string, string][] = [];
  constructor(readonly cloud: Cloud) {}

  async init(): Promise<void> {}
  async configure(imageIds: string[], perImage: number): Promise<void> {
    this.pairs = imageIds.flatMap((imageId) =>
      Array.from({ length: perImage }, (_, m): [string, string] => [imageId, memberIdOf(m)]),
    );
  }
  async abandon(): Promise<void> {}
  cleanUp(): void {}

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
