/** Modules a profiled process loaded (bench/cpuProfilePreload.js), grouped by package. */
import * as fs from "fs";

export function modulesByPackage(files: string[]): { name: string; files: number; kb: number }[] {
  const groups = new Map<string, { files: number; bytes: number }>();
  for (const file of files) {
    const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
    const name = m ? m[m.length - 1].replace("node_modules/", "") : "(project)";
    const g = groups.get(name) ?? { files: 0, bytes: 0 };
    g.files++;
    g.bytes += fs.existsSync(file) ? fs.statSync(file).size : 0;
    groups.set(name, g);
  }
  return [...groups.entries()]
    .map(([name, g]) => ({ name, files: g.files, kb: Math.round(g.bytes / 1024) }))
    .sort((a, b) => b.kb - a.kb);
}
