/** The floor contender: the same requests sent straight to Glance, no Pulumi. */
import * as os from "os";
import { performance } from "perf_hooks";
import { createMember, deleteMember, getMember } from "../provider/glance";
import { resolveCloudConfig } from "../provider/identity/resolve";
import { KeystoneSession } from "../provider/identity/session";
import { settingsFromStack } from "../provider/identity/settings";
import { HttpClient } from "../provider/transport/http";
import { Cloud } from "./cloud";
import { OpSample, engineParallelism, round } from "./measure";

export async function pool<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    }),
  );
}

export class Floor {
  private session?: KeystoneSession;
  constructor(readonly cloud: Cloud) {}

  /** One token for the whole run, taken before any timing. */
  async connect() {
    const config = resolveCloudConfig({
      stack: settingsFromStack(
        (k) =>
          ({ ...this.cloud.stackConfig(), "openstack:password": this.cloud.owner.password })[k],
      ),
      env: {},
    });
    this.session = new KeystoneSession(new HttpClient(), config);
    return this.session.imageService();
  }

  async measure(op: "up" | "refresh" | "destroy", pairs: [string, string][]): Promise<OpSample> {
    const glance = await this.connect();
    await this.session!.projectId(); // authenticate outside the timing
    const marks = this.cloud.marks();
    const t0 = performance.now();
    await pool(pairs, engineParallelism, async ([imageId, memberId]) => {
      if (op === "up") await createMember(glance, imageId, memberId);
      else if (op === "refresh") await getMember(glance, imageId, memberId);
      else await deleteMember(glance, imageId, memberId);
    });
    const seconds = (performance.now() - t0) / 1000;
    return {
      seconds: round(seconds),
      ...this.cloud.countsSince(marks),
      providerProcesses: 0,
      load1: round(os.loadavg()[0], 2),
    };
  }
}
