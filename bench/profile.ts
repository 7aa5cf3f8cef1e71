/**
 * CPU profiles of one `pulumi up` (then `destroy`) per contender, for issue 22: the program's
 * Node.js, the dynamic provider and the plugin, each profiled by bench/cpuProfilePreload.js
 * (through NODE_OPTIONS), summarized by self time. Also the user-choosable engine settings.
 *
 *   node -r ts-node/register/transpile-only bench/profile.ts [--n 100] [--contenders package,plugin]
 *   node -r ts-node/register/transpile-only bench/profile.ts --settings [--n 100] [--repeats 2]
 *        [--contenders package,members,plugin,yaml,tofu]
 *
 * Raw profiles and the summary JSON go to bench/out/profile-<time>/ (git-ignored); with
 * --settings also settings.md, the table docs/benchmarks/profile.md shows (bench/settings.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../tests/support/childProcess";
import { loadCloudFile } from "../tests/support/realCloud";
import { Cloud } from "./cloud";
import { makeContenders } from "./contenders";
import { EngineContender } from "./engine";
import { log } from "./measure";
import { ContenderName } from "./options";
import { modulesByPackage } from "./profileModules";
import { summarizeProfile } from "./profileSummary";
import { measureSettings, settingsTable } from "./settings";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const n = Number(arg("n", "100"));
  const repeats = Number(arg("repeats", "2"));
  const settings = process.argv.includes("--settings");
  const wanted = arg(
    "contenders",
    settings ? "package,members,plugin,yaml,tofu" : "package,plugin",
  ).split(",") as ContenderName[];
  const outDir = path.join(
    projectRoot,
    "bench/out",
    `profile-${new Date().toISOString().replace(/[:.]/g, "-")}`,
  );
  fs.mkdirSync(outDir, { recursive: true });
  const cloud = new Cloud(loadCloudFile());
  await cloud.start();
  const tempDirs: string[] = [];
  const results: Record<string, unknown> = {};
  try {
    if (settings) {
      const rows = await measureSettings(wanted, cloud, n, repeats, tempDirs);
      results.settings = rows;
      fs.writeFileSync(path.join(outDir, "settings.md"), settingsTable(rows, n, repeats));
      log(`wrote ${path.join(outDir, "settings.md")}`);
      return;
    }
    const made = makeContenders(wanted, cloud, tempDirs);
    const contenders = Object.values(made.contenders).filter(
      (c): c is EngineContender => c instanceof EngineContender,
    );
    for (const c of contenders) {
      await c.init();
      const imageId = await cloud.driver.createImage();
      await c.configure([imageId], n);
      // The modules are listed before the temporary project is removed.
      const profileDir = path.join(outDir, c.name);
      c.project.env.PIM_CPU_PROFILE_DIR = profileDir;
      c.project.env.NODE_OPTIONS = `--require ${path.join(projectRoot, "bench/cpuProfilePreload.js")}`;
      const up = await c.measure("up");
      const state = await c.state(n);
      delete c.project.env.NODE_OPTIONS;
      delete c.project.env.PIM_CPU_PROFILE_DIR;
      await c.measure("destroy");
      const profiles = fs
        .readdirSync(profileDir)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => {
          const modules = path.join(profileDir, f.replace(/\.cpuprofile$/, ".modules.json"));
          return {
            file: f,
            ...summarizeProfile(JSON.parse(fs.readFileSync(path.join(profileDir, f), "utf8"))),
            modules: fs.existsSync(modules)
              ? modulesByPackage(JSON.parse(fs.readFileSync(modules, "utf8")))
              : undefined,
          };
        });
      results[c.name] = { up, state, profiles };
      log(`${c.name}: up ${up.seconds} s, state ${state.bytesPerMember} B/member`);
    }
  } finally {
    fs.writeFileSync(path.join(outDir, "summary.json"), JSON.stringify(results, null, 2));
    log(`wrote ${path.join(outDir, "summary.json")}`);
    await cloud.driver.cleanUp().catch(() => undefined);
    await cloud.stop();
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
