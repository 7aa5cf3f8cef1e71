/** The cli contender: `openstack image add project` / `remove project` in a shell-style loop. */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { projectRoot } from "../tests/support/childProcess";
import { osEnvironmentOf } from "../tests/support/realCloud";
import { Cloud } from "./cloud";
import { OpSample, Stats, round, stats } from "./measure";

export function ownerEnv(cloud: Cloud): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")),
  );
  const file = path.join(projectRoot, ".local-cloud/env/owner.env");
  const vars: Record<string, string> = {};
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      const m = /^(?:export\s+)?(OS_[A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) vars[m[1]] = m[2].replace(/^["']|["']$/g, "");
    }
  } else {
    Object.assign(vars, {
      ...osEnvironmentOf(cloud.owner, cloud.authUrl),
      OS_IDENTITY_API_VERSION: "3",
      OS_IMAGE_API_VERSION: "2",
    });
  }
  return { ...clean, ...vars, OS_AUTH_URL: cloud.authUrl };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile("openstack", args, { env, timeout: 120_000 }, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`openstack ${args.join(" ")}: ${stderr || error.message}`))
        : resolve(),
    ),
  );
}

/**
 * `openstack image add project` (up) or `remove project` (destroy) once per member, one after
 * the other as a shell loop does. For N above the sample size only the first `sample` calls run,
 * and the total is the median call time × N (marked as extrapolated).
 */
export async function cliMeasure(
  cloud: Cloud,
  op: "up" | "destroy",
  pairs: [string, string][],
  sample: number,
): Promise<{ sample: OpSample; perCall: Stats; calls: number; extrapolated: boolean }> {
  const env = ownerEnv(cloud);
  const chosen = pairs.slice(0, Math.min(sample, pairs.length));
  const marks = cloud.marks();
  const times: number[] = [];
  for (const [imageId, memberId] of chosen) {
    const t0 = performance.now();
    await runCli(["image", op === "up" ? "add" : "remove", "project", imageId, memberId], env);
    times.push((performance.now() - t0) / 1000);
  }
  const perCall = stats(times);
  const counts = cloud.countsSince(marks);
  const scale = pairs.length / chosen.length;
  const scaleCounts = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v * scale, 1)]));
  const extrapolated = chosen.length < pairs.length;
  return {
    sample: {
      seconds: round(
        extrapolated ? perCall.median * pairs.length : times.reduce((a, b) => a + b, 0),
      ),
      glanceTotal: round(counts.glanceTotal * scale, 1),
      glance: scaleCounts(counts.glance),
      keystoneTotal: round(counts.keystoneTotal * scale, 1),
      keystoneAuths: round(counts.keystoneAuths * scale, 1),
      keystone: scaleCounts(counts.keystone),
      providerProcesses: chosen.length,
    },
    perCall,
    calls: chosen.length,
    extrapolated,
  };
}
