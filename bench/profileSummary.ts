/** Self time per function and per origin (package, Node.js, GC) of a V8 `.cpuprofile`. */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function comes from: the package under node_modules, or a V8/Node.js category. */
export function originOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)(\/.*)?$/);
  if (m) {
    const pkg = m[1];
    if (pkg === "@pulumi/pulumi") {
      const sub = (m[2] ?? "").split("/")[1];
      return sub === "vendor" ? "@pulumi/pulumi/vendor (ts-node, source-map-support)" : pkg;
    }
    return pkg;
  }
  if (/pulumi-image-members|\/dist\/provider\//.test(url)) return "pulumi-image-members";
  return "program";
}

export function summarizeProfile(profile: CpuProfile, top = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fns = new Map<string, number>();
  const origins = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    busyUs += us;
    const short = url.replace(/^.*node_modules\//, "").replace(/^file:\/\//, "");
    const key =
      `${functionName || "(anonymous)"} ${short ? `${short}:${lineNumber + 1}` : ""}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const sorted = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ name: k, selfMs: ms(v) }));
  return {
    wallMs: ms(profile.endTime - profile.startTime),
    busyMs: ms(busyUs),
    origins: sorted(origins),
    topFunctions: sorted(fns).slice(0, top),
  };
}
